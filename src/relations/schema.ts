/**
 * Type signatures of the seven predicates: which (subject type, object type) pairs a predicate may
 * join. Direction is fixed by the signature for asymmetric predicates; INTERACTS_WITH is symmetric
 * and reported once per pair, subject = the argument that comes first in the text.
 */
import type { EntityType, Predicate } from '../core/types.js';

export interface Signature {
  subject: readonly EntityType[];
  object: readonly EntityType[];
}

export const SIGNATURES: Readonly<Record<Predicate, Signature>> = {
  TREATS: { subject: ['DRUG', 'PROCEDURE'], object: ['DISEASE'] },
  CAUSES: { subject: ['DRUG', 'DISEASE', 'PROCEDURE'], object: ['DISEASE'] },
  LOCATED_IN: { subject: ['DISEASE'], object: ['ANATOMY'] },
  DOSAGE_OF: { subject: ['DOSAGE'], object: ['DRUG'] },
  TEST_FOR: { subject: ['LAB_TEST', 'PROCEDURE'], object: ['DISEASE'] },
  CONTRAINDICATES: { subject: ['DRUG', 'PROCEDURE'], object: ['DISEASE'] },
  INTERACTS_WITH: { subject: ['DRUG'], object: ['DRUG', 'GENE'] },
};

export const SYMMETRIC: ReadonlySet<string> = new Set(['INTERACTS_WITH']);

/** Predicates that exclude one another on the same ordered pair (a drug does not both treat and cause one disease in one sentence). */
export const EXCLUSIVE_GROUPS: readonly (readonly string[])[] = [['TREATS', 'CAUSES', 'CONTRAINDICATES', 'TEST_FOR']];

export function fits(predicate: Predicate, subject: EntityType, object: EntityType): boolean {
  const s = SIGNATURES[predicate];
  return s.subject.includes(subject) && s.object.includes(object);
}
