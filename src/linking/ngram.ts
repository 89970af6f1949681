/**
 * Character-trigram search over normalised lexicon keys, for near misses (typos, small spelling and
 * word-form differences) that the hash lookups do not catch.
 *
 * Keys are ASCII `[a-z0-9 ]` (see normalize.ts), so a trigram is a number below 37³ and the inverted index
 * is a CSR pair of typed arrays. One index per entity type (plus one for untyped concepts) is built on first
 * use. A query counts shared trigrams per key over the query's posting lists (typed-array counters), keeps
 * the keys whose plain Dice coefficient passes a floor, and scores the best few hundred exactly with an
 * IDF-weighted Dice coefficient.
 */
import type { Lexicon } from './lexicon.js';

const ALPHA = 37;
const MAX_KEY = 80;

function code(c: number): number {
  if (c >= 97 && c <= 122) return c - 96; // a-z → 1..26
  if (c >= 48 && c <= 57) return c - 21; // 0-9 → 27..36
  return 0; // space / padding
}

/** Distinct trigram ids of " key " (padded), sorted, written into `out`; returns the count. */
function trigramsOfBytes(bytes: Uint8Array, start: number, end: number, out: Uint32Array): number {
  const len = end - start;
  let n = 0;
  let a = 0;
  let b = code(bytes[start]!);
  for (let i = 1; i <= len; i++) {
    const c = i < len ? code(bytes[start + i]!) : 0;
    out[n++] = (a * ALPHA + b) * ALPHA + c;
    a = b;
    b = c;
  }
  return dedupe(out, n);
}

export function trigramsOf(s: string): Uint32Array {
  const bytes = Buffer.from(s, 'latin1');
  const out = new Uint32Array(bytes.length + 2);
  const n = bytes.length ? trigramsOfBytes(bytes, 0, bytes.length, out) : 0;
  return out.slice(0, n);
}

function dedupe(a: Uint32Array, n: number): number {
  const s = a.subarray(0, n).sort();
  let w = 0;
  for (let i = 0; i < n; i++) if (i === 0 || s[i] !== s[i - 1]) a[w++] = s[i]!;
  return w;
}

export interface NgramHit {
  /** Key id in `lexicon.norm` (or -1 - index for PharmGKB keys). */
  key: number;
  text: string;
  score: number;
}

/** A trigram index over the lexicon keys that have a concept of one type (or of no type). */
export class NgramIndex {
  /** Key ids in this index (index-local id → lexicon key id; negative for PharmGKB keys). */
  private readonly keys: Int32Array;
  private readonly triCount: Uint8Array;
  private readonly start: Uint32Array;
  private readonly post: Uint32Array;
  private readonly idf: Float32Array;
  private readonly extraKeys: string[];
  // scratch buffers reused by every search
  private counts: Uint16Array | undefined;
  private touched: Int32Array | undefined;
  private mark: Uint8Array | undefined;
  private dice: Float64Array | undefined;
  readonly buildMs: number;

  constructor(
    private readonly lex: Lexicon,
    accept: (concept: number, tier: number) => boolean,
  ) {
    const t0 = performance.now();
    const norm = lex.norm;
    const bytes = norm.bytes();
    const ids: number[] = [];
    for (let k = 0; k < norm.size; k++) {
      const [s, e] = norm.keyRange(k);
      if (e - s < 3 || e - s > MAX_KEY) continue;
      const ps = norm.postings(k);
      for (let i = 0; i < ps.length; i++) {
        if (accept(ps[i]! >>> 2, ps[i]! & 3)) {
          ids.push(k);
          break;
        }
      }
    }
    this.extraKeys = [];
    for (const [key, ps] of lex.extraNorm) {
      if (key.length >= 3 && key.length <= MAX_KEY && ps.some((p) => accept(p >>> 2, p & 3))) {
        ids.push(-1 - this.extraKeys.length);
        this.extraKeys.push(key);
      }
    }
    this.keys = Int32Array.from(ids);
    const n = this.keys.length;
    const extraBytes = this.extraKeys.map((k) => Buffer.from(k, 'latin1'));
    const tmp = new Uint32Array(MAX_KEY + 2);
    const df = new Uint32Array(ALPHA ** 3);
    this.triCount = new Uint8Array(n);
    const each = (i: number, fn: (t: number) => void) => {
      const id = this.keys[i]!;
      let m: number;
      if (id >= 0) {
        const [s, e] = norm.keyRange(id);
        m = trigramsOfBytes(bytes, s, e, tmp);
      } else {
        const b = extraBytes[-1 - id]!;
        m = trigramsOfBytes(b, 0, b.length, tmp);
      }
      for (let j = 0; j < m; j++) fn(tmp[j]!);
      return m;
    };
    for (let i = 0; i < n; i++) this.triCount[i] = each(i, (t) => df[t]!++);
    this.start = new Uint32Array(df.length + 1);
    for (let t = 0; t < df.length; t++) this.start[t + 1] = this.start[t]! + df[t]!;
    this.post = new Uint32Array(this.start[df.length]!);
    const fill = this.start.slice(0, df.length);
    for (let i = 0; i < n; i++) each(i, (t) => (this.post[fill[t]!++] = i));
    this.idf = new Float32Array(df.length);
    for (let t = 0; t < df.length; t++) this.idf[t] = Math.log(1 + n / (1 + df[t]!));
    this.buildMs = performance.now() - t0;
  }

  get size(): number {
    return this.keys.length;
  }

  get bytes(): number {
    return this.keys.byteLength + this.triCount.byteLength + this.start.byteLength + this.post.byteLength + this.idf.byteLength;
  }

  private keyText(i: number): string {
    const id = this.keys[i]!;
    return id >= 0 ? this.lex.norm.key(id) : this.extraKeys[-1 - id]!;
  }

  /** Keys with IDF-weighted trigram Dice ≥ `minScore`, best first (at most `limit`). */
  search(query: string, minScore = 0.6, limit = 20): NgramHit[] {
    const q = trigramsOf(query);
    const m = q.length;
    if (m < 3) return [];
    // count shared trigrams for every key that has any (typed-array counters, touched list)
    const counts = (this.counts ??= new Uint16Array(this.keys.length));
    const touched = (this.touched ??= new Int32Array(this.keys.length));
    let nt = 0;
    for (let j = 0; j < m; j++) {
      const t = q[j]!;
      for (let p = this.start[t]!, e = this.start[t + 1]!; p < e; p++) {
        const i = this.post[p]!;
        if (counts[i]++ === 0) touched[nt++] = i;
      }
    }
    // unweighted Dice as a filter, then the IDF-weighted score for the best few hundred
    const floor = Math.max(0.3, minScore - 0.15);
    const pre: number[] = [];
    const dice = (this.dice ??= new Float64Array(this.keys.length)); // read only for the keys in `pre`, written just now
    for (let k = 0; k < nt; k++) {
      const i = touched[k]!;
      const d = (2 * counts[i]!) / (m + this.triCount[i]!);
      counts[i] = 0;
      if (d >= floor) {
        pre.push(i);
        dice[i] = d;
      }
    }
    pre.sort((a, b) => dice[b]! - dice[a]!);
    const inQuery = (this.mark ??= new Uint8Array(ALPHA ** 3));
    let qw = 0;
    for (let j = 0; j < m; j++) {
      qw += this.idf[q[j]!]!;
      inQuery[q[j]!] = 1;
    }
    const tmp = new Uint32Array(MAX_KEY + 2);
    const norm = this.lex.norm;
    const hits: NgramHit[] = [];
    for (const i of pre.slice(0, 300)) {
      const id = this.keys[i]!;
      let n: number;
      if (id >= 0) {
        const [s, e] = norm.keyRange(id);
        n = trigramsOfBytes(norm.bytes(), s, e, tmp);
      } else {
        const b = Buffer.from(this.extraKeys[-1 - id]!, 'latin1');
        n = trigramsOfBytes(b, 0, b.length, tmp);
      }
      let inter = 0;
      let kw = 0;
      for (let j = 0; j < n; j++) {
        const w = this.idf[tmp[j]!]!;
        kw += w;
        if (inQuery[tmp[j]!]) inter += w;
      }
      const score = (2 * inter) / (qw + kw);
      if (score >= minScore) hits.push({ key: id, text: this.keyText(i), score });
    }
    for (let j = 0; j < m; j++) inQuery[q[j]!] = 0;
    hits.sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : 1));
    return hits.slice(0, limit);
  }
}
