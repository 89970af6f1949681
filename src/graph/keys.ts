/** Node and edge keys of the patient graph. */
import { CODE_SYSTEMS } from '../core/types.js';
import type { CodeSystem, Codes, EntityType, Predicate } from '../core/types.js';

/** Code systems in the order they are tried for a node key (UMLS CUI first, then CODE_SYSTEMS order). */
export const KEY_SYSTEMS: readonly CodeSystem[] = CODE_SYSTEMS;

/** The prefix a code system gets in a node key (`umls_cui` is written `umls`). */
export function keyPrefix(system: CodeSystem): string {
  return system === 'umls_cui' ? 'umls' : system;
}

/** Lower-case, NFKC, single spaces, no surrounding punctuation: "Chest  Pain." → "chest pain". */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,;:!?'"()[\]{}]+|[\s.,;:!?'"()[\]{}]+$/g, '');
}

/**
 * The key a mention's node gets: `umls:<CUI>` when linked to UMLS, else `<system>:<id>` for the first
 * code system present (CODE_SYSTEMS order), else `text:<TYPE>:<normalised text>`.
 */
export function conceptKey(type: EntityType, text: string, codes?: Codes): string {
  if (codes) {
    for (const system of KEY_SYSTEMS) {
      const value = codes[system]?.trim();
      if (value) return `${keyPrefix(system)}:${escapeKey(value)}`;
    }
  }
  // "%" and "|" are escaped so that an edge key `<subject>|<PREDICATE>|<object>` is never ambiguous.
  return `text:${type}:${escapeKey(normaliseText(text) || text)}`;
}

function escapeKey(s: string): string {
  return s.replace(/%/g, '%25').replace(/\|/g, '%7C');
}

export function edgeKey(subject: string, predicate: Predicate, object: string): string {
  return `${subject}|${predicate}|${object}`;
}

/** Noisy-OR: the probability that at least one piece of evidence is right, 1 − ∏(1 − cᵢ), each cᵢ clamped to [0, 1]. */
export function noisyOr(confidences: Iterable<number>): number {
  let miss = 1;
  for (const c of confidences) miss *= 1 - Math.min(1, Math.max(0, Number.isFinite(c) ? c : 0));
  return Math.round((1 - miss) * 1e4) / 1e4;
}
