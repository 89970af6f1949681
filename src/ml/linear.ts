/**
 * Sparse linear models over string features, shared by the learned relation heads (sentence-level pair
 * classifier, document-level CID head): softmax scores, a deterministic AdaGrad trainer with L2 that accepts
 * partial labels (the loss is −log Σ_{allowed} p), and Platt scaling.
 */

/** A trained softmax layer: feature → one weight per class, plus a bias per class. */
export interface LinearWeights {
  bias: number[];
  /** As trained (a record), or as read from a model file (`PackedWeights`). */
  weights: Record<string, number[]> | PackedWeights;
}

/**
 * Weights as a model file holds them: one row of class weights per feature, in thousandths (int16). The trainer
 * rounds every weight to three decimals, so `v / 1000` is the same number JSON gave; reading 496,118 of them this
 * way takes about a quarter of the time JSON.parse took over a record of arrays (a cold start's largest share after the
 * ONNX sessions).
 */
export class PackedWeights {
  private readonly rows = new Map<string, number>();
  constructor(
    features: readonly string[],
    private readonly thousandths: Int16Array,
    readonly classes: number,
  ) {
    if (thousandths.length !== features.length * classes) throw new Error(`packed weights: ${thousandths.length} values for ${features.length} features × ${classes} classes`);
    features.forEach((f, i) => this.rows.set(f, i));
  }

  /** Adds the feature's weights to `z` (nothing for an unknown feature). */
  addTo(feature: string, z: number[]): void {
    const r = this.rows.get(feature);
    if (r === undefined) return;
    for (let k = 0, o = r * this.classes; k < this.classes; k++) z[k]! += this.thousandths[o + k]! / 1000;
  }

  /** Packs trained weights: the features in record order, their weights in thousandths. */
  static pack(weights: Record<string, number[]>, classes: number): { features: string[]; thousandths: Int16Array } {
    const features = Object.keys(weights);
    const thousandths = new Int16Array(features.length * classes);
    features.forEach((f, i) => {
      if (f.includes('\n')) throw new Error(`feature ${JSON.stringify(f)} holds a newline`);
      weights[f]!.forEach((w, k) => {
        const t = Math.round(w * 1000);
        if (t / 1000 !== w || Math.abs(t) > 32767) throw new Error(`weight ${w} of ${f} is not a thousandth within ±32.767`);
        thousandths[i * classes + k] = t;
      });
    });
    return { features, thousandths };
  }
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export const logit = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

export function softmaxScores(head: LinearWeights, features: readonly string[]): number[] {
  const z = head.bias.slice();
  const table = head.weights;
  if (table instanceof PackedWeights) {
    for (const f of features) table.addTo(f, z);
  } else {
    for (const f of features) {
      // own keys only: "toString" must not reach Object.prototype's
      const w = Object.hasOwn(table, f) ? table[f] : undefined;
      if (w) for (let k = 0; k < z.length; k++) z[k]! += w[k]!;
    }
  }
  return softmax(z);
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}


export interface Example {
  features: string[];
  /** Allowed class indices (one for a full label, several for a partial one). */
  allowed: number[];
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  minCount: number;
  seed: number;
}

export const DEFAULT_TRAIN: TrainOptions = { epochs: 10, learningRate: 0.2, l2: 1e-4, minCount: 2, seed: 13 };

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Trains one head; returns bias and weights (features seen fewer than minCount times are dropped). */
export function trainSoftmax(examples: readonly Example[], K: number, opts: TrainOptions = DEFAULT_TRAIN): LinearWeights {
  const counts = new Map<string, number>();
  for (const ex of examples) for (const f of new Set(ex.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, c] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (c >= opts.minCount) index.set(f, index.size);
  const F = index.size + 1; // last row: bias
  const W = new Float64Array(F * K);
  const G = new Float64Array(F * K).fill(1e-8);
  const rows = examples.map((ex) => [...new Set(ex.features.map((f) => index.get(f)).filter((i): i is number => i !== undefined)), F - 1]);
  const order = examples.map((_, i) => i);
  const rand = rng(opts.seed);
  const z = new Float64Array(K);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const n of order) {
      const r = rows[n]!;
      z.fill(0);
      for (const f of r) for (let k = 0; k < K; k++) z[k]! += W[f * K + k]!;
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, z[k]!);
      let s = 0;
      for (let k = 0; k < K; k++) s += z[k] = Math.exp(z[k]! - m);
      for (let k = 0; k < K; k++) z[k]! /= s;
      // target: the model's own distribution restricted to the allowed classes
      const allowed = examples[n]!.allowed;
      let sa = 0;
      for (const k of allowed) sa += z[k]!;
      for (const f of r) {
        for (let k = 0; k < K; k++) {
          const q = allowed.includes(k) ? z[k]! / sa : 0;
          const g = z[k]! - q + opts.l2 * W[f * K + k]!;
          const idx = f * K + k;
          G[idx]! += g * g;
          W[idx]! -= (opts.learningRate * g) / Math.sqrt(G[idx]!);
        }
      }
    }
  }
  const weights: Record<string, number[]> = {};
  for (const [f, i] of index) {
    const w = Array.from(W.subarray(i * K, i * K + K), (v) => Math.round(v * 1000) / 1000);
    if (w.some((v) => v !== 0)) weights[f] = w;
  }
  const bias = Array.from(W.subarray((F - 1) * K, F * K), (v) => Math.round(v * 1000) / 1000);
  return { bias, weights };
}

/** Platt scaling: fits a, b in σ(a·x + b) to binary labels (Newton with backtracking, Platt's target smoothing; Lin et al. 2007). */
export function fitPlatt(x: readonly number[], y: readonly boolean[]): [number, number] {
  const nPos = y.filter(Boolean).length;
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) return [1, 0];
  const tPos = (nPos + 1) / (nPos + 2);
  const tNeg = 1 / (nNeg + 2);
  const t = y.map((v) => (v ? tPos : tNeg));
  const loss = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      const z = a * x[i]! + b;
      // −[t log σ(z) + (1−t) log(1−σ(z))], numerically stable
      f += z >= 0 ? Math.log1p(Math.exp(-z)) + (1 - t[i]!) * z : Math.log1p(Math.exp(z)) - t[i]! * z;
    }
    return f;
  };
  let a = 1;
  let b = 0;
  let f = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(a * x[i]! + b);
      const d = p - t[i]!;
      const w = p * (1 - p);
      ga += d * x[i]!;
      gb += d;
      haa += w * x[i]! * x[i]!;
      hab += w * x[i]!;
      hbb += w;
    }
    if (Math.abs(ga) < 1e-6 && Math.abs(gb) < 1e-6) break;
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let accepted = false;
    while (step > 1e-8) {
      const na = a - step * da;
      const nb = b - step * db;
      const nf = loss(na, nb);
      if (nf < f + 1e-4 * step * (ga * -da + gb * -db)) {
        a = na;
        b = nb;
        f = nf;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
  }
  return [Math.round(a * 1e4) / 1e4, Math.round(b * 1e4) / 1e4];
}
