/**
 * The learned pair classifier: one multinomial logistic regression ("head") per type signature over
 * sparse string features (src/ml/linear.ts), with Platt-scaled confidences. Training accepts partial
 * labels: an example may allow several classes (e.g. a BC5CDR drug–disease pair without a CID relation
 * is "not CAUSES", so NONE or TREATS).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Predicate } from '../core/types.js';
import { logit, PackedWeights, sigmoid, softmaxScores, type LinearWeights } from '../ml/linear.js';
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
  /** `relations-lr/2`: read from a model folder, weights packed (`readLrModel`). */
  format: 'relations-lr/1' | 'relations-lr/2';
  created?: string;
  heads: HeadJson[];
  /** Cross-sentence drug→disease head (document level), when trained. */
  document?: DocHeadJson;
}

/**
 * A model folder's files (format `relations-lr/2`): `model.json` holds every head without its weights, each with the
 * number of its features (`rows`); `features.txt` their features, one per line, head after head (the document head
 * last); `weights.bin` their weights, int16 little-endian thousandths, one row of class weights per feature
 * (`PackedWeights`). A `model.json` of format `relations-lr/1` holds the weights itself and is still read.
 */
const FEATURES_FILE = 'features.txt';
const WEIGHTS_FILE = 'weights.bin';

type Stored<T extends LinearWeights> = Omit<T, 'weights'> & { rows: number };

/** `weights.bin` is read as the host's Int16Array: little-endian, as on x86 and ARM. */
function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('relations-lr/2 model files need a little-endian host');
}

export function writeLrModel(dir: string, model: LrModelJson): void {
  const features: string[] = [];
  const parts: Int16Array[] = [];
  const strip = <T extends LinearWeights>(h: T): Stored<T> => {
    if (h.weights instanceof PackedWeights) throw new Error(`head ${JSON.stringify((h as { name?: string }).name)}: packed weights cannot be written again`);
    const packed = PackedWeights.pack(h.weights, h.bias.length);
    features.push(...packed.features);
    parts.push(packed.thousandths);
    const { weights: _weights, ...rest } = h;
    return { ...rest, rows: packed.features.length };
  };
  const heads = model.heads.map(strip);
  const document = model.document ? strip(model.document) : undefined;
  const stored = { format: 'relations-lr/2', ...(model.created ? { created: model.created } : {}), heads, ...(document ? { document } : {}) };
  const bytes = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  assertLittleEndian();
  writeFileSync(join(dir, 'model.json'), JSON.stringify(stored));
  writeFileSync(join(dir, FEATURES_FILE), features.join('\n'));
  writeFileSync(join(dir, WEIGHTS_FILE), bytes);
}

/** Reads `model.json` and, for format `relations-lr/2`, the features and weights beside it. */
export function readLrModel(file: string): LrModelJson {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown };
  if (json.format === 'relations-lr/1') return json as LrModelJson;
  if (json.format !== 'relations-lr/2') throw new Error(`${file}: unknown format ${String(json.format)}`);
  const stored = json as Omit<LrModelJson, 'format' | 'heads' | 'document'> & { heads: Stored<HeadJson>[]; document?: Stored<DocHeadJson> };
  assertLittleEndian();
  const dir = join(file, '..');
  const text = readFileSync(join(dir, FEATURES_FILE), 'utf8');
  const features = text ? text.split('\n') : [];
  const buf = readFileSync(join(dir, WEIGHTS_FILE));
  const all = new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let row = 0;
  let value = 0;
  const unpack = <T extends LinearWeights>(h: Stored<T>): T => {
    const K = h.bias.length;
    const weights = new PackedWeights(features.slice(row, row + h.rows), all.subarray(value, value + h.rows * K), K);
    row += h.rows;
    value += h.rows * K;
    const { rows: _rows, ...rest } = h;
    return { ...rest, weights } as unknown as T;
  };
  const heads = stored.heads.map((h) => unpack<HeadJson>(h));
  const document = stored.document ? unpack<DocHeadJson>(stored.document) : undefined;
  if (row !== features.length || value !== all.length) throw new Error(`${file}: ${features.length} features and ${all.length} weights in its files, ${row} and ${value} in its heads`);
  return { format: 'relations-lr/2', ...(stored.created ? { created: stored.created } : {}), heads, ...(document ? { document } : {}) };
}

export interface HeadPrediction {
  predicate: Predicate;
  /** Calibrated probability of the predicate. */
  confidence: number;
  /** Raw model probability (sum of the predicate's classes). */
  raw: number;
  accepted: boolean;
  /** Calibrated probability of every predicate of the head (the document-level step reads CAUSES and TREATS). */
  confidences: Partial<Record<Predicate, number>>;
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
  const confidences: Partial<Record<Predicate, number>> = {};
  for (const [predicate, v] of predicateProbabilities(head, probs)) {
    const [a, b] = calibration[predicate] ?? [1, 0];
    const confidence = sigmoid(a * logit(v.p) + b);
    confidences[predicate] = confidence;
    const pred: HeadPrediction = { predicate, confidence, raw: v.p, accepted: confidence >= (threshold[predicate] ?? 0.5), confidences };
    if (head.attribute) pred.fine = v.fine;
    if (!best || confidence > best.confidence) best = pred;
  }
  return best;
}
