/**
 * The patient knowledge graph: the concepts and relations of many notes of one patient, merged.
 *
 * - Nodes are deduplicated by concept key (see `conceptKey`): UMLS CUI, else the first other code,
 *   else normalised text + entity type.
 * - Edges are merged per (subject node, predicate, object node).
 * - Confidence of a node or an edge is the noisy-OR of its mentions' confidences, 1 − ∏(1 − cᵢ):
 *   the chance that at least one mention is right if each were independent. More evidence never
 *   lowers it; one mention keeps its own confidence.
 * - Every node and edge keeps its provenance: note id, entity/relation id, offsets, surface text,
 *   the sentence (nodes) or evidence (edges), and the context attributes.
 *
 * Incremental: `addNote` touches only the note's own mentions, in time proportional to the note.
 * Aggregates (label, type, confidence, counts) are computed when read (`toJSON`, `nodes()`), in time
 * proportional to the graph. Adding a note id a second time: identical content is a no-op
 * (`unchanged`); different content replaces the old version by default (`onDuplicate: 'replace'`),
 * or is ignored (`'ignore'`) or rejected (`'error'`). Either way nothing is counted twice.
 */
import { createHash } from 'node:crypto';
import { MedicalNerError } from '../core/errors.js';
import { ENTITY_TYPES, isPredicate } from '../core/types.js';
import type { CodeSystem, Codes, Doc, Entity, EntityType, Evidence, Predicate, Section, Sentence, Triple } from '../core/types.js';
import { splitSentences } from '../text/sentences.js';
import { conceptKey, edgeKey, noisyOr } from './keys.js';
import type { Counts, EdgeMention, GraphEdge, GraphNode, NodeMention, NoteInfo, PatientGraphJSON } from './types.js';

export type DuplicatePolicy = 'replace' | 'ignore' | 'error';

export interface PatientGraphOptions {
  /** Patient identifier used by the exports (FHIR Patient, RDF resource). Default `patient`. */
  patientId?: string;
  /** What `addNote` does with a note id already in the graph whose content differs. Default `replace`. */
  onDuplicate?: DuplicatePolicy;
  /** Keep only entities of these types (relations need both ends kept). Default: all. */
  entityTypes?: readonly EntityType[];
}

export interface AddNoteResult {
  note: string;
  status: 'added' | 'replaced' | 'unchanged' | 'ignored';
  mentions: number;
  relations: number;
}

/** Context attribute defaults: a mention with no attribute counts as this. */
export const ATTRIBUTE_DEFAULTS = { assertion: 'present', experiencer: 'patient', temporality: 'current' } as const;

interface NoteRecord {
  info: NoteInfo;
  text: string;
  mentions: NodeMention[];
  relations: EdgeMention[];
  /** Parallel to `relations`: the (subject key, predicate, object key) of each. */
  ends: [string, Predicate, string][];
}

interface NodeState {
  key: string;
  byNote: Map<string, NodeMention[]>;
}

interface EdgeState {
  key: string;
  subject: string;
  predicate: Predicate;
  object: string;
  byNote: Map<string, EdgeMention[]>;
}

export class PatientGraph {
  readonly patientId: string;
  private readonly onDuplicate: DuplicatePolicy;
  private readonly types: ReadonlySet<EntityType>;
  private readonly notesById = new Map<string, NoteRecord>();
  private readonly nodeStates = new Map<string, NodeState>();
  private readonly edgeStates = new Map<string, EdgeState>();
  /** Sequence number of each note id, given when first added and kept when the note is replaced. */
  private readonly noteOrder = new Map<string, number>();
  private nextOrder = 0;

  constructor(options: PatientGraphOptions = {}) {
    this.patientId = options.patientId ?? 'patient';
    this.onDuplicate = options.onDuplicate ?? 'replace';
    this.types = new Set(options.entityTypes ?? ENTITY_TYPES);
  }

  /**
   * Add (or replace) one note. `noteId` defaults to `doc.id`, else a free `note-<n>`. The Doc is read, not kept:
   * later changes to it do not reach the graph.
   */
  addNote(doc: Doc, noteId?: string, options: { onDuplicate?: DuplicatePolicy } = {}): AddNoteResult {
    const id = noteId ?? doc.id ?? this.freshNoteId();
    if (typeof id !== 'string' || id === '') throw new MedicalNerError('INVALID_INPUT', 'note id must be a non-empty string');
    const sha256 = fingerprint(doc);
    const old = this.notesById.get(id);
    let status: AddNoteResult['status'] = 'added';
    if (old) {
      const policy = options.onDuplicate ?? this.onDuplicate;
      if (old.info.sha256 === sha256) return { note: id, status: 'unchanged', mentions: old.mentions.length, relations: old.relations.length };
      if (policy === 'ignore') return { note: id, status: 'ignored', mentions: old.mentions.length, relations: old.relations.length };
      if (policy === 'error') throw new MedicalNerError('INVALID_INPUT', `note "${id}" is already in the graph with different content`);
      this.detach(old);
      status = 'replaced';
    }
    const record = this.extract(doc, id, sha256);
    this.notesById.set(id, record); // an existing key keeps its position, so note order is stable
    if (!this.noteOrder.has(id)) this.noteOrder.set(id, this.nextOrder++);
    this.attach(record);
    return { note: id, status, mentions: record.mentions.length, relations: record.relations.length };
  }

  private freshNoteId(): string {
    let n = this.notesById.size + 1;
    while (this.notesById.has(`note-${n}`)) n++;
    return `note-${n}`;
  }

  /** Remove a note and everything only it supported. Returns false when the note is not in the graph. */
  removeNote(noteId: string): boolean {
    const record = this.notesById.get(noteId);
    if (!record) return false;
    this.detach(record);
    this.notesById.delete(noteId);
    this.noteOrder.delete(noteId);
    return true;
  }

  hasNote(noteId: string): boolean {
    return this.notesById.has(noteId);
  }

  get noteCount(): number {
    return this.notesById.size;
  }

  get nodeCount(): number {
    return this.nodeStates.size;
  }

  get edgeCount(): number {
    return this.edgeStates.size;
  }

  /** Notes in the order they were first added. */
  notes(): NoteInfo[] {
    return [...this.notesById.values()].map((r) => r.info);
  }

  /** The text of a note (kept for the exports' provenance: FHIR DocumentReference, Cypher Note nodes). */
  noteText(noteId: string): string | undefined {
    return this.notesById.get(noteId)?.text;
  }

  /** The mentions of one note, in text order. */
  noteMentions(noteId: string): readonly NodeMention[] {
    return this.notesById.get(noteId)?.mentions ?? [];
  }

  /** The relations of one note taken into the graph. */
  noteRelations(noteId: string): readonly EdgeMention[] {
    return this.notesById.get(noteId)?.relations ?? [];
  }

  node(key: string): GraphNode | undefined {
    const s = this.nodeStates.get(key);
    return s && this.buildNode(s);
  }

  edge(key: string): GraphEdge | undefined {
    const s = this.edgeStates.get(key);
    return s && this.buildEdge(s);
  }

  /** All nodes, sorted by key. */
  nodes(): GraphNode[] {
    return [...this.nodeStates.keys()].sort(compare).map((k) => this.buildNode(this.nodeStates.get(k)!));
  }

  /** All edges, sorted by key. */
  edges(): GraphEdge[] {
    return [...this.edgeStates.keys()].sort(compare).map((k) => this.buildEdge(this.edgeStates.get(k)!));
  }

  toJSON(): PatientGraphJSON {
    const nodes = this.nodes();
    const edges = this.edges();
    const label = new Map(nodes.map((n) => [n.id, n.label]));
    const triples: Triple[] = edges.map((e) => [label.get(e.subject)!, e.predicate, label.get(e.object)!]);
    let mentions = 0;
    let relationMentions = 0;
    for (const r of this.notesById.values()) {
      mentions += r.mentions.length;
      relationMentions += r.relations.length;
    }
    return {
      patient_id: this.patientId,
      aggregation: 'noisy-or',
      notes: this.notes(),
      nodes,
      edges,
      triples,
      stats: { notes: this.notesById.size, nodes: nodes.length, edges: edges.length, mentions, relation_mentions: relationMentions },
    };
  }

  // ---------------------------------------------------------------------------------------------

  private extract(doc: Doc, noteId: string, sha256: string): NoteRecord {
    const sentences = sortedSpans(doc.sentences ?? splitSentences(doc.text));
    const sections = sortedSpans(doc.sections ?? []);
    const mentions: NodeMention[] = [];
    const byEntity = new Map<string, NodeMention>();
    let skipped = 0;
    const entities = [...doc.entities].sort((a, b) => a.start - b.start || a.end - b.end);
    for (const e of entities) {
      if (!this.types.has(e.type)) {
        skipped++;
        continue;
      }
      const m = mentionOf(e, noteId, doc.text, sentences, sections);
      mentions.push(m);
      if (e.id) byEntity.set(e.id, m);
    }
    const relations: EdgeMention[] = [];
    const ends: [string, Predicate, string][] = [];
    for (const r of doc.relations) {
      const s = byEntity.get(r.subject);
      const o = byEntity.get(r.object);
      if (!s || !o || !isPredicate(r.predicate)) {
        skipped++;
        continue;
      }
      const negatedParticipants: ('subject' | 'object')[] = [];
      if (s.assertion === 'absent') negatedParticipants.push('subject');
      if (o.assertion === 'absent') negatedParticipants.push('object');
      const em: EdgeMention = {
        edge: edgeKey(s.node, r.predicate, o.node),
        note: noteId,
        relation: r.id,
        predicate: r.predicate,
        confidence: r.confidence,
        subject: ref(s),
        object: ref(o),
        negated: negatedParticipants.length > 0,
      };
      if (negatedParticipants.length) em.negated_participants = negatedParticipants;
      if (r.evidence) em.evidence = { start: r.evidence.start, end: r.evidence.end, text: r.evidence.text };
      relations.push(em);
      ends.push([s.node, r.predicate, o.node]);
    }
    const info: NoteInfo = {
      id: noteId,
      length: doc.text.length,
      sha256,
      entity_count: doc.entities.length,
      relation_count: doc.relations.length,
      skipped,
    };
    if (doc.meta && Object.keys(doc.meta).length) info.meta = { ...doc.meta };
    return { info, text: doc.text, mentions, relations, ends };
  }

  private attach(record: NoteRecord): void {
    const id = record.info.id;
    for (const m of record.mentions) {
      let s = this.nodeStates.get(m.node);
      if (!s) this.nodeStates.set(m.node, (s = { key: m.node, byNote: new Map() }));
      pushTo(s.byNote, id, m);
    }
    record.relations.forEach((em, i) => {
      let s = this.edgeStates.get(em.edge);
      if (!s) {
        const [subject, predicate, object] = record.ends[i]!;
        this.edgeStates.set(em.edge, (s = { key: em.edge, subject, predicate, object, byNote: new Map() }));
      }
      pushTo(s.byNote, id, em);
    });
  }

  private detach(record: NoteRecord): void {
    const id = record.info.id;
    for (const m of record.mentions) {
      const s = this.nodeStates.get(m.node);
      if (!s) continue;
      s.byNote.delete(id);
      if (s.byNote.size === 0) this.nodeStates.delete(m.node);
    }
    for (const em of record.relations) {
      const s = this.edgeStates.get(em.edge);
      if (!s) continue;
      s.byNote.delete(id);
      if (s.byNote.size === 0) this.edgeStates.delete(em.edge);
    }
  }

  /** Note ids of a node or edge in note order (the order notes were first added; a replaced note keeps its place). */
  private noteIdsOf(byNote: Map<string, unknown>): string[] {
    const ids = [...byNote.keys()];
    if (ids.length > 1) ids.sort((a, b) => this.noteOrder.get(a)! - this.noteOrder.get(b)!);
    return ids;
  }

  /** Provenance in note order, then text order within a note. */
  private orderedNotes<T>(byNote: Map<string, T[]>): T[] {
    if (byNote.size === 1) return [...byNote.values()][0]!;
    return this.noteIdsOf(byNote).flatMap((id) => byNote.get(id)!);
  }

  private buildNode(s: NodeState): GraphNode {
    const provenance = this.orderedNotes(s.byNote);
    const typeCounts = new Map<EntityType, number>();
    const names = new Map<string, number>();
    const texts = new Map<string, number>();
    const codeCounts = new Map<CodeSystem, Map<string, number>>();
    const assertion: Counts = {};
    const experiencer: Counts = {};
    const temporality: Counts = {};
    for (const m of provenance) {
      bump(typeCounts, m.type);
      if (m.preferred_name) bump(names, m.preferred_name);
      bump(texts, m.text);
      for (const [system, value] of Object.entries(m.codes ?? {}) as [CodeSystem, string][]) {
        let c = codeCounts.get(system);
        if (!c) codeCounts.set(system, (c = new Map()));
        bump(c, value);
      }
      tally(assertion, m.assertion ?? ATTRIBUTE_DEFAULTS.assertion);
      tally(experiencer, m.experiencer ?? ATTRIBUTE_DEFAULTS.experiencer);
      tally(temporality, m.temporality ?? ATTRIBUTE_DEFAULTS.temporality);
    }
    const codes: Codes = {};
    for (const [system, c] of codeCounts) codes[system] = mostFrequent(c);
    // Tie on type: the earlier type in ENTITY_TYPES wins, so the result does not depend on note order.
    const type = [...typeCounts].sort((a, b) => b[1] - a[1] || ENTITY_TYPES.indexOf(a[0]) - ENTITY_TYPES.indexOf(b[0]))[0]![0];
    return {
      id: s.key,
      type,
      label: names.size ? mostFrequent(names) : mostFrequent(texts),
      codes: sortCodes(codes),
      confidence: noisyOr(provenance.map((m) => m.confidence)),
      mention_count: provenance.length,
      note_ids: this.noteIdsOf(s.byNote),
      texts: [...texts.keys()],
      assertion,
      experiencer,
      temporality,
      provenance,
    };
  }

  private buildEdge(s: EdgeState): GraphEdge {
    const provenance = this.orderedNotes(s.byNote);
    const negatedCount = provenance.filter((m) => m.negated).length;
    return {
      id: s.key,
      subject: s.subject,
      predicate: s.predicate,
      object: s.object,
      confidence: noisyOr(provenance.map((m) => m.confidence)),
      evidence_count: provenance.length,
      note_ids: this.noteIdsOf(s.byNote),
      negated: negatedCount === provenance.length,
      negated_count: negatedCount,
      provenance,
    };
  }
}

/** Build a graph from many notes at once (note id = `doc.id`, else `note-<n>`). */
export function buildPatientGraph(docs: Iterable<Doc>, options: PatientGraphOptions = {}): PatientGraph {
  const g = new PatientGraph(options);
  let i = 0;
  for (const doc of docs) {
    i++;
    g.addNote(doc, doc.id ?? `note-${i}`);
  }
  return g;
}

// -------------------------------------------------------------------------------------------------

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fingerprint(doc: Doc): string {
  return createHash('sha256')
    .update(JSON.stringify([doc.text, doc.entities, doc.relations, doc.sentences ?? null, doc.sections ?? null]))
    .digest('hex');
}

function sortedSpans<T extends Sentence | Section>(spans: readonly T[]): T[] {
  const out = [...spans];
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.start < out[i - 1]!.start) return out.sort((a, b) => a.start - b.start);
  }
  return out;
}

/** The span holding `pos` (last span starting at or before it, if it ends after it). */
function spanAt<T extends Sentence>(spans: readonly T[], pos: number): T | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start <= pos) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const s = found >= 0 ? spans[found] : undefined;
  return s && pos < s.end ? s : undefined;
}

function stringAttr(e: Entity, name: string): string | undefined {
  const v = e.attributes?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function mentionOf(e: Entity, noteId: string, text: string, sentences: Sentence[], sections: Section[]): NodeMention {
  const m: NodeMention = {
    node: conceptKey(e.type, e.text, e.codes),
    note: noteId,
    entity: e.id || `${e.type}@${e.start}-${e.end}`,
    start: e.start,
    end: e.end,
    text: e.text,
    type: e.type,
    confidence: e.confidence,
  };
  const codes = cleanCodes(e.codes);
  if (codes) m.codes = codes;
  if (e.preferred_name) m.preferred_name = e.preferred_name;
  const s = spanAt(sentences, e.start);
  if (s) m.sentence = { start: s.start, end: s.end, text: text.slice(s.start, s.end) } satisfies Evidence;
  const section = stringAttr(e, 'section') ?? spanAt(sections, e.start)?.name;
  if (section) m.section = section;
  const assertion = stringAttr(e, 'assertion');
  const experiencer = stringAttr(e, 'experiencer');
  const temporality = stringAttr(e, 'temporality');
  if (assertion) m.assertion = assertion;
  if (experiencer) m.experiencer = experiencer;
  if (temporality) m.temporality = temporality;
  return m;
}

function cleanCodes(codes: Codes | undefined): Codes | undefined {
  if (!codes) return undefined;
  const out: Codes = {};
  let any = false;
  for (const [k, v] of Object.entries(codes) as [CodeSystem, string | undefined][]) {
    if (typeof v === 'string' && v.trim() !== '') {
      out[k] = v.trim();
      any = true;
    }
  }
  return any ? out : undefined;
}

function sortCodes(codes: Codes): Codes {
  const out: Codes = {};
  for (const k of Object.keys(codes).sort() as CodeSystem[]) out[k] = codes[k];
  return out;
}

function ref(m: NodeMention): EdgeMention['subject'] {
  return { entity: m.entity, start: m.start, end: m.end, text: m.text };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Counts keys that come from documents' attributes: "constructor" must not read Object.prototype's, "__proto__" must stay a key. */
function tally(counts: Counts, key: string): void {
  const value = (Object.hasOwn(counts, key) ? counts[key]! : 0) + 1;
  Object.defineProperty(counts, key, { value, enumerable: true, writable: true, configurable: true });
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** The most frequent key; ties go to the first seen. */
function mostFrequent(map: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [k, c] of map) if (c > n) [best, n] = [k, c];
  return best;
}
