/**
 * Trains the document-level drug→disease head of relations-nn (models/relations-nn/document.json, see
 * src/relations/concept.ts).
 *
 *   node --import tsx scripts/train-concept-head.ts [--folds 5] [--out models/relations-nn/document.json]
 *
 * Data: the drug–disease concept pairs of BC5CDR and BioRED dev, with gold entities, on which the sentence level
 * reported neither CAUSES nor TREATS (the head only adds); a pair is positive when it is a CID pair (BioRED: Positive_Correlation, the
 * eval's CAUSES). Documents of any test split are left out (BioRED dev holds BC5CDR test abstracts). Dev, not
 * train: the sentence heads were trained on the train splits, so their probabilities there are in sample and
 * far surer than at run time; dev is their calibration split. The L2 strength and threshold are chosen by
 * cross-validation over the documents (folds by a hash of the document id), on the mean over the corpora of
 * document-level CAUSES F1 as `eval` counts it (reported pairs count as they are, gold pairs without candidates
 * as misses), against the extractor without this head (its cross-sentence head) on the same documents. The head
 * is then fitted on all the pairs. Test is never read. Reruns give the same file. Run it again after the
 * sentence heads or their calibration change.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { excludedForTraining, loadCorpus } from '../src/corpora/index.js';
import { RELATION_CORPORA } from '../src/eval/relations.js';
import type { Entity, Relation } from '../src/core/types.js';
import { CONCEPT_FEATURES, conceptPairKey, type ConceptHeadJson, type ConceptPair } from '../src/relations/concept.js';
import { goldDoc } from '../src/relations/data.js';
import { conceptKey } from '../src/relations/document.js';
import { relationExtractor } from '../src/relations/extract.js';
import { prf, type Prf } from '../src/eval/score.js';
import { sigmoid } from '../src/ml/linear.js';

const { values: args } = parseArgs({
  options: {
    folds: { type: 'string', default: '5' },
    corpora: { type: 'string', default: 'bc5cdr,biored' },
    out: { type: 'string', default: 'models/relations-nn/document.json' },
  },
});
const folds = Number(args.folds);
const pc = (v: number) => (100 * v).toFixed(2);
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const L2 = [0.3, 1, 3, 10, 30];
const THRESHOLDS = Array.from({ length: 27 }, (_, i) => 0.15 + 0.025 * i);

const extractor = relationExtractor('relations-nn');
extractor.config.dense!.concept = undefined; // features, and the baseline's decisions, without the head being trained

interface Row {
  corpus: string;
  doc: number;
  x: number[];
  y: number;
  /** The extractor without this head reports the pair (its cross-sentence head). */
  baseline: number;
}
/** Per corpus, the sentence level's reported pairs that are (tp) and are not (fp) gold. */
const fixed: Record<string, { tp: number; fp: number }> = {};
const rows: Row[] = [];
/** Per corpus, gold CAUSES pairs that are no candidate (always missed). */
const missed: Record<string, number> = {};
const corpora = args.corpora!.split(',');
const foldOf: number[] = [];
const sizes: string[] = [];
const t0 = performance.now();
for (const corpus of corpora) {
  const out = excludedForTraining(corpus, 'dev'); // documents of any test split (BioRED dev holds BC5CDR test abstracts)
  const docs = loadCorpus(corpus, 'dev').filter((ad) => !out.has(ad.id));
  missed[corpus] = 0;
  fixed[corpus] = { tp: 0, fp: 0 };
  let n = 0;
  for (const ad of docs) {
    const doc = goldDoc(ad);
    let pairs: ConceptPair[] = [];
    const rels = await extractor.extractAsync(doc, doc.sentences, { crossSentence: true, onConceptPairs: (p) => (pairs = p) });
    const gold = new Set(RELATION_CORPORA[corpus]!.gold(ad).filter((r) => r.predicate === 'CAUSES').map((r) => conceptPairKey(`code:${String(r.s)}`, `code:${String(r.o)}`)));
    const reported = reportedPairs(doc.entities, rels);
    const d = foldOf.push(createHash('sha1').update(ad.id).digest()[0]! % folds) - 1;
    for (const p of pairs) {
      const k = conceptPairKey(p.drug, p.disease);
      const y = gold.delete(k) ? 1 : 0;
      n += y;
      if (p.reported === 'CAUSES') fixed[corpus]![y ? 'tp' : 'fp']++;
      else if (p.reported) missed[corpus] += y; // TREATS: CAUSES is not added
      else rows.push({ corpus, doc: d, x: p.features, y, baseline: reported.has(k) ? 1 : 0 });
    }
    missed[corpus] += gold.size;
  }
  sizes.push(`${corpus} dev: ${docs.length} documents, ${n} CAUSES pairs among the candidates (${fixed[corpus]!.tp} reported by the sentence level), ${missed[corpus]} out of reach (no candidate pair, or TREATS reported)`);
}
console.log(`${sizes.join('; ')}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);

const baseline = scoreAll(rows.map((r) => r.baseline));
console.log(`without the head: ${show(baseline)}`);
const mean = CONCEPT_FEATURES.map((_, j) => avg(rows.map((r) => r.x[j]!)));
const std = CONCEPT_FEATURES.map((_, j) => Math.sqrt(avg(rows.map((r) => (r.x[j]! - mean[j]!) ** 2))) || 1);
const X = rows.map((r) => [1, ...r.x.map((v, j) => (v - mean[j]!) / std[j]!)]);
const y = rows.map((r) => r.y);

let best = { l2: 0, threshold: 0, f1: -1, scores: baseline };
for (const l2 of L2) {
  const scores = new Array<number>(rows.length);
  for (let k = 0; k < folds; k++) {
    const train = rows.flatMap((r, i) => (foldOf[r.doc] !== k ? [i] : []));
    const w = fitLogistic(train.map((i) => X[i]!), train.map((i) => y[i]!), l2);
    rows.forEach((r, i) => {
      if (foldOf[r.doc] === k) scores[i] = predict(w, X[i]!);
    });
  }
  for (const t of THRESHOLDS) {
    const s = scoreAll(scores.map((v) => (v >= t ? 1 : 0)));
    if (s.macro > best.f1) best = { l2, threshold: round3(t), f1: s.macro, scores: s };
  }
  console.log(`l2 ${l2}: best so far l2 ${best.l2}, threshold ${best.threshold}: ${show(best.scores)}`);
}
console.log(`chosen: l2 ${best.l2}, threshold ${best.threshold}; cross-validated ${show(best.scores)}`);

const w = fitLogistic(X, y, best.l2);
const head: ConceptHeadJson = {
  format: 'concept-head/1',
  features: [...CONCEPT_FEATURES],
  mean: mean.map(round6),
  std: std.map(round6),
  weights: w.slice(1).map(round6),
  bias: round6(w[0]!),
  threshold: best.threshold,
  trained: {
    command: `node --import tsx scripts/train-concept-head.ts --folds ${folds}`,
    data: `gold entities; ${sizes.join('; ')}; ${rows.length} concept pairs left by the sentence level to learn from, ${rows.filter((r) => r.y).length} positive`,
    l2: best.l2,
    cross_validated: { folds, threshold_chosen_on: 'the same cross-validated scores (macro F1 over the corpora)', ...best.scores.json },
    without_head: baseline.json,
  },
};
writeFileSync(args.out!, JSON.stringify(head, null, 1) + '\n');
console.log(`wrote ${args.out}`);

/** Drug→disease concept pairs with a CAUSES relation among `rels` (`conceptKey`, as concept.ts groups mentions). */
function reportedPairs(entities: readonly Entity[], rels: readonly Relation[]): Set<string> {
  const byId = new Map(entities.map((e) => [e.id, e]));
  const out = new Set<string>();
  for (const r of rels) {
    const s = byId.get(r.subject);
    const o = byId.get(r.object);
    if (r.predicate === 'CAUSES' && s?.type === 'DRUG' && o?.type === 'DISEASE') out.add(conceptPairKey(conceptKey(s), conceptKey(o)));
  }
  return out;
}

/** Document-level CAUSES F1 per corpus, as `eval` counts it, and their mean. */
function scoreAll(pred: readonly number[]) {
  const per = corpora.map((c) => f1(rows.flatMap((r, i) => (r.corpus === c ? [[r, pred[i]!] as const] : [])), fixed[c]!, missed[c]!));
  const json = Object.fromEntries(corpora.map((c, i) => [c, { p: round3(100 * per[i]!.precision), r: round3(100 * per[i]!.recall), f1: round3(100 * per[i]!.f1) }]));
  return { per, macro: avg(per.map((s) => s.f1)), json };
}

function show(s: ReturnType<typeof scoreAll>): string {
  return corpora.map((c, i) => `${c} P ${pc(s.per[i]!.precision)} R ${pc(s.per[i]!.recall)} F1 ${pc(s.per[i]!.f1)}`).join(', ') + `, mean F1 ${pc(s.macro)}`;
}

function f1(rs: readonly (readonly [Row, number])[], reported: { tp: number; fp: number }, misses: number): Prf {
  const c = { ...reported, fn: misses };
  for (const [r, pred] of rs) {
    if (pred && r.y) c.tp++;
    else if (pred) c.fp++;
    else if (r.y) c.fn++;
  }
  return prf(c);
}

/** L2-regularised logistic regression by Newton's method (the bias, column 0, unpenalised). */
function fitLogistic(X: readonly number[][], y: readonly number[], l2: number): number[] {
  const d = X[0]!.length;
  let w = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 25; iter++) {
    const g = w.map((v, j) => (j ? l2 * v : 0));
    const H = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b && a ? l2 : 0)));
    X.forEach((x, i) => {
      const p = predict(w, x);
      const s = p * (1 - p);
      for (let a = 0; a < d; a++) {
        g[a]! += (p - y[i]!) * x[a]!;
        for (let b = 0; b <= a; b++) H[a]![b]! += s * x[a]! * x[b]!;
      }
    });
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) H[a]![b] = H[b]![a]!;
    const step = solve(H, g);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return w;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

function predict(w: readonly number[], x: readonly number[]): number {
  let z = 0;
  for (let j = 0; j < w.length; j++) z += w[j]! * x[j]!;
  return sigmoid(z);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
function avg(xs: readonly number[]): number {
  return sum(xs) / xs.length;
}
