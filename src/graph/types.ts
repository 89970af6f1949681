/**
 * Shapes of the patient knowledge graph (its JSON output is exactly these objects).
 * Property names are snake_case like the rest of the JSON output.
 */
import type { Codes, EntityType, Evidence, Predicate, Triple } from '../core/types.js';

/** One mention of a concept in one note: where the node comes from. */
export interface NodeMention {
  /** Key of the node this mention belongs to. */
  node: string;
  note: string;
  /** Entity id inside the note (T1, T2, …). */
  entity: string;
  start: number;
  end: number;
  text: string;
  type: EntityType;
  confidence: number;
  codes?: Codes;
  preferred_name?: string;
  /** The sentence holding the mention (from `doc.sentences`, else the built-in splitter). */
  sentence?: Evidence;
  section?: string;
  assertion?: string;
  experiencer?: string;
  temporality?: string;
}

export interface MentionRef {
  entity: string;
  start: number;
  end: number;
  text: string;
}

/** One relation of one note supporting an edge. */
export interface EdgeMention {
  /** Key of the edge this mention belongs to. */
  edge: string;
  note: string;
  /** Relation id inside the note. */
  relation: string;
  predicate: Predicate;
  confidence: number;
  subject: MentionRef;
  object: MentionRef;
  evidence?: Evidence;
  /** True when the subject or the object is negated (assertion `absent`). Such relations are kept, flagged. */
  negated: boolean;
  negated_participants?: ('subject' | 'object')[];
}

export type Counts = Record<string, number>;

export interface GraphNode {
  /** Stable key: `umls:<CUI>`, else `<code system>:<id>`, else `text:<TYPE>:<normalised text>`. */
  id: string;
  /** The most frequent entity type among the mentions. */
  type: EntityType;
  /** The most frequent preferred name, else the most frequent surface text. */
  label: string;
  /** Per code system, the most frequent value among the mentions. */
  codes: Codes;
  /** Noisy-OR of the mention confidences: 1 − ∏(1 − cᵢ). */
  confidence: number;
  mention_count: number;
  note_ids: string[];
  /** Distinct surface texts, in order of first appearance. */
  texts: string[];
  /** Counts of the context attributes over the mentions (a missing attribute counts as its default). */
  assertion: Counts;
  experiencer: Counts;
  temporality: Counts;
  provenance: NodeMention[];
}

export interface GraphEdge {
  /** `<subject key>|<PREDICATE>|<object key>`. */
  id: string;
  subject: string;
  predicate: Predicate;
  object: string;
  /** Noisy-OR of the relation confidences: 1 − ∏(1 − cᵢ). */
  confidence: number;
  evidence_count: number;
  note_ids: string[];
  /** True when every supporting relation has a negated participant. */
  negated: boolean;
  negated_count: number;
  provenance: EdgeMention[];
}

export interface NoteInfo {
  id: string;
  length: number;
  sha256: string;
  entity_count: number;
  relation_count: number;
  /** Entities or relations not taken into the graph (filtered types, relations naming unknown entities). */
  skipped: number;
  meta?: Record<string, unknown>;
}

export interface PatientGraphJSON {
  patient_id: string;
  aggregation: 'noisy-or';
  notes: NoteInfo[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** `[subject label, PREDICATE, object label]`, one per edge (the single-document output's `triples`). */
  triples: Triple[];
  stats: { notes: number; nodes: number; edges: number; mentions: number; relation_mentions: number };
}
