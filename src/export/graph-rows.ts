/**
 * The property-graph model shared by the Cypher script (literals) and the Neo4j push (parameters):
 * node and relationship rows with typed columns, so both outputs and the kuzu schema cannot drift.
 *
 *   (:Patient {id})-[:HAS_NOTE]->(:Note {uid})
 *   (:Concept {uid})-[:MENTIONED_IN {entity}]->(:Note)
 *   (:Concept)-[:TREATS|CAUSES|…]->(:Concept)          one relationship per graph edge
 *
 * `uid`s are patient-scoped (`<patient id>|<concept key>`, `<patient id>|<note id>`), so several
 * patients can share one database without their concepts merging.
 */
import { CODE_SYSTEMS, ENTITY_TYPES, PREDICATES } from '../core/types.js';
import type { EntityType } from '../core/types.js';
import type { PatientGraph } from '../graph/patient-graph.js';
import type { Counts } from '../graph/types.js';

export type ColumnType = 'STRING' | 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'STRING[]';
export type Value = string | number | boolean | string[] | null;
export interface Column {
  name: string;
  type: ColumnType;
}

const col = (name: string, type: ColumnType): Column => ({ name, type });

export const NOTE_COLUMNS: Column[] = [
  col('id', 'STRING'),
  col('patient_id', 'STRING'),
  col('text', 'STRING'),
  col('length', 'INT64'),
  col('sha256', 'STRING'),
  col('entity_count', 'INT64'),
  col('relation_count', 'INT64'),
];

export const CONCEPT_COLUMNS: Column[] = [
  col('key', 'STRING'),
  col('patient_id', 'STRING'),
  col('name', 'STRING'),
  col('entity_type', 'STRING'),
  ...CODE_SYSTEMS.map((s) => col(s, 'STRING')),
  col('confidence', 'DOUBLE'),
  col('mention_count', 'INT64'),
  col('note_ids', 'STRING[]'),
  col('texts', 'STRING[]'),
  col('assertion', 'STRING'),
  col('experiencer', 'STRING'),
  col('temporality', 'STRING'),
  col('provenance', 'STRING'),
];

export const MENTION_COLUMNS: Column[] = [
  col('start_offset', 'INT64'),
  col('end_offset', 'INT64'),
  col('text', 'STRING'),
  col('confidence', 'DOUBLE'),
  col('assertion', 'STRING'),
  col('experiencer', 'STRING'),
  col('temporality', 'STRING'),
  col('section', 'STRING'),
  col('sentence', 'STRING'),
];

export const EDGE_COLUMNS: Column[] = [
  col('key', 'STRING'),
  col('confidence', 'DOUBLE'),
  col('evidence_count', 'INT64'),
  col('negated', 'BOOLEAN'),
  col('negated_count', 'INT64'),
  col('note_ids', 'STRING[]'),
  col('evidence', 'STRING[]'),
  col('provenance', 'STRING'),
];

/** Neo4j label per entity type: `LAB_TEST` → `LabTest`. */
export function typeLabel(type: EntityType): string {
  return type
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export const TYPE_LABELS: readonly string[] = ENTITY_TYPES.map(typeLabel);
export const RELATIONSHIP_TYPES: readonly string[] = PREDICATES;

export interface NoteRow {
  uid: string;
  props: Record<string, Value>;
}
export interface ConceptRow {
  uid: string;
  label: string;
  props: Record<string, Value>;
}
export interface MentionRow {
  concept: string;
  note: string;
  entity: string;
  props: Record<string, Value>;
}
export interface EdgeRow {
  subject: string;
  object: string;
  type: string;
  props: Record<string, Value>;
}

export interface GraphRows {
  patientId: string;
  notes: NoteRow[];
  concepts: ConceptRow[];
  mentions: MentionRow[];
  edges: EdgeRow[];
}

export interface RowOptions {
  /** Put each note's full text on its Note node. Default true. */
  includeNoteText?: boolean;
}

export function uidOf(patientId: string, key: string): string {
  return `${patientId}|${key}`;
}

function dominant(counts: Counts): string | null {
  let best: string | null = null;
  let n = -1;
  for (const [k, c] of Object.entries(counts)) if (c > n) [best, n] = [k, c];
  return best;
}

export function graphRows(graph: PatientGraph, options: RowOptions = {}): GraphRows {
  const pid = graph.patientId;
  const notes: NoteRow[] = graph.notes().map((n) => ({
    uid: uidOf(pid, n.id),
    props: {
      id: n.id,
      patient_id: pid,
      text: options.includeNoteText === false ? null : graph.noteText(n.id) ?? null,
      length: n.length,
      sha256: n.sha256,
      entity_count: n.entity_count,
      relation_count: n.relation_count,
    },
  }));
  const concepts: ConceptRow[] = [];
  const mentions: MentionRow[] = [];
  for (const node of graph.nodes()) {
    const props: Record<string, Value> = {
      key: node.id,
      patient_id: pid,
      name: node.label,
      entity_type: node.type,
    };
    for (const s of CODE_SYSTEMS) props[s] = node.codes[s] ?? null;
    Object.assign(props, {
      confidence: node.confidence,
      mention_count: node.mention_count,
      note_ids: node.note_ids,
      texts: node.texts,
      assertion: dominant(node.assertion),
      experiencer: dominant(node.experiencer),
      temporality: dominant(node.temporality),
      provenance: JSON.stringify(node.provenance.map(({ node: _n, ...m }) => m)),
    });
    const uid = uidOf(pid, node.id);
    concepts.push({ uid, label: typeLabel(node.type), props });
    for (const m of node.provenance) {
      mentions.push({
        concept: uid,
        note: uidOf(pid, m.note),
        entity: m.entity,
        props: {
          start_offset: m.start,
          end_offset: m.end,
          text: m.text,
          confidence: m.confidence,
          assertion: m.assertion ?? null,
          experiencer: m.experiencer ?? null,
          temporality: m.temporality ?? null,
          section: m.section ?? null,
          sentence: m.sentence?.text ?? null,
        },
      });
    }
  }
  const edges: EdgeRow[] = graph.edges().map((e) => ({
    subject: uidOf(pid, e.subject),
    object: uidOf(pid, e.object),
    type: e.predicate,
    props: {
      key: e.id,
      confidence: e.confidence,
      evidence_count: e.evidence_count,
      negated: e.negated,
      negated_count: e.negated_count,
      note_ids: e.note_ids,
      evidence: [...new Set(e.provenance.map((p) => p.evidence?.text).filter((t): t is string => t !== undefined))],
      provenance: JSON.stringify(e.provenance.map(({ edge: _e, ...m }) => m)),
    },
  }));
  return { patientId: pid, notes, concepts, mentions, edges };
}
