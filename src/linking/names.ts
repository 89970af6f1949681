/**
 * Whether a text is a name of a concept of a type, by the lexicon alone: the lookup that the `targets`, `dose-drugs`,
 * `site-diseases` and `lexicon-check` (retype) steps share. Names only, no near-miss search.
 */
import type { EntityType } from '../core/types.js';
import { isEntityType } from '../core/types.js';
import type { LinkContext, Linker } from './linker.js';

/** An all-capital abbreviation ("CHF", "COPD"). */
export const ABBREVIATION = /^[A-Z]{2,5}$/;

/** What makes a text a name of a concept: its type, the linker methods and least score, the code systems of which it needs one. */
export interface NameRule {
  type: EntityType;
  methods: ReadonlySet<string>;
  minScore: number;
  /** A concept qualifies when it has one of these code systems. */
  codes: string[];
  /** Methods that also count for an all-capital abbreviation. */
  abbreviations?: ReadonlySet<string>;
}

/** The fields of a NameRule as the rules' JSON files write them. */
export interface NameRuleJson {
  type: string;
  methods: string[];
  min_score: number;
  codes: string[];
  abbreviations?: string[];
}

export function compileNameRule(r: NameRuleJson, where: string): NameRule {
  if (!isEntityType(r.type)) throw new Error(`${where}: unknown entity type ${JSON.stringify(r.type)}`);
  return { type: r.type, methods: new Set(r.methods), minScore: r.min_score, codes: r.codes, abbreviations: new Set(r.abbreviations ?? []) };
}

/**
 * The text is a name of a concept of the rule's type that has one of the rule's codes (a disease of MONDO, DOID or
 * MeSH, not an HPO qualifier such as "Chronic" or "Healthy"), by one of its methods; an all-capital abbreviation
 * also by the rule's abbreviation methods.
 */
export function namesConcept(linker: Linker, ctx: LinkContext, text: string, rule: NameRule): boolean {
  const abbreviation = ABBREVIATION.test(text);
  // names only: no near-miss search (Infinity), which would cost a trigram search per failed run
  return linker.candidates(text, rule.type, ctx, Infinity).some((c) => {
    const ok = (rule.methods.has(c.method) && c.score >= rule.minScore) || (abbreviation && (rule.abbreviations?.has(c.method) ?? false));
    if (!ok) return false;
    const r = linker.result(c);
    return r.type === rule.type && rule.codes.some((k) => r.xrefs[k]?.length);
  });
}
