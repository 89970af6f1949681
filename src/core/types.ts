/**
 * The document model shared by every component.
 *
 * Offsets are UTF-16 code units (what JavaScript's String indexing counts),
 * 0-based and end-exclusive: for every entity `text === doc.text.slice(start, end)`.
 */

export const ENTITY_TYPES = [
  'DISEASE',
  'DRUG',
  'GENE',
  'ANATOMY',
  'PROCEDURE',
  'LAB_TEST',
  'LAB_VALUE',
  'DOSAGE',
  'DURATION',
  'SEVERITY',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const PREDICATES = [
  'TREATS',
  'CAUSES',
  'LOCATED_IN',
  'DOSAGE_OF',
  'TEST_FOR',
  'CONTRAINDICATES',
  'INTERACTS_WITH',
] as const;
export type Predicate = (typeof PREDICATES)[number];

/** Code systems an entity may be linked to. Keys are stable, values are the bare ids. */
export const CODE_SYSTEMS = [
  'umls_cui',
  'snomed',
  'rxnorm',
  'mesh',
  'icd10cm',
  'loinc',
  'ncbi_gene',
  'hgnc',
  'doid',
  'mondo',
  'hpo',
  'uberon',
  'drugbank',
] as const;
export type CodeSystem = (typeof CODE_SYSTEMS)[number];
export type Codes = Partial<Record<CodeSystem, string>>;

export interface Span {
  start: number;
  end: number;
}

export interface Entity extends Span {
  id: string;
  text: string;
  type: EntityType;
  confidence: number;
  /** Linked concept codes (filled by the linker). */
  codes?: Codes;
  /** Preferred concept name from the lexicon (filled by the linker). */
  preferred_name?: string;
  /** Free-form attributes: assertion, experiencer, temporality, section, source, … */
  attributes?: Record<string, unknown>;
}

export interface Evidence extends Span {
  text: string;
}

export interface Relation {
  id: string;
  /** Entity id of the subject. */
  subject: string;
  predicate: Predicate;
  /** Entity id of the object. */
  object: string;
  confidence: number;
  /** The sentence (or window) that supports the relation. */
  evidence?: Evidence;
  attributes?: Record<string, unknown>;
}

export interface Section extends Span {
  /** Canonical section name, e.g. `past_medical_history`. */
  name: string;
  /** The heading as written. */
  heading: string;
}

export interface Sentence extends Span {}

export interface Token extends Span {
  text: string;
}

/** A processed document: text plus everything components attached to it. */
export interface Doc {
  id?: string;
  text: string;
  entities: Entity[];
  relations: Relation[];
  sentences?: Sentence[];
  sections?: Section[];
  meta?: Record<string, unknown>;
}

export type Triple = [subject: string, predicate: Predicate, object: string];

/** The JSON output shape (see schema/extraction.schema.json). */
export interface ExtractionResult {
  entities: Entity[];
  relations: Relation[];
  triples: Triple[];
  meta?: Record<string, unknown>;
}

export function isEntityType(s: string): s is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(s);
}

export function isPredicate(s: string): s is Predicate {
  return (PREDICATES as readonly string[]).includes(s);
}
