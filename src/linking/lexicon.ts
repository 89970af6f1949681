/**
 * The in-memory lexicon, read from lexicons/lexicon.bin.gz (plus the PharmGKB rows in pharmgkb.json.gz).
 *
 * The binary file is used as is: concept fields are typed-array views, names and codes are decoded on demand,
 * and the name indexes are sorted key blobs, binary-searched until hash tables are built for them (after the first
 * lookups, or by `prepare()`), so loading is one gunzip and a scan for line starts, and memory is about the size of the
 * unpacked file. Loaded lazily and cached per directory and aliases file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { packagePath } from '../core/paths.js';
import type { Codes, CodeSystem, EntityType } from '../core/types.js';
import { CODE_SYSTEMS } from '../core/types.js';
import { ALIASES_FILE, LEXICON_FORMAT, parseCodes, unpackContainer, type AliasesFile, type LexiconHeader, type LexiconSystem, type PharmgkbFile, type SourceInfo } from './format.js';
import { bagKeyFromTokens, NORMALIZER_VERSION, normTokens } from './normalize.js';

export const LEXICON_FILE = 'lexicon.bin.gz';
export const PHARMGKB_FILE = 'pharmgkb.json.gz';

/** How a name relates to its concept: 0 preferred name, 1 curated synonym, 2 lower-confidence name. */
export type NameTier = 0 | 1 | 2;

/** A hit in a name index: concept index and tier, packed as `concept * 4 + tier`. */
export type Posting = number;
export const postingConcept = (p: Posting): number => p >>> 2;
export const postingTier = (p: Posting): NameTier => (p & 3) as NameTier;
export const makePosting = (concept: number, tier: NameTier): Posting => concept * 4 + tier;
/** Postings as the lookups return them: read-only, an array or a view into the index. */
export type Postings = Readonly<ArrayLike<Posting>> & Iterable<Posting>;
const NO_POSTINGS: Postings = Object.freeze([]);

const NL = 10;

/** Byte offsets of the starts of `count` newline-terminated lines (plus the end). */
function lineStarts(buf: Buffer, count: number): Uint32Array {
  const out = new Uint32Array(count + 1);
  let line = 0;
  // Buffer.indexOf scans natively (memchr), several times faster than a byte loop in JavaScript
  for (let i = buf.indexOf(NL); i >= 0 && line < count; i = buf.indexOf(NL, i + 1)) out[++line] = i + 1;
  if (line !== count) throw new Error(`lexicon: expected ${count} lines, found ${line}`);
  return out;
}

function view<T extends Int8Array | Uint8Array | Uint16Array | Uint32Array>(
  Ctor: { new (b: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number },
  b: Buffer,
): T {
  return new Ctor(b.buffer, b.byteOffset, b.byteLength / Ctor.BYTES_PER_ELEMENT);
}

/** FNV-1a over a string's UTF-16 code units (the keys are ASCII, so it equals the hash of their bytes). */
function hashString(q: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < q.length; i++) h = Math.imul(h ^ q.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** A corpus alias: the concept a mention string links to, and the id ("system:id") the corpora gave it. */
export interface CorpusAlias {
  concept: number;
  code: string | undefined;
}

/** Lookups before a key index builds its hash table (`KeyIndex.find`). */
const HASH_AFTER = 2000;

/** A sorted, newline-separated ASCII key blob with postings; lookup through a hash table built once it pays. */
export class KeyIndex {
  readonly size: number;
  private readonly off: Uint32Array;
  private readonly start: Uint32Array;
  /**
   * Open addressing, linear probing, two thirds full: per slot, key id + 1 in the low `idBits` bits (0: empty) and
   * the top bits of the key's hash above them, so a probe rarely needs to compare key bytes.
   */
  private slots: Uint32Array | undefined;
  private lookups = 0;
  private readonly idBits: number;

  constructor(
    private readonly blob: Buffer,
    count: Uint16Array,
    private readonly post: Uint32Array,
  ) {
    this.size = count.length;
    this.idBits = Math.max(1, Math.ceil(Math.log2(this.size + 2)));
    this.off = lineStarts(blob, this.size);
    this.start = new Uint32Array(this.size + 1);
    for (let i = 0; i < this.size; i++) this.start[i + 1] = this.start[i]! + count[i]!;
  }

  private compare(q: string, id: number): number {
    const s = this.off[id]!;
    const len = this.off[id + 1]! - 1 - s;
    const n = Math.min(q.length, len);
    const b = this.blob;
    for (let i = 0; i < n; i++) {
      const d = q.charCodeAt(i) - b[s + i]!;
      if (d !== 0) return d;
    }
    return q.length - len;
  }

  /** Builds the hash table now (servers do it at start). */
  prepare(): void {
    this.slots ??= this.buildSlots();
  }

  /**
   * Key id, or -1. The first lookups binary-search the sorted blob: a command-line run on one sentence looks up a few
   * dozen keys, and building the hash table costs more than a second of lookups (about 0.25 s per index on a slow
   * 2-core machine, most of it cache misses); after HASH_AFTER lookups the table is built.
   */
  find(q: string): number {
    const slots = this.slots ?? (++this.lookups > HASH_AFTER ? (this.slots = this.buildSlots()) : undefined);
    if (!slots) return this.search(q);
    const h = hashString(q);
    const tag = this.tagOf(h);
    const idMask = 2 ** this.idBits - 1;
    for (let i = h % slots.length; ; i = i + 1 === slots.length ? 0 : i + 1) {
      const slot = slots[i]!;
      if (slot === 0) return -1;
      const id = (slot & idMask) - 1;
      if (slot - (slot & idMask) === tag && this.compare(q, id) === 0) return id;
    }
  }

  /** Binary search of the blob, whose keys are sorted by their bytes (`compare`'s order). */
  search(q: string): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.compare(q, mid);
      if (d === 0) return mid;
      if (d > 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The hash's top bits, in place above the id bits. */
  private tagOf(h: number): number {
    return (h >>> this.idBits) * 2 ** this.idBits;
  }

  private buildSlots(): Uint32Array {
    const slots = new Uint32Array(Math.ceil(this.size * 1.5) + 1);
    for (let id = 0; id < this.size; id++) {
      const h = hashBytes(this.blob, this.off[id]!, this.off[id + 1]! - 1);
      let i = h % slots.length;
      while (slots[i] !== 0) i = i + 1 === slots.length ? 0 : i + 1;
      slots[i] = this.tagOf(h) + id + 1;
    }
    return slots;
  }

  key(id: number): string {
    return this.blob.toString('latin1', this.off[id]!, this.off[id + 1]! - 1);
  }

  /** Raw key bytes [keyStart, keyEnd) in `bytes()`. */
  keyStart(id: number): number {
    return this.off[id]!;
  }

  keyEnd(id: number): number {
    return this.off[id + 1]! - 1;
  }

  bytes(): Uint8Array {
    return this.blob;
  }

  postings(id: number): Uint32Array {
    return this.post.subarray(this.start[id]!, this.start[id + 1]!);
  }
}

export interface LexiconStats {
  concepts: number;
  names: number;
  normKeys: number;
  bagKeys: number;
  abbreviations: number;
  pharmgkbRows: number;
  /** Corpus aliases attached (0 without corpus-aliases.json.gz). */
  aliases: number;
  /** Compressed bytes on disk (the lexicon and its side files). */
  fileBytes: number;
  /** Unpacked bytes held in memory. */
  unpackedBytes: number;
  loadMs: number;
}

interface Extra {
  names: string[];
  nHigh: number;
  codes: string;
}

export class Lexicon {
  readonly types: readonly EntityType[];
  readonly sources: readonly SourceInfo[];
  readonly notice: string;
  /** Per concept: index into `types`, or -1 (untyped MeSH descriptor). */
  readonly ctype: Int8Array;
  readonly prior: Uint8Array;
  readonly abbreviations = new Map<string, string[]>();
  readonly norm: KeyIndex;
  readonly bag: KeyIndex;
  /** Number of concepts in the binary file; PharmGKB-only concepts come after. */
  readonly baseConcepts: number;
  private readonly nHigh: Uint16Array;
  private readonly nameStart: Uint32Array;
  private readonly nameOff: Uint32Array;
  private readonly namesBlob: Buffer;
  private readonly codeOff: Uint32Array;
  private readonly codesBlob: Buffer;
  /** PharmGKB additions: names and codes by concept (attached or new). */
  private readonly extra = new Map<number, Extra>();
  /** PharmGKB name keys (few thousand) in plain maps. */
  readonly extraNorm = new Map<string, number[]>();
  readonly extraBag = new Map<string, number[]>();
  stats: LexiconStats;

  constructor(buf: Buffer, pharmgkb?: PharmgkbFile, fileBytes = 0) {
    const t0 = performance.now();
    if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf); // typed views need aligned sections
    const { header, section } = unpackContainer(buf);
    checkHeader(header);
    this.types = header.types;
    this.sources = header.sources;
    this.notice = header.notice;
    const C = header.counts.concepts;
    this.baseConcepts = C;
    const newRows = pharmgkb?.rows.filter((r) => r[0] < 0).length ?? 0;
    this.ctype = new Int8Array(C + newRows);
    this.ctype.set(view(Int8Array, section('ctype')));
    this.prior = new Uint8Array(C + newRows);
    this.prior.set(view(Uint8Array, section('prior')));
    this.nHigh = view(Uint16Array, section('nHigh'));
    const nNames = view(Uint16Array, section('nNames'));
    this.nameStart = new Uint32Array(C + 1);
    for (let c = 0; c < C; c++) this.nameStart[c + 1] = this.nameStart[c]! + nNames[c]!;
    this.namesBlob = section('names');
    this.nameOff = lineStarts(this.namesBlob, header.counts.names);
    this.codesBlob = section('codes');
    this.codeOff = lineStarts(this.codesBlob, C);
    this.norm = new KeyIndex(section('normKeys'), view(Uint16Array, section('normCount')), view(Uint32Array, section('normPost')));
    this.bag = new KeyIndex(section('bagKeys'), view(Uint16Array, section('bagCount')), view(Uint32Array, section('bagPost')));
    for (const [abbr, ...exp] of header.abbreviations) this.abbreviations.set(abbr!, exp);
    if (pharmgkb) this.attachPharmgkb(pharmgkb);
    this.stats = {
      concepts: this.ctype.length,
      names: header.counts.names,
      normKeys: header.counts.normKeys,
      bagKeys: header.counts.bagKeys,
      abbreviations: this.abbreviations.size,
      pharmgkbRows: pharmgkb?.rows.length ?? 0,
      aliases: 0,
      fileBytes,
      unpackedBytes: buf.length,
      loadMs: performance.now() - t0,
    };
  }

  private attachPharmgkb(p: PharmgkbFile): void {
    const drug = this.types.indexOf('DRUG');
    let next = this.baseConcepts;
    const stored = p.normalizer === NORMALIZER_VERSION;
    for (const [attach, prior, codes, names, nHigh, keys] of p.rows) {
      let c = attach;
      if (c < 0) {
        c = next++;
        this.ctype[c] = drug;
        this.prior[c] = prior;
      } else {
        if (this.ctype[c] === -1) this.ctype[c] = drug;
        this.prior[c] = Math.min(100, this.prior[c]! + 10);
      }
      const prev = this.extra.get(c);
      if (prev) {
        prev.names.push(...names);
        prev.codes = mergeCodes(prev.codes, codes);
      } else this.extra.set(c, { names: [...names], nHigh, codes });
      names.forEach((name, j) => {
        const tier = attach < 0 && j === 0 && !prev ? 0 : j < nHigh ? 1 : 2;
        const k = stored && keys ? keys[j]! : pharmgkbNameKeys(name);
        if (!k) return;
        const tab = k.indexOf('\t');
        addTo(this.extraNorm, k.slice(0, tab), c * 4 + tier);
        if (tab + 1 < k.length) addTo(this.extraBag, k.slice(tab + 1), c * 4 + tier);
      });
    }
  }

  get size(): number {
    return this.ctype.length;
  }

  /** Corpus aliases: (type, normalised text) → concept and the corpora's id, learned from annotated splits (corpus-aliases.json.gz). */
  private readonly aliases = new Map<string, CorpusAlias>();

  /** Concept → the entity types whose corpus aliases point to it (bit i: `types[i]`). */
  private readonly aliasTypes = new Map<number, number>();

  setAliases(file: AliasesFile): void {
    for (const [type, key, concept, , code] of file.rows) {
      if (concept >= this.size) continue;
      this.aliases.set(`${type}\u0000${key}`, { concept, code });
      const t = this.types.indexOf(type);
      if (t >= 0) this.aliasTypes.set(concept, (this.aliasTypes.get(concept) ?? 0) | (1 << t));
    }
    this.stats.aliases = this.aliases.size;
  }

  /** Whether the annotated corpora name concept c by a mention of this type (through a corpus alias). */
  aliasedAs(c: number, type: EntityType): boolean {
    const t = this.types.indexOf(type);
    return t >= 0 && ((this.aliasTypes.get(c) ?? 0) & (1 << t)) !== 0;
  }

  alias(type: EntityType, normKey: string): CorpusAlias | undefined {
    return this.aliases.get(`${type}\u0000${normKey}`);
  }

  typeOf(c: number): EntityType | null {
    const t = this.ctype[c]!;
    return t < 0 ? null : this.types[t]!;
  }

  /** Concepts with a name whose normalised form is `key` (a view into the index when it is the only source: no copy). */
  lookupNorm(key: string): Postings {
    const id = this.norm.find(key);
    const x = this.extraNorm.get(key);
    if (id < 0) return x ?? NO_POSTINGS;
    const own = this.norm.postings(id);
    return x ? [...own, ...x] : own;
  }

  /** Concepts with a name whose bag of words is `key` (names whose normKey already is that bag included). */
  lookupBag(key: string): Postings {
    const norm = this.lookupNorm(key);
    const id = this.bag.find(key);
    const x = this.extraBag.get(key);
    if (id < 0 && !x) return norm;
    return [...norm, ...(id >= 0 ? this.bag.postings(id) : NO_POSTINGS), ...(x ?? NO_POSTINGS)];
  }

  /** The concept's names, preferred first, PharmGKB additions last (at most `limit`). */
  names(c: number, limit = Infinity): string[] {
    const out: string[] = [];
    if (c < this.baseConcepts) {
      for (let j = this.nameStart[c]!; j < this.nameStart[c + 1]! && out.length < limit; j++) out.push(this.name(j));
    }
    const x = this.extra.get(c);
    if (x) for (const n of x.names) if (out.length < limit) out.push(n);
    return out;
  }

  /** Number of curated names (preferred included) at the start of `names(c)`. */
  curatedCount(c: number): number {
    return c < this.baseConcepts ? this.nHigh[c]! : (this.extra.get(c)?.nHigh ?? 1);
  }

  private name(j: number): string {
    return this.namesBlob.toString('utf8', this.nameOff[j]!, this.nameOff[j + 1]! - 1);
  }

  preferredName(c: number): string {
    if (c < this.baseConcepts) return this.name(this.nameStart[c]!);
    return this.extra.get(c)?.names[0] ?? '';
  }

  codesString(c: number): string {
    const own = c < this.baseConcepts ? this.codesBlob.toString('utf8', this.codeOff[c]!, this.codeOff[c + 1]! - 1) : '';
    const x = this.extra.get(c);
    return x ? mergeCodes(own, x.codes) : own;
  }

  /** All codes of a concept (lexicon systems; the first id of each is the preferred one). */
  allCodes(c: number): Map<LexiconSystem, string[]> {
    return parseCodes(this.codesString(c));
  }

  /** The Entity.codes view: one id per code system (from `allCodes(c)`, or the result of it when at hand). */
  entityCodes(c: number, all = this.allCodes(c)): Codes {
    const out: Codes = {};
    for (const [sys, ids] of all) {
      if ((CODE_SYSTEMS as readonly string[]).includes(sys) && ids[0]) out[sys as CodeSystem] = ids[0];
    }
    return out;
  }

  /** A concept as a plain object (for inspection, tests and tools). */
  concept(c: number): { index: number; type: EntityType | null; preferred_name: string; synonyms: string[]; codes: Record<string, string[]>; prior: number } {
    const names = this.names(c);
    return {
      index: c,
      type: this.typeOf(c),
      preferred_name: names[0] ?? '',
      synonyms: names.slice(1),
      codes: Object.fromEntries(this.allCodes(c)),
      prior: this.prior[c]!,
    };
  }
}

function checkHeader(h: LexiconHeader): void {
  if (h.format !== LEXICON_FORMAT) throw new Error(`not a ${LEXICON_FORMAT} file`);
  if (h.normalizer !== NORMALIZER_VERSION) {
    throw new Error(`lexicon keys were built with normalizer v${h.normalizer} but the code has v${NORMALIZER_VERSION}: run npm run build:lexicon`);
  }
}

/**
 * A PharmGKB name's lookup keys as pharmgkb.json.gz stores them (computed at build time: normalising its 30,000 names
 * took a quarter of a second of every load): "key\tbag", the bag key empty when it equals the key; "" if none.
 */
export function pharmgkbNameKeys(name: string): string {
  const toks = normTokens(name);
  if (!toks.length) return '';
  const nk = toks.join(' ');
  const bk = bagKeyFromTokens(toks, true);
  return `${nk}\t${bk && bk !== nk ? bk : ''}`;
}

function addTo(map: Map<string, number[]>, key: string, p: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [p]);
  else if (!list.some((x) => x >>> 2 === p >>> 2)) list.push(p);
}

function mergeCodes(a: string, b: string): string {
  const ca = parseCodes(a);
  for (const [sys, ids] of parseCodes(b)) {
    const list = ca.get(sys) ?? [];
    for (const id of ids) if (!list.includes(id)) list.push(id);
    ca.set(sys, list);
  }
  return [...ca].map(([s, ids]) => `${s}=${ids.join(',')}`).join(';');
}

/** The size the gzip trailer states, when it can be one buffer's. */
function gunzippedSize(gz: Buffer): number {
  const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return size > 0 && size < 2 ** 31 ? size : 0;
}

/** gunzip into one buffer of the size the gzip trailer states (no chunk list, no copy, lower peak RSS). */
function gunzipExact(gz: Buffer): Buffer {
  const size = gunzippedSize(gz);
  if (size) {
    const out = gunzipSync(gz, { chunkSize: Math.max(64 * 1024, size + 1) });
    if (out.length === size) return out;
  }
  return gunzipSync(gz);
}

const gunzipAsync = promisify(gunzip);

/** `gunzipExact` on libuv's thread pool. */
async function gunzipExactAsync(gz: Buffer): Promise<Buffer> {
  const size = gunzippedSize(gz);
  if (size) {
    const out = await gunzipAsync(gz, { chunkSize: Math.max(64 * 1024, size + 1) });
    if (out.length === size) return out;
  }
  return gunzipAsync(gz);
}

export function defaultLexiconDir(): string {
  return process.env.MEDICAL_NER_LEXICONS ?? packagePath('lexicons');
}

const cache = new Map<string, Lexicon>();

/** A gzipped JSON file built from the lexicon whose sha256 it records; ignored, with a warning, if that is another lexicon. */
function loadSideFile<T extends { lexicon_sha256: string }>(dir: string, name: string, sha: string, rebuild: string): { data: T; bytes: number } | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  const raw = readFileSync(path);
  const data = JSON.parse(gunzipSync(raw).toString('utf8')) as T;
  if (data.lexicon_sha256 === sha) return { data, bytes: raw.length };
  console.warn(`${name} was built for another ${LEXICON_FILE}; ignoring it (run ${rebuild})`);
  return undefined;
}
/**
 * The corpus aliases file the lexicon loads: ALIASES_FILE, or the one $MEDICAL_NER_ALIASES names (`eval --split dev`
 * sets it to ALIASES_TRAIN_FILE, the aliases learned without the dev splits).
 */
export function aliasesFileName(): string {
  return process.env.MEDICAL_NER_ALIASES || ALIASES_FILE;
}

/** Load (once per directory and aliases file) the lexicon and, when present and built for it, the PharmGKB rows and the corpus aliases. */
export function loadLexicon(dir = defaultLexiconDir()): Lexicon {
  const key = lexiconKey(dir);
  const hit = cache.get(key);
  if (hit) return hit;
  const t0 = performance.now();
  const gz = readLexiconFile(dir);
  return assembleLexicon(dir, key, gz, gunzipExact(gz), t0);
}

const pending = new Map<string, Promise<Lexicon>>();

/**
 * `loadLexicon` with its gunzip, the largest part of it, on libuv's thread pool, so that it overlaps what the caller
 * does meanwhile on the main thread: `pipeline()` loads the ONNX models (a one-sentence command-line run: about
 * 0.16 s less). Once it has resolved, `loadLexicon` returns the same lexicon.
 */
export function prefetchLexicon(dir = defaultLexiconDir()): Promise<Lexicon> {
  const key = lexiconKey(dir);
  const hit = cache.get(key);
  if (hit) return Promise.resolve(hit);
  let p = pending.get(key);
  if (!p) {
    const t0 = performance.now();
    p = (async () => {
      const gz = readLexiconFile(dir);
      const raw = await gunzipExactAsync(gz);
      return cache.get(key) ?? assembleLexicon(dir, key, gz, raw, t0);
    })().finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

/** The load `prefetchLexicon` started for this directory, while it runs. */
export function pendingLexicon(dir = defaultLexiconDir()): Promise<Lexicon> | undefined {
  return pending.get(lexiconKey(dir));
}

function lexiconKey(dir: string): string {
  return `${dir}\u0000${aliasesFileName()}`;
}

function readLexiconFile(dir: string): Buffer {
  const path = join(dir, LEXICON_FILE);
  if (!existsSync(path)) throw new Error(`lexicon not found at ${path}: run npm run build:lexicon`);
  return readFileSync(path);
}

function assembleLexicon(dir: string, key: string, gz: Buffer, raw: Buffer, t0: number): Lexicon {
  const sha = createHash('sha256').update(gz).digest('hex');
  const pgkb = loadSideFile<PharmgkbFile>(dir, PHARMGKB_FILE, sha, 'npm run build:lexicon');
  const aliases = loadSideFile<AliasesFile>(dir, aliasesFileName(), sha, 'npx tsx scripts/build-aliases.ts');
  const lex = new Lexicon(raw, pgkb?.data, gz.length + (pgkb?.bytes ?? 0) + (aliases?.bytes ?? 0));
  if (aliases) lex.setAliases(aliases.data);
  lex.stats.loadMs = performance.now() - t0;
  cache.set(key, lex);
  return lex;
}
