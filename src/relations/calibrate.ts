/**
 * Calibration of a relation head on held-out pairs: per predicate, Platt scaling of the predicate's probability
 * (sum of its classes) and the F1-optimal decision threshold (raised to a floor where one is given), with the
 * expected calibration error as a report. Shared by the logistic-regression heads (scripts/train-relations.ts)
 * and the dense heads mixed with them (scripts/calibrate-relations-nn.ts).
 */
import { fitPlatt, logit, sigmoid } from '../ml/linear.js';
import type { HeadDef } from './data.js';
import { predicateProbabilities } from './lr.js';

/**
 * Floors on the decision threshold: the F1-optimal thresholds on the corpora's calibration data
 * (≈ 0.3) make the drug–drug and drug–disease heads fire on medication lists and on indications in
 * clinical notes (hand-annotated dev set, docs/relations.md); there a relation is only kept when the
 * calibrated probability is at least 0.5.
 */
export const THRESHOLD_FLOOR: Record<string, number> = { 'ddi:INTERACTS_WITH': 0.5, 'drug_disease:CAUSES': 0.5 };

export interface CalibrationRow {
  /** Class probabilities of the head. */
  probs: readonly number[];
  /** Allowed class indices (gold; several for a partial label). */
  allowed: readonly number[];
}

export interface HeadCalibration {
  calibration: Record<string, [number, number]>;
  threshold: Record<string, number>;
  report: Record<string, unknown>;
}

export function calibrateHead(def: HeadDef, rows: readonly CalibrationRow[], floors: Record<string, number> = {}): HeadCalibration {
  const calibration: Record<string, [number, number]> = {};
  const threshold: Record<string, number> = {};
  const report: Record<string, unknown> = {};
  const preds = [...new Set(Object.values(def.predicates))];
  const scored = rows.map((row) => ({ row, pp: predicateProbabilities(def, row.probs) }));
  for (const pred of preds) {
    const cls = new Set(def.classes.flatMap((c, k) => (k > 0 && def.predicates[c] === pred ? [k] : [])));
    const xs: number[] = [];
    const ys: boolean[] = [];
    for (const { row, pp } of scored) {
      const inside = row.allowed.filter((k) => cls.has(k)).length;
      if (inside > 0 && inside < row.allowed.length) continue; // partial label straddling the predicate
      xs.push(logit(pp.get(pred)?.p ?? 0));
      ys.push(inside > 0);
    }
    const [a, b] = fitPlatt(xs, ys);
    calibration[pred] = [a, b];
    // threshold maximising F1 on the calibration data
    const probs = xs.map((x) => sigmoid(a * x + b));
    let best = { t: 0.5, f1: -1, p: 0, r: 0 };
    for (let t = 0.2; t <= 0.801; t += 0.05) {
      let tp = 0, fp = 0, fn = 0;
      probs.forEach((p, i) => {
        if (p >= t) ys[i] ? tp++ : fp++;
        else if (ys[i]) fn++;
      });
      const P = tp + fp ? tp / (tp + fp) : 0;
      const R = tp + fn ? tp / (tp + fn) : 0;
      const f1 = P + R ? (2 * P * R) / (P + R) : 0;
      if (f1 > best.f1 + 1e-9) best = { t: Math.round(t * 100) / 100, f1, p: P, r: R };
    }
    threshold[pred] = Math.max(best.t, floors[`${def.name}:${pred}`] ?? 0);
    // expected calibration error (10 bins)
    const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
    probs.forEach((p, i) => {
      const bin = bins[Math.min(9, Math.floor(p * 10))]!;
      bin.n++;
      bin.p += p;
      bin.y += ys[i] ? 1 : 0;
    });
    const ece = bins.reduce((s, bin) => s + (bin.n ? Math.abs(bin.p - bin.y) : 0), 0) / Math.max(1, probs.length);
    report[pred] = { f1_optimal_threshold: best.t, examples: xs.length, positives: ys.filter(Boolean).length, platt: [a, b], threshold: threshold[pred], cal_f1_at_f1_optimal: best.f1, cal_precision_at_f1_optimal: best.p, cal_recall_at_f1_optimal: best.r, ece };
  }
  return { calibration, threshold, report };
}
