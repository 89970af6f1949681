/**
 * The rule component's engine: patterns are data (rules.json), this file only compiles and applies them.
 */
import type { EntityType, Predicate } from '../core/types.js';
import { isEntityType, isPredicate } from '../core/types.js';
import type { CueLexicon, PairView } from './features.js';
import RULES_JSON from './rules.json' with { type: 'json' };

export interface RuleSpec {
  id: string;
  predicate: string;
  subject: string[];
  object: string[];
  /** SO: subject first in the text; OS: object first; any: either. */
  order: 'SO' | 'OS' | 'any';
  /** Regex over the normalised words between the arguments (see features.ts). */
  between?: string;
  /** Regex over the up to 5 normalised words left of the first argument. */
  left?: string;
  /** Regex over the up to 5 normalised words right of the second argument. */
  right?: string;
  subjectText?: string;
  objectText?: string;
  /** Most words allowed between the arguments. */
  maxTokens?: number;
  /** Entity types that must not occur between the arguments. */
  blockers?: string[];
  /** Rule applies only to overlapping (nested) arguments when true; only to disjoint ones otherwise. */
  overlap?: boolean;
  confidence: number;
}

export interface RuleSet {
  description?: string;
  macros?: Record<string, string>;
  cues?: Record<string, string[]>;
  rules: RuleSpec[];
  /**
   * Patterns that rule a predicate out for a pair, whatever a rule or the classifier says (a local anaesthetic
   * "with epinephrine" is one formulation, not an interaction). For a symmetric predicate either role order matches.
   */
  vetoes?: Omit<RuleSpec, 'confidence'>[];
}

export interface CompiledRule {
  id: string;
  predicate: Predicate;
  subject: ReadonlySet<EntityType>;
  object: ReadonlySet<EntityType>;
  order: 'SO' | 'OS' | 'any';
  between?: RegExp;
  left?: RegExp;
  right?: RegExp;
  subjectText?: RegExp;
  objectText?: RegExp;
  maxTokens: number;
  blockers: ReadonlySet<string>;
  overlap: boolean;
  confidence: number;
}

export interface RuleHit {
  rule: string;
  predicate: Predicate;
  confidence: number;
}

function expand(pattern: string, macros: Record<string, string>): string {
  let out = pattern;
  for (let i = 0; i < 10; i++) {
    const next = out.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (m, name: string) => macros[name] ?? m);
    if (next === out) break;
    out = next;
  }
  return out;
}

export function compileRules(set: RuleSet): CompiledRule[] {
  const macros = set.macros ?? {};
  const re = (p: string | undefined, flags = '') => (p === undefined ? undefined : new RegExp(expand(p, macros), flags));
  return set.rules.map((r) => {
    if (!isPredicate(r.predicate)) throw new Error(`rule ${r.id}: unknown predicate ${r.predicate}`);
    for (const t of [...r.subject, ...r.object]) if (!isEntityType(t)) throw new Error(`rule ${r.id}: unknown entity type ${t}`);
    const c: CompiledRule = {
      id: r.id,
      predicate: r.predicate,
      subject: new Set(r.subject as EntityType[]),
      object: new Set(r.object as EntityType[]),
      order: r.order,
      maxTokens: r.maxTokens ?? 12,
      blockers: new Set(r.blockers ?? []),
      overlap: r.overlap ?? false,
      confidence: r.confidence,
    };
    const between = re(r.between);
    const left = re(r.left);
    const right = re(r.right);
    const subjectText = re(r.subjectText, 'i');
    const objectText = re(r.objectText, 'i');
    if (between) c.between = between;
    if (left) c.left = left;
    if (right) c.right = right;
    if (subjectText) c.subjectText = subjectText;
    if (objectText) c.objectText = objectText;
    return c;
  });
}

export function compileVetoes(set: RuleSet): CompiledRule[] {
  return compileRules({ ...(set.macros ? { macros: set.macros } : {}), rules: (set.vetoes ?? []).map((v) => ({ ...v, confidence: 1 })) });
}

export function cueLexicon(set: RuleSet): CueLexicon {
  const m = new Map<string, string>();
  for (const [cls, words] of Object.entries(set.cues ?? {})) for (const w of words) if (!m.has(w)) m.set(w, cls);
  return m;
}

export const DEFAULT_RULESET = RULES_JSON as RuleSet;

/** Does `rule` accept this pair (subject/object roles as in `pv`)? */
export function ruleMatches(rule: CompiledRule, pv: PairView): boolean {
  if (!rule.subject.has(pv.subject.type) || !rule.object.has(pv.object.type)) return false;
  if (rule.overlap !== pv.overlap) return false;
  if (rule.order === 'SO' && !pv.subjectFirst) return false;
  if (rule.order === 'OS' && pv.subjectFirst) return false;
  if (pv.between.length > rule.maxTokens) return false;
  if (pv.betweenTypes.some((t) => rule.blockers.has(t))) return false;
  if (rule.between && !rule.between.test(pv.betweenText)) return false;
  if (rule.left && !rule.left.test(pv.left.join(' '))) return false;
  if (rule.right && !rule.right.test(pv.right.join(' '))) return false;
  if (rule.subjectText && !rule.subjectText.test(pv.subject.text)) return false;
  if (rule.objectText && !rule.objectText.test(pv.object.text)) return false;
  return true;
}

/** Every rule that fires on the pair, best confidence first. */
export function applyRules(rules: readonly CompiledRule[], pv: PairView): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const r of rules) if (ruleMatches(r, pv)) hits.push({ rule: r.id, predicate: r.predicate, confidence: r.confidence });
  return hits.sort((a, b) => b.confidence - a.confidence);
}
