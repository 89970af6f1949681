/**
 * Precision/recall/F1 for entities (strict: same span and type; lenient: overlapping span, same type)
 * and for relations (mention level: both argument spans and the predicate; document level: concept pairs).
 */
import { spansOverlap as overlaps } from '../core/doc.js';
import type { Span } from '../core/types.js';

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Prf extends Counts {
  precision: number;
  recall: number;
  f1: number;
}

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}

export interface TypedSpan extends Span {
  type: string;
}

const key = (s: TypedSpan) => `${s.type}\u0000${s.start}\u0000${s.end}`;

/** Accumulates entity counts per type over many documents. */
export class EntityScorer {
  readonly strict = new Map<string, Counts>();
  readonly lenient = new Map<string, Counts>();

  add(gold: readonly TypedSpan[], pred: readonly TypedSpan[]): void {
    const types = new Set([...gold.map((g) => g.type), ...pred.map((p) => p.type)]);
    for (const type of types) {
      const g = dedupe(gold.filter((x) => x.type === type));
      const p = dedupe(pred.filter((x) => x.type === type));
      const gKeys = new Set(g.map(key));
      const pKeys = new Set(p.map(key));
      const s = counts(this.strict, type);
      const sTp = p.filter((x) => gKeys.has(key(x))).length;
      s.tp += sTp;
      s.fp += p.length - sTp;
      s.fn += g.filter((x) => !pKeys.has(key(x))).length;
      // Lenient: a prediction is right if it overlaps a gold span; a gold span is found if any prediction overlaps it.
      const l = counts(this.lenient, type);
      const pHit = p.filter((x) => g.some((y) => overlaps(x, y))).length;
      const gHit = g.filter((y) => p.some((x) => overlaps(x, y))).length;
      l.tp += gHit;
      l.fn += g.length - gHit;
      l.fp += p.length - pHit;
    }
  }

  report(mode: 'strict' | 'lenient'): { perType: Record<string, Prf>; micro: Prf; macro: { precision: number; recall: number; f1: number } } {
    const table = mode === 'strict' ? this.strict : this.lenient;
    const perType: Record<string, Prf> = {};
    const total: Counts = { tp: 0, fp: 0, fn: 0 };
    for (const [type, c] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
      perType[type] = prf(c);
      total.tp += c.tp;
      total.fp += c.fp;
      total.fn += c.fn;
    }
    const vals = Object.values(perType);
    const mean = (f: (p: Prf) => number) => (vals.length ? vals.reduce((a, p) => a + f(p), 0) / vals.length : 0);
    return { perType, micro: prf(total), macro: { precision: mean((p) => p.precision), recall: mean((p) => p.recall), f1: mean((p) => p.f1) } };
  }
}

function dedupe(spans: TypedSpan[]): TypedSpan[] {
  const seen = new Map<string, TypedSpan>();
  for (const s of spans) seen.set(key(s), s);
  return [...seen.values()];
}

function counts(m: Map<string, Counts>, k: string): Counts {
  let c = m.get(k);
  if (!c) m.set(k, (c = { tp: 0, fp: 0, fn: 0 }));
  return c;
}

/** A relation as scored: a label and two argument keys (span keys or concept ids), optionally symmetric. */
export interface ScoredRelation {
  label: string;
  arg1: string;
  arg2: string;
}

/** Accumulates relation counts per label over many documents (set semantics within a document). */
export class RelationScorer {
  readonly perLabel = new Map<string, Counts>();

  constructor(private readonly symmetric: ReadonlySet<string> = new Set()) {}

  private norm(r: ScoredRelation): string {
    const [a, b] = this.symmetric.has(r.label) && r.arg2 < r.arg1 ? [r.arg2, r.arg1] : [r.arg1, r.arg2];
    return `${r.label}\u0000${a}\u0000${b}`;
  }

  add(gold: readonly ScoredRelation[], pred: readonly ScoredRelation[]): void {
    const g = new Map(gold.map((r) => [this.norm(r), r.label]));
    const p = new Map(pred.map((r) => [this.norm(r), r.label]));
    for (const [k, label] of p) counts(this.perLabel, label)[g.has(k) ? 'tp' : 'fp']++;
    for (const [k, label] of g) if (!p.has(k)) counts(this.perLabel, label).fn++;
  }

  report(): { perLabel: Record<string, Prf>; micro: Prf } {
    const perLabel: Record<string, Prf> = {};
    const total: Counts = { tp: 0, fp: 0, fn: 0 };
    for (const [label, c] of [...this.perLabel].sort(([a], [b]) => a.localeCompare(b))) {
      perLabel[label] = prf(c);
      total.tp += c.tp;
      total.fp += c.fp;
      total.fn += c.fn;
    }
    return { perLabel, micro: prf(total) };
  }
}

export const spanKey = (s: Span) => `${s.start}-${s.end}`;
