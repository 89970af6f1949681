/**
 * Dense view of an entity pair over the NER encoder's piece vectors (core/token-states.ts): the mean vector of
 * the subject's pieces, of the object's, the element-wise maximum over the pieces between the two arguments
 * (zeros when they touch), and the product subject ⊙ object. Training (scripts/dump-relation-pairs.ts) and run
 * time share this function, so the relation model sees the same numbers in both. The dense heads
 * (training/train_relations.py, ONNX) turn such vectors into class probabilities, mixed with relations-lr's.
 * A pair layer (training/train_pair_layer.py) reads instead the piece vectors of a window around the pair
 * (pairWindow), each marked with its role, and runs transformer layers over them before pooling (since session 31
 * two, over the encoder's 2nd-layer vectors: a head's `input` names the encoder output it reads).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MedicalNerError } from '../core/errors.js';
import { ortSessionOptions } from '../core/ort-session.js';
import { tokenStates, type TokenStates } from '../core/token-states.js';
import type { Doc, Span } from '../core/types.js';
import { OnnxNerModel } from '../ner/onnx/index.js';
import { CONCEPT_HEAD_FILE, readConceptHead, type ConceptHeadJson } from './concept.js';

export const PAIR_PARTS = 4;

/** First piece whose end lies after `pos`. */
function firstPieceEndingAfter(st: TokenStates, pos: number): number {
  let lo = 0;
  let hi = st.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (st.ends[mid]! <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pieces [from, to) that overlap the span. */
function pieceRange(st: TokenStates, s: Span): [number, number] {
  const from = firstPieceEndingAfter(st, s.start);
  let to = from;
  while (to < st.starts.length && st.starts[to]! < s.end) to++;
  return [from, to];
}

/** Most pieces the pair layer reads per pair (see pairWindow). */
export const PAIR_WINDOW = 64;

/** Role of a piece in a pair window (the pair layer adds one learned vector per role). 0 is padding. */
export const ROLE = { pad: 0, outside: 1, subject: 2, object: 3, between: 4 } as const;

/**
 * The pieces a pair layer reads for one pair, and each one's role: the sentence's pieces; where the sentence has
 * more than PAIR_WINDOW, a window around the two arguments (extended evenly into the sentence), and where the
 * arguments lie further apart than that, the PAIR_WINDOW / 2 pieces from a few before the first argument and those up
 * to a few after the second.
 */
export function pairWindow(st: TokenStates, subject: Span, object: Span, sentence: Span): { pieces: number[]; roles: number[] } {
  const [s0, s1] = pieceRange(st, sentence);
  const sr = pieceRange(st, subject);
  const or = pieceRange(st, object);
  const [a, b] = sr[0] <= or[0] ? [sr, or] : [or, sr];
  const lo = Math.min(s0, a[0]);
  const hi = Math.max(s1, b[1]);
  let pieces: number[] = [];
  const take = (from: number, to: number) => {
    for (let p = Math.max(from, lo); p < Math.min(to, hi); p++) pieces.push(p);
  };
  if (hi - lo <= PAIR_WINDOW) take(lo, hi);
  else if (b[1] - a[0] <= PAIR_WINDOW) {
    const spare = PAIR_WINDOW - (b[1] - a[0]);
    let from = a[0] - Math.floor(spare / 2);
    let to = b[1] + Math.ceil(spare / 2);
    if (from < lo) [to, from] = [to + lo - from, lo];
    if (to > hi) [from, to] = [Math.max(lo, from - (to - hi)), hi];
    take(from, to);
  } else {
    const half = PAIR_WINDOW / 2;
    take(a[0] - 4, a[0] - 4 + half);
    const from = Math.max(b[1] + 4 - half, pieces[pieces.length - 1]! + 1);
    take(from, b[1] + 4);
    pieces = pieces.slice(0, PAIR_WINDOW);
  }
  const roles = pieces.map((p) =>
    p >= sr[0] && p < sr[1] ? ROLE.subject : p >= or[0] && p < or[1] ? ROLE.object : p >= a[1] && p < b[0] ? ROLE.between : ROLE.outside,
  );
  return { pieces, roles };
}

/** Pieces per block of the precomputed maxima (the between part reads whole blocks where it can). */
const BLOCK = 8;

/**
 * Pair vectors of one document. Each entity's mean is computed once, and the maximum over the pieces between two
 * arguments reads precomputed maxima of blocks of BLOCK pieces where a whole block lies inside: the same
 * numbers as the plain loops, a few times faster on clinical notes with many pairs per sentence.
 */
export class PairVectorizer {
  private readonly means = new Map<string, Float32Array>();
  private blockMax: Float32Array | undefined;
  private blockDone: Uint8Array | undefined;

  constructor(private readonly st: TokenStates) {}

  get width(): number {
    return PAIR_PARTS * this.st.dim;
  }

  private mean(s: Span): { vec: Float32Array; range: [number, number] } {
    const range = pieceRange(this.st, s);
    const key = `${range[0]}:${range[1]}`;
    let vec = this.means.get(key);
    if (!vec) {
      const { dim: d, data } = this.st;
      vec = new Float32Array(d);
      const [from, to] = range;
      if (to > from) {
        for (let p = from; p < to; p++) for (let j = 0; j < d; j++) vec[j] += data[p * d + j]!;
        for (let j = 0; j < d; j++) vec[j] /= to - from;
      }
      this.means.set(key, vec);
    }
    return { vec, range };
  }

  /** Maxima of blocks [b0, b1), each computed on first use. */
  private blocks(b0: number, b1: number): Float32Array {
    const { dim: d, data } = this.st;
    const n = Math.floor(this.st.starts.length / BLOCK);
    const m = (this.blockMax ??= new Float32Array(n * d));
    const done = (this.blockDone ??= new Uint8Array(n));
    for (let b = b0; b < b1; b++) {
      if (done[b]) continue;
      done[b] = 1;
      const o = b * d;
      m.set(data.subarray(b * BLOCK * d, b * BLOCK * d + d), o);
      PairVectorizer.maxRows(data, d, b * BLOCK + 1, (b + 1) * BLOCK, m, o);
    }
    return m;
  }

  /** Element-wise maximum of rows [from, to) of `src` (row width d) into out[at, at + d). */
  private static maxRows(src: Float32Array, d: number, from: number, to: number, out: Float32Array, at: number): void {
    for (let p = from; p < to; p++) {
      const o = p * d;
      for (let j = 0; j < d; j++) {
        const v = src[o + j]!;
        if (v > out[at + j]!) out[at + j] = v;
      }
    }
  }

  /** Writes the pair's vector (PAIR_PARTS × dim numbers) into `out` at `at`. */
  write(subject: Span, object: Span, out: Float32Array, at: number): void {
    const d = this.st.dim;
    const s = this.mean(subject);
    const o = this.mean(object);
    out.set(s.vec, at);
    out.set(o.vec, at + d);
    const [first, second] = s.range[0] <= o.range[0] ? [s.range, o.range] : [o.range, s.range];
    const from = first[1];
    const to = second[0];
    const bt = at + 2 * d;
    if (to > from) {
      out.fill(-Infinity, bt, bt + d);
      const b0 = Math.ceil(from / BLOCK);
      const b1 = Math.floor(to / BLOCK);
      if (b1 > b0) {
        PairVectorizer.maxRows(this.st.data, d, from, b0 * BLOCK, out, bt);
        PairVectorizer.maxRows(this.blocks(b0, b1), d, b0, b1, out, bt);
        PairVectorizer.maxRows(this.st.data, d, b1 * BLOCK, to, out, bt);
      } else {
        PairVectorizer.maxRows(this.st.data, d, from, to, out, bt);
      }
    } else {
      out.fill(0, bt, bt + d);
    }
    for (let j = 0; j < d; j++) out[at + 3 * d + j] = s.vec[j]! * o.vec[j]!;
  }
}

/** `<models>/relations-nn/config.json`, written by scripts/calibrate-relations-nn.ts. */
export interface DenseConfig {
  format: 'relations-nn/1';
  /** NER model whose hidden output the heads were trained on, and that output's name. */
  encoder: string;
  hidden_output: string;
  /** Weight of the dense head's class probabilities; the logistic-regression head of the same name gets the rest. */
  mix: number;
  /**
   * Per head: its ONNX file, and the mixture's Platt scaling and thresholds. A file reads either `pair` ([n,
   * PAIR_PARTS × dim] pair vectors: an MLP head) or `states` [n, len, dim] and `roles` [n, len] (a pair layer, over
   * the pairWindow of each pair); both give class probabilities.
   */
  heads: Record<string, DenseHeadConfig>;
}

export interface DenseHeadConfig {
  file: string;
  /** The encoder output whose vectors the head reads, where not `hidden_output` (e.g. a pair model of two layers over `hidden2`). */
  input?: string;
  /** Weight of this head's probabilities in the mixture, where not the config's `mix`. */
  mix?: number;
  calibration: Record<string, [number, number]>;
  threshold: Record<string, number>;
}

export interface DensePair {
  head: string;
  subject: Span;
  object: Span;
  /** The sentence both lie in (a pair layer reads its pieces). */
  sentence: Span;
}

/**
 * Pair windows per onnxruntime call of a pair layer (sorted by length, so little padding). Small batches keep peak
 * RSS down: the bench pipeline peaked at 391–410 MB with 8 windows per call, 384–385 with 4 at the same speed, and
 * 379–381 with 2 but slower.
 */
const WINDOW_BATCH = 4;

/**
 * The dense heads, loaded on first use. Piece vectors come from the Doc when the pipeline's NER model left
 * those the heads were trained on (no second encoder pass); otherwise (gold entities, another NER model) the
 * heads run the encoder themselves.
 */
export class DenseHeads {
  private sessions: Promise<Map<string, ort.InferenceSession>> | undefined;
  private encoder: Promise<OnnxNerModel> | undefined;
  /** Texts the heads had to encode themselves (no usable vectors on the Doc). */
  encodedHere = 0;

  constructor(
    readonly config: DenseConfig,
    private readonly dir: string,
    private readonly encoderDir: string,
    private readonly threads = 2,
  ) {
    this.outputs = [...new Set([config.hidden_output, ...Object.values(config.heads).map((h) => h.input ?? config.hidden_output)])];
  }

  /** Reads `<dir>/config.json`; `encoderDir` finds the folder of the NER model named in it. */
  static fromDir(dir: string, encoderDir: (encoder: string) => string, threads?: number): DenseHeads {
    const file = join(dir, 'config.json');
    if (!existsSync(file)) throw new MedicalNerError('MODEL_NOT_FOUND', `dense relation heads not found at ${file}`);
    const config = JSON.parse(readFileSync(file, 'utf8')) as DenseConfig;
    if (config.format !== 'relations-nn/1') throw new MedicalNerError('MODEL_NOT_FOUND', `${file}: unknown format ${String(config.format)}`);
    const heads = new DenseHeads(config, dir, encoderDir(config.encoder), threads);
    const concept = join(dir, CONCEPT_HEAD_FILE);
    if (existsSync(concept)) heads.concept = readConceptHead(concept);
    return heads;
  }

  /** The document-level drug→disease head (concept.ts), where `document.json` is beside the heads. */
  concept: ConceptHeadJson | undefined;

  has(head: string): boolean {
    return head in this.config.heads;
  }

  /** The encoder outputs the heads read. */
  readonly outputs: readonly string[];

  /** Per encoder output the heads read, the Doc's piece vectors; empty for a text without pieces. */
  private async states(doc: Doc): Promise<Map<string, TokenStates>> {
    const own = this.outputs.map((o) => tokenStates(doc, o));
    if (own.every((st) => st?.model === this.config.encoder)) return new Map(own.map((st) => [st!.output, st!]));
    const encoder = await (this.encoder ??= OnnxNerModel.load(this.encoderDir, { threads: this.threads }));
    this.encodedHere++;
    return new Map((await encoder.encode(doc.text, this.outputs)).map((st) => [st.output, st]));
  }

  /** Class probabilities of each pair, in order (one batched call per head). */
  async score(doc: Doc, pairs: readonly DensePair[]): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(pairs.length);
    if (!pairs.length) return out;
    const all = await this.states(doc); // entities in a text without pieces cannot pair
    const sessions = await (this.sessions ??= this.loadSessions());
    const vectorizers = new Map<string, PairVectorizer>();
    for (const [head, session] of sessions) {
      const idx = pairs.flatMap((p, i) => (p.head === head ? [i] : []));
      if (!idx.length) continue;
      const output = this.config.heads[head]!.input ?? this.config.hidden_output;
      const states = all.get(output)!;
      if (session.inputNames.includes('states')) {
        await this.scoreWindows(session, states, idx.map((i) => pairs[i]!), (r, p) => (out[idx[r]!] = p));
        continue;
      }
      let vectors = vectorizers.get(output);
      if (!vectors) vectorizers.set(output, (vectors = new PairVectorizer(states)));
      const width = vectors.width;
      const input = new Float32Array(idx.length * width);
      idx.forEach((i, r) => vectors.write(pairs[i]!.subject, pairs[i]!.object, input, r * width));
      const res = await session.run({ pair: new ort.Tensor('float32', input, [idx.length, width]) });
      const probs = res.probs!.data as Float32Array;
      const k = probs.length / idx.length;
      idx.forEach((i, r) => (out[i] = probs.slice(r * k, (r + 1) * k)));
    }
    return out;
  }

  /**
   * Input buffers of the pair layers, reused: a fresh one per batch grew peak RSS by tens of MB. onnxruntime reads
   * them while a run is awaited, so a call that finds them in use (documents scored concurrently) takes its own.
   */
  private windowBuffers: { states: Float32Array; roles: BigInt64Array } | undefined;

  /** A pair layer's class probabilities: pair windows batched by length; `set(r, probs)` for pairs[r]. */
  private async scoreWindows(session: ort.InferenceSession, st: TokenStates, pairs: readonly DensePair[], set: (r: number, probs: Float32Array) => void): Promise<void> {
    const d = st.dim;
    let buffers = this.windowBuffers;
    this.windowBuffers = undefined;
    if (!buffers || buffers.states.length < WINDOW_BATCH * PAIR_WINDOW * d) {
      buffers = { states: new Float32Array(WINDOW_BATCH * PAIR_WINDOW * d), roles: new BigInt64Array(WINDOW_BATCH * PAIR_WINDOW) };
    }
    const windows = pairs.map((p) => pairWindow(st, p.subject, p.object, p.sentence));
    const order = windows.map((_, r) => r).sort((a, b) => windows[a]!.pieces.length - windows[b]!.pieces.length);
    try {
      for (let b = 0; b < order.length; b += WINDOW_BATCH) {
        const rs = order.slice(b, b + WINDOW_BATCH);
        const len = Math.max(1, windows[rs[rs.length - 1]!]!.pieces.length); // a text whose pieces hold no entity text gives empty windows
        const x = buffers.states.subarray(0, rs.length * len * d).fill(0);
        const roles = buffers.roles.subarray(0, rs.length * len).fill(0n);
        rs.forEach((r, j) => {
          const w = windows[r]!;
          w.pieces.forEach((p, t) => {
            x.set(st.data.subarray(p * d, (p + 1) * d), (j * len + t) * d);
            roles[j * len + t] = BigInt(w.roles[t]!);
          });
        });
        const res = await session.run({ states: new ort.Tensor('float32', x, [rs.length, len, d]), roles: new ort.Tensor('int64', roles, [rs.length, len]) });
        const probs = res.probs!.data as Float32Array;
        const k = probs.length / rs.length;
        rs.forEach((r, j) => set(r, probs.slice(j * k, (j + 1) * k)));
      }
    } finally {
      this.windowBuffers = buffers;
    }
  }

  private async loadSessions(): Promise<Map<string, ort.InferenceSession>> {
    const m = new Map<string, ort.InferenceSession>();
    for (const [head, h] of Object.entries(this.config.heads)) {
      // no memory arena: batches vary in size, and an arena per head would keep the largest one. The encoder's
      // threads without spinning: idle spinning threads would take the cores from the NER pass of the next text (one
      // thread each until session 31; two made the two-layer pair models 25 % faster and left the NER pass as fast)
      m.set(head, await ort.InferenceSession.create(join(this.dir, h.file), ortSessionOptions(this.threads, { enableCpuMemArena: false }, false)));
    }
    return m;
  }
}
