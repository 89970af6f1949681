/**
 * Character-trigram search over normalised lexicon keys, for near misses (typos, small spelling and
 * word-form differences) that the hash lookups do not catch.
 *
 * Keys are ASCII `[a-z0-9 ]` (see normalize.ts), so a trigram is a number below 37³ and the inverted index
 * is a CSR pair of typed arrays; a key's own trigrams are recounted from its bytes in the lexicon when needed. One index per
 * entity type (plus one for untyped concepts) is built on first use. Keys are numbered by trigram count, so
 * every posting list is sorted by key length and a query reads only the stretch of lengths that can reach
 * its Dice floor. Prefix filtering (as in AllPairs/PPJoin) skips most of the query's common trigrams: a key
 * with the overlap the floor needs holds enough of the rarer ones, and a key that can reach the IDF-weighted score
 * holds enough of their weight (the tighter of the two bounds applies). Keys counted often enough in those lists
 * are checked against the floor with their own trigrams (plain Dice coefficient), and the best few
 * hundred are scored with an IDF-weighted Dice coefficient.
 */
import type { Lexicon } from './lexicon.js';

const ALPHA = 37;
const MAX_KEY = 80;
/** Extra posting lists read beyond the minimal prefix; each one lets a key counted once fewer drop unverified. */
const SLACK = 5;

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

/** Sorts a[0..n) and drops repeats; returns the new length. Insertion sort: keys are short. */
function dedupe(a: Uint32Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  let w = 0;
  for (let i = 0; i < n; i++) if (i === 0 || a[i] !== a[w - 1]) a[w++] = a[i]!;
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
  /** Key ids in this index (index-local id → lexicon key id; negative for PharmGKB keys), by trigram count. */
  private readonly keys: Int32Array;
  private readonly triCount: Uint8Array;
  /** The first key id with at least c trigrams, for c in [0, MAX_KEY + 1] (key ids ascend with trigram count). */
  private readonly firstWithCount: Uint32Array;
  /** Inverted index: trigram → index-local key ids (ascending, so ascending trigram count). */
  private readonly start: Uint32Array;
  private readonly post: Uint32Array;
  /** The PharmGKB keys' bytes, one after another, and their offsets (the lexicon's keys are read in place from its blob). */
  private readonly extraBytes: Buffer;
  private readonly extraOff: Uint32Array;
  private readonly idf: Float32Array;
  // scratch buffers reused by every search
  private counts: Uint16Array | undefined;
  private touched: Int32Array | undefined;
  private mark: Uint8Array | undefined;
  private seen: Uint32Array | undefined;
  private stamp = 0;
  private keyWeight = 0;
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
      const len = norm.keyEnd(k) - norm.keyStart(k);
      if (len < 3 || len > MAX_KEY) continue;
      const ps = norm.postings(k);
      for (let i = 0; i < ps.length; i++) {
        if (accept(ps[i]! >>> 2, ps[i]! & 3)) {
          ids.push(k);
          break;
        }
      }
    }
    const extraKeys: string[] = [];
    for (const [key, ps] of lex.extraNorm) {
      if (key.length >= 3 && key.length <= MAX_KEY && ps.some((p) => accept(p >>> 2, p & 3))) {
        ids.push(-1 - extraKeys.length);
        extraKeys.push(key);
      }
    }
    const extra = Buffer.from(extraKeys.join(''), 'latin1');
    this.extraBytes = extra;
    this.extraOff = new Uint32Array(extraKeys.length + 1);
    extraKeys.forEach((k, i) => (this.extraOff[i + 1] = this.extraOff[i]! + k.length));
    const n = ids.length;
    // trigrams of every key, in the order found (only while building: a search recounts a key's trigrams from its bytes)
    const tmp = new Uint32Array(MAX_KEY + 2);
    const rawStart = new Uint32Array(n + 1);
    let rawTri = new Uint16Array(n * 24);
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      const m = id >= 0 ? trigramsOfBytes(bytes, norm.keyStart(id), norm.keyEnd(id), tmp) : trigramsOfBytes(extra, this.extraOff[-1 - id]!, this.extraOff[-id]!, tmp);
      const w = rawStart[i]!;
      if (w + m > rawTri.length) {
        const grown = new Uint16Array(rawTri.length * 2 + m);
        grown.set(rawTri);
        rawTri = grown;
      }
      rawTri.set(tmp.subarray(0, m), w);
      rawStart[i + 1] = w + m;
    }
    // renumber by trigram count (stable), then lay out the inverted index
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rawStart[a + 1]! - rawStart[a]! - (rawStart[b + 1]! - rawStart[b]!) || a - b);
    this.keys = new Int32Array(n);
    this.triCount = new Uint8Array(n);
    const df = new Uint32Array(ALPHA ** 3);
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      this.keys[i] = ids[o]!;
      this.triCount[i] = rawStart[o + 1]! - rawStart[o]!;
      for (let p = rawStart[o]!; p < rawStart[o + 1]!; p++) df[rawTri[p]!]!++;
    }
    this.firstWithCount = new Uint32Array(MAX_KEY + 2);
    for (let c = 0, i = 0; c <= MAX_KEY + 1; c++) {
      while (i < n && this.triCount[i]! < c) i++;
      this.firstWithCount[c] = i;
    }
    this.start = new Uint32Array(df.length + 1);
    for (let t = 0; t < df.length; t++) this.start[t + 1] = this.start[t]! + df[t]!;
    this.post = new Uint32Array(this.start[df.length]!);
    const fill = this.start.slice(0, df.length);
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      for (let p = rawStart[o]!; p < rawStart[o + 1]!; p++) this.post[fill[rawTri[p]!]!++] = i;
    }
    this.idf = new Float32Array(df.length);
    for (let t = 0; t < df.length; t++) this.idf[t] = Math.log(1 + n / (1 + df[t]!));
    this.buildMs = performance.now() - t0;
  }

  get size(): number {
    return this.keys.length;
  }

  get bytes(): number {
    return this.keys.byteLength + this.triCount.byteLength + this.firstWithCount.byteLength + this.start.byteLength + this.post.byteLength + this.extraBytes.byteLength + this.extraOff.byteLength + this.idf.byteLength;
  }

  private keyText(i: number): string {
    const id = this.keys[i]!;
    return id >= 0 ? this.lex.norm.key(id) : this.extraBytes.toString('latin1', this.extraOff[-1 - id]!, this.extraOff[-id]!);
  }

  /**
   * The number of key i's distinct trigrams that the query has, recounted from the key's bytes (a forward index of
   * every key's trigrams would cost a third of the index's memory); with `idf`, their weight instead, and the weight
   * of all the key's trigrams in `keyWeight`.
   */
  private shared(i: number, inQuery: Uint8Array, idf?: Float32Array): number {
    const id = this.keys[i]!;
    const norm = this.lex.norm;
    const bytes = id >= 0 ? norm.bytes() : this.extraBytes;
    const s = id >= 0 ? norm.keyStart(id) : this.extraOff[-1 - id]!;
    const len = (id >= 0 ? norm.keyEnd(id) : this.extraOff[-id]!) - s;
    const seen = (this.seen ??= new Uint32Array(ALPHA ** 3));
    if (++this.stamp === 0xffffffff) {
      seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    let shared = 0;
    let kw = 0;
    let a = 0;
    let b = code(bytes[s]!);
    for (let k = 1; k <= len; k++) {
      const c = k < len ? code(bytes[s + k]!) : 0;
      const t = (a * ALPHA + b) * ALPHA + c;
      a = b;
      b = c;
      if (seen[t] === stamp) continue;
      seen[t] = stamp;
      if (idf) {
        kw += idf[t]!;
        if (inQuery[t]) shared += idf[t]!;
      } else shared += inQuery[t]!;
    }
    this.keyWeight = kw;
    return shared;
  }

  /** First position in posting list [p, e) whose key has at least `count` trigrams. */
  private lowerBound(p: number, e: number, count: number): number {
    // a list holds key ids in ascending order, so this compares ids with the first id of that length
    const first = count <= 0 ? 0 : count > MAX_KEY + 1 ? this.keys.length : this.firstWithCount[count]!;
    const post = this.post;
    while (p < e) {
      const mid = (p + e) >>> 1;
      if (post[mid]! < first) p = mid + 1;
      else e = mid;
    }
    return p;
  }

  /** Keys with IDF-weighted trigram Dice ≥ `minScore`, best first (at most `limit`). */
  search(query: string, minScore = 0.6, limit = 20): NgramHit[] {
    const q = trigramsOf(query);
    const m = q.length;
    if (m < 3) return [];
    // A key with n trigrams passes the plain-Dice floor f with c ≥ need(n) = ⌈f(m+n)/2⌉ shared ones (so
    // n lies in [minLen, maxLen]). Then it shares ≥ SLACK+1 of the query's m − need(n) + 1 + SLACK rarest
    // trigrams: only that prefix of lists is read for keys of length n, and keys counted fewer times drop.
    const f = Math.max(0.3, minScore - 0.15);
    const need = (n: number) => Math.ceil((f * (m + n)) / 2 - 1e-9);
    const minLen = Math.ceil((f * m) / (2 - f) - 1e-9);
    const maxLen = Math.floor((m * (2 - f)) / f + 1e-9);
    const { start, post, triCount } = this; // locals: these loops are the linker's hottest
    const byRarity = [...q].sort((a, b) => start[a + 1]! - start[a]! - (start[b + 1]! - start[b]!));
    const counts = (this.counts ??= new Uint16Array(this.keys.length));
    const touched = (this.touched ??= new Int32Array(this.keys.length));
    let nt = 0;
    // A hit's IDF-weighted overlap is ≥ minScore(qw + kw)/2 with kw ≥ overlap, so ≥ minScore·qw/(2 − minScore):
    // once the lists left to read weigh less than that, they add to counts but bring no new key.
    let qw = 0;
    for (let j = 0; j < m; j++) qw += this.idf[q[j]!]!;
    const minOverlap = ((minScore * qw) / (2 - minScore)) * (1 - 1e-6);
    let rest = qw;
    for (let j = 0; j < m; j++) {
      // list j is read for the lengths n with need(n) ≤ m − j + SLACK
      const top = Math.min(maxLen, Math.floor((2 * (m - j + SLACK)) / f - m + 1e-9));
      if (top < minLen) break;
      const t = byRarity[j]!;
      const e = this.lowerBound(start[t]!, start[t + 1]!, top + 1);
      // Keys of length n with need(n) > m − j are past their minimal prefix here: one that shares need(n)
      // trigrams with the query has one among the m − need(n) + 1 rarest, so it was counted already, and one not
      // counted yet cannot pass the Dice floor. Those only add to a count (fewer keys to check, same hits).
      let late = Math.max(minLen, Math.floor((2 * (m - j)) / f - m) - 1);
      while (late <= top && need(late) <= m - j) late++;
      if (rest < minOverlap) late = minLen;
      rest -= this.idf[t]!;
      const b = this.lowerBound(start[t]!, e, late);
      for (let p = this.lowerBound(start[t]!, b, minLen); p < b; p++) {
        const i = post[p]!;
        if (counts[i]++ === 0) touched[nt++] = i;
      }
      for (let p = b; p < e; p++) {
        const i = post[p]!;
        if (counts[i] !== 0) counts[i]++;
      }
    }
    const inQuery = (this.mark ??= new Uint8Array(ALPHA ** 3));
    for (let j = 0; j < m; j++) inQuery[q[j]!] = 1;
    // survivors: the exact plain Dice as the filter, the IDF-weighted one as the score (best few hundred)
    const pre: { i: number; dice: number }[] = [];
    for (let k = 0; k < nt; k++) {
      const i = touched[k]!;
      const c = counts[i]!;
      counts[i] = 0;
      if (c <= SLACK && c < need(triCount[i]!)) continue;
      const shared = this.shared(i, inQuery);
      const dice = (2 * shared) / (m + triCount[i]!);
      if (dice >= f) pre.push({ i, dice });
    }
    pre.sort((a, b) => b.dice - a.dice);
    const hits: NgramHit[] = [];
    for (const { i } of pre.slice(0, 300)) {
      const inter = this.shared(i, inQuery, this.idf);
      const kw = this.keyWeight;
      const score = (2 * inter) / (qw + kw);
      if (score >= minScore) hits.push({ key: this.keys[i]!, text: this.keyText(i), score });
    }
    for (let j = 0; j < m; j++) inQuery[q[j]!] = 0;
    hits.sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : 1));
    return hits.slice(0, limit);
  }
}
