/**
 * The learned pair classifier: one multinomial logistic regression ("head") per type signature over
 * sparse string features (src/ml/linear.ts), with Platt-scaled confidences. Training accepts partial
 * labels: an example may allow several classes (e.g. a BC5CDR drug–disease pair without a CID relation
 * is "not CAUSES", so NONE or TREATS).
 */
import type { Predicate } from '../core/types.js';
import { logit, sigmoid, softmaxScores, type LinearWeights } from '../ml/linear.js';
import type { HeadDef } from './data.js';
import type { DocHeadJson } from './document.js';

/** A trained head: its definition (type signature, classes, predicates) plus weights and calibration. */
export interface HeadJson extends HeadDef, LinearWeights {
  /** Platt scaling per predicate: calibrated = σ(a·logit(p) + b). */
  calibration: Record<string, [number, number]>;
  /** Decision threshold on the calibrated probability per predicate. */
  threshold: Record<string, number>;
}

export interface LrModelJson {
  format: 'relations-lr/1';
  created?: string;
  heads: HeadJson[];
  /** Cross-sentence drug→disease head (document level), when trained. */
  document?: DocHeadJson;
}

export interface HeadPrediction {
  predicate: Predicate;
  /** Calibrated probability of the predicate. */
  confidence: number;
  /** Raw model probability (sum of the predicate's classes). */
  raw: number;
  accepted: boolean;
  /** Winning fine class (e.g. `mechanism`, `CPR:4`) when the head has an attribute. */
  fine?: string;
}

/** Probability per predicate (sum over its classes), best fine class per predicate. */
export function predicateProbabilities(head: Pick<HeadJson, 'classes' | 'predicates'>, probs: ArrayLike<number>): Map<Predicate, { p: number; fine: string; fineP: number }> {
  const out = new Map<Predicate, { p: number; fine: string; fineP: number }>();
  head.classes.forEach((c, k) => {
    if (k === 0) return;
    const pred = head.predicates[c]!;
    const cur = out.get(pred) ?? { p: 0, fine: c, fineP: -1 };
    cur.p += probs[k]!;
    if (probs[k]! > cur.fineP) {
      cur.fine = c;
      cur.fineP = probs[k]!;
    }
    out.set(pred, cur);
  });
  return out;
}

/** The head's best predicate for a pair. */
export function predictHead(head: HeadJson, features: readonly string[]): HeadPrediction | undefined {
  return decide(head, softmaxScores(head, features));
}

/**
 * The best predicate from class probabilities: Platt-scaled per predicate and compared with its threshold (the
 * head's own, or those of a mixture with the head, see dense.ts).
 */
export function decide(head: HeadJson, probs: ArrayLike<number>, scaling: Pick<HeadJson, 'calibration' | 'threshold'> = head): HeadPrediction | undefined {
  const { calibration, threshold } = scaling;
  let best: HeadPrediction | undefined;
  for (const [predicate, v] of predicateProbabilities(head, probs)) {
    const [a, b] = calibration[predicate] ?? [1, 0];
    const confidence = sigmoid(a * logit(v.p) + b);
    const pred: HeadPrediction = { predicate, confidence, raw: v.p, accepted: confidence >= (threshold[predicate] ?? 0.5) };
    if (head.attribute) pred.fine = v.fine;
    if (!best || confidence > best.confidence) best = pred;
  }
  return best;
}
