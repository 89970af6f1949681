/**
 * Gold-annotated documents as read from the field's corpus formats.
 * Readers keep the corpus's own labels (`label`); the canonical type, when the
 * label maps to one, is in `type` (see src/core/labels.ts).
 */
import type { EntityType, Span } from './types.js';

export interface Mention extends Span {
  id: string;
  /** Exactly `doc.text.slice(start, end)` (for discontinuous mentions: of the outer span). */
  text: string;
  /** The corpus's own label, e.g. `Disease_disorder`, `Chemical`, `B-GENE` type `GENE`. */
  label: string;
  /** Canonical type, when the label maps to one in the scoring table. */
  type?: EntityType;
  /** Present for discontinuous mentions: the fragments, in order. */
  fragments?: Span[];
  /** Concept ids as given by the corpus (MeSH, NCBI Gene, OMIM, …). */
  ids?: string[];
  attributes?: Record<string, string | boolean>;
}

export interface GoldRelation {
  id?: string;
  /** The corpus's relation label, e.g. `CID`, `Positive_Correlation`, `mechanism`. */
  label: string;
  /** Mention ids (mention-level corpora) or concept ids (document-level corpora, see `level`). */
  arg1: string;
  arg2: string;
  level: 'mention' | 'concept';
  attributes?: Record<string, string | boolean>;
}

export interface AnnotatedDoc {
  id: string;
  text: string;
  mentions: Mention[];
  relations: GoldRelation[];
  /** Corpus name, e.g. `bc5cdr`. */
  corpus?: string;
  split?: 'train' | 'dev' | 'test';
  meta?: Record<string, unknown>;
}
