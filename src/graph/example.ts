/**
 * A small hand-built two-note patient (codes filled in, no model needed): used by the tests, the docs
 * and `medical-ner graph --example`.
 */
import { renumberEntities } from '../core/doc.js';
import type { Codes, Doc, Entity, EntityType, Predicate } from '../core/types.js';
import { splitSentences } from '../text/sentences.js';

export interface EntitySpec {
  /** Surface text; its first occurrence at or after `after` (default 0) is used. */
  text: string;
  type: EntityType;
  codes?: Codes;
  preferred_name?: string;
  attributes?: Record<string, unknown>;
  confidence?: number;
  after?: number;
}

/** `[subject index, predicate, object index, confidence?]`, indices into the entity specs. */
export type RelationSpec = [number, Predicate, number, number?];

/** Build a Doc from surface strings (offsets found in the text), with sentences and relations with evidence. */
export function docFromSpec(id: string, text: string, entities: EntitySpec[], relations: RelationSpec[] = []): Doc {
  const sentences = splitSentences(text);
  const ents: Entity[] = entities.map((s, i) => {
    const start = text.indexOf(s.text, s.after ?? 0);
    if (start < 0) throw new Error(`"${s.text}" not found in note ${id}`);
    const e: Entity = { id: `E${i}`, text: s.text, type: s.type, start, end: start + s.text.length, confidence: s.confidence ?? 0.9 };
    if (s.codes) e.codes = s.codes;
    if (s.preferred_name) e.preferred_name = s.preferred_name;
    if (s.attributes) e.attributes = s.attributes;
    return e;
  });
  const doc: Doc = { id, text, entities: ents, relations: [], sentences };
  doc.relations = relations.map(([si, predicate, oi, confidence], k) => {
    const s = ents[si]!;
    const o = ents[oi]!;
    const lo = Math.min(s.start, o.start);
    const hi = Math.max(s.end, o.end);
    const sent = sentences.find((x) => x.start <= lo && hi <= x.end) ?? { start: lo, end: hi };
    return {
      id: `R${k + 1}`,
      subject: s.id,
      predicate,
      object: o.id,
      confidence: confidence ?? 0.8,
      evidence: { start: sent.start, end: sent.end, text: text.slice(sent.start, sent.end) },
    };
  });
  renumberEntities(doc);
  return doc;
}

export const METFORMIN: Codes = { umls_cui: 'C0025598', rxnorm: '6809', mesh: 'D008687' };
export const TYPE2_DIABETES: Codes = { umls_cui: 'C0011860', snomed: '44054006', icd10cm: 'E11.9', mesh: 'D003924' };
export const HBA1C: Codes = { umls_cui: 'C0474680', loinc: '4548-4' };
export const CHEST_PAIN: Codes = { umls_cui: 'C0008031', snomed: '29857009', icd10cm: 'R07.9' };
export const BREAST_CANCER: Codes = { umls_cui: 'C0006142', snomed: '254837009' };

/** The two notes of the example patient. Expected graph: 7 nodes, 3 edges. */
export function exampleNotes(): Doc[] {
  const note1 = docFromSpec(
    'note1',
    'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.',
    [
      { text: 'metformin', type: 'DRUG', codes: METFORMIN, preferred_name: 'metformin', confidence: 0.95 },
      { text: '500mg', type: 'DOSAGE', confidence: 0.9 },
      { text: 'type 2 diabetes', type: 'DISEASE', codes: TYPE2_DIABETES, preferred_name: 'Type 2 diabetes mellitus', confidence: 0.92 },
      { text: 'HbA1c', type: 'LAB_TEST', codes: HBA1C, preferred_name: 'Hemoglobin A1c', confidence: 0.9 },
      { text: '8.2%', type: 'LAB_VALUE', confidence: 0.88 },
    ],
    [
      [0, 'TREATS', 2, 0.85],
      [1, 'DOSAGE_OF', 0, 0.9],
      [3, 'TEST_FOR', 2, 0.7],
    ],
  );
  const note2 = docFromSpec(
    'note2',
    'Patient continues metformin. Denies chest pain. Mother had breast cancer.',
    [
      { text: 'metformin', type: 'DRUG', codes: METFORMIN, preferred_name: 'metformin', confidence: 0.9 },
      { text: 'chest pain', type: 'DISEASE', codes: CHEST_PAIN, preferred_name: 'Chest pain', attributes: { assertion: 'absent' }, confidence: 0.9 },
      {
        text: 'breast cancer',
        type: 'DISEASE',
        codes: BREAST_CANCER,
        preferred_name: 'Malignant neoplasm of breast',
        attributes: { experiencer: 'family', temporality: 'historical' },
        confidence: 0.93,
      },
    ],
  );
  return [note1, note2];
}
