/**
 * Transformer NER served with onnxruntime-node. The model directory holds `model.onnx`, `vocab.txt`
 * and `config.json` (see models/<name>/MODEL_CARD.md). The network has one O/B/I head per entity type
 * (logits [batch, seq, types, 3]), so types never compete for a token and nested mentions survive.
 *
 * Long texts are cut into windows of `max_length` pieces with overlap; each piece takes its tags from
 * the window where it sits farthest from an edge, so no text is ever silently truncated.
 *
 * A model may also ship corpus heads, `heads/<corpus>.onnx`: its top encoder layers and tagging head trained on
 * one corpus alone, over the vectors of the layer below (the graph output named `input` in `heads/heads.json`),
 * so entities follow that corpus's annotation conventions (as scispaCy ships a model per corpus). They are models
 * of their own name, `<model>:<corpus>`, and replace the shared head's logits for the types that corpus annotates
 * (listed in `heads/heads.json`); the other types keep the shared head's (training/train_corpus_heads.py).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LexiconCheck } from '../../core/component.js';
import { makeEntity } from '../../core/doc.js';
import { MedicalNerError } from '../../core/errors.js';
import { ortSessionOptions } from '../../core/ort-session.js';
import { packagePath } from '../../core/paths.js';
import { setTokenStates, type TokenStates } from '../../core/token-states.js';
import type { Doc, Entity, EntityType } from '../../core/types.js';
import { isEntityType } from '../../core/types.js';
import type { Piece } from '../../text/wordpiece.js';
import { WordPieceTokenizer } from '../../text/wordpiece.js';
import { nerModels } from '../model.js';
import type { NerModel } from '../model.js';

export interface OnnxNerConfig {
  name: string;
  types: string[];
  tags: string[];
  max_length: number;
  do_lower_case: boolean;
  strip_accents?: boolean;
  inputs: string[];
  output: string;
  cls_id?: number;
  sep_id?: number;
  pad_id?: number;
  /** Pieces shared by consecutive windows (default max_length / 4); chosen on dev per model. */
  stride?: number;
  /** Output with one encoder layer's hidden states [batch, seq, dim], kept for the relation heads when asked (token-states.ts). */
  hidden_output?: string;
  /** Default of the `lexicon-check` component for this model (PipelineOptions.lexiconCheck), chosen on dev. */
  lexicon_check?: LexiconCheck;
  /**
   * Types that take a span from other types whatever the confidences, e.g. `{"DISEASE": ["ANATOMY"]}`: AnatEM,
   * one of the training corpora, files tumours as anatomy, so both heads fire on "breast cancer".
   */
  clash_wins?: Record<string, string[]>;
  /**
   * Clashes on one span that the lexicon decides, e.g. `{"LAB_TEST": ["GENE"]}`: the surer type keeps the span as
   * usual but records the other as `attributes.alt_type` (with `alt_confidence`), and the `lexicon-check` step keeps
   * the type only if the lexicon links the text to a concept of that type. A protein name is a lab test in a note
   * ("C-reactive protein") and a gene in an abstract ("c-jun"), and the model's confidences do not tell them apart.
   */
  clash_lexicon?: Record<string, string[]>;
}

export interface OnnxNerOptions {
  /** Pieces shared by consecutive windows. */
  stride?: number;
  /** Windows per inference call. */
  batchSize?: number;
  /** Threads for onnxruntime (default 2). */
  threads?: number;
  /** Use this .onnx file instead of `<dir>/model.onnx` (same tokenizer and config; used by the benchmark). */
  modelFile?: string;
  /** A corpus head, `<dir>/heads/<head>.onnx`, in place of the shared tagging head. */
  head?: string;
  /**
   * Folders of further models with the same vocabulary, windows and types: their tag log-probabilities are averaged
   * with this model's, window by window (an ensemble, models/ensembles.json). Hidden states stay this model's.
   */
  members?: string[];
  /** The name entities and errors report (an ensemble's); hidden states keep this model's own. */
  name?: string;
}

interface Window {
  from: number; // first piece index
  to: number; // one past the last piece index
}

export class OnnxNerModel implements NerModel {
  readonly types: EntityType[];
  readonly lexiconCheck?: LexiconCheck;
  keepTokenStates: readonly string[] = [];
  private constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly config: OnnxNerConfig,
    private readonly opts: Required<Omit<OnnxNerOptions, 'head' | 'members' | 'name'>>,
    private readonly head?: CorpusHead,
    private readonly members: ort.InferenceSession[] = [],
  ) {
    this.types = config.types.filter(isEntityType);
    if (config.lexicon_check) this.lexiconCheck = config.lexicon_check;
  }

  static async load(dir: string, opts: OnnxNerOptions = {}): Promise<OnnxNerModel> {
    const modelFile = opts.modelFile ?? join(dir, 'model.onnx');
    for (const f of [modelFile, join(dir, 'vocab.txt'), join(dir, 'config.json')]) {
      if (!existsSync(f)) throw new MedicalNerError('MODEL_NOT_FOUND', `model file ${f} not found`);
    }
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as OnnxNerConfig;
    const tokenizer = new WordPieceTokenizer(readFileSync(join(dir, 'vocab.txt'), 'utf8').split(/\r?\n/), {
      lowercase: config.do_lower_case,
      stripAccents: config.strip_accents ?? config.do_lower_case,
    });
    if (opts.head !== undefined && opts.members?.length) throw new MedicalNerError('INVALID_OPTION', `model ${config.name}: a corpus head and ensemble members cannot be combined`);
    const threads = opts.threads ?? 2;
    const sessionOptions = ortSessionOptions(threads, {}, !opts.members?.length);
    let head: CorpusHead | undefined;
    if (opts.head !== undefined) {
      const entry = corpusHeadIndex(dir)[opts.head];
      if (!entry) {
        throw new MedicalNerError('MODEL_NOT_FOUND', `model ${config.name} has no corpus head "${opts.head}"; it has: ${corpusHeads(dir).join(', ') || '(none)'}`);
      }
      const own = new Uint8Array(config.types.length);
      config.types.forEach((t, i) => (own[i] = entry.types.includes(t) ? 1 : 0));
      // one thread: a second spinning thread pool takes the cores the encoder's needs (19.7 against 34 notes/s)
      head = { name: opts.head, input: entry.input, own, session: await ort.InferenceSession.create(join(dir, 'heads', entry.file), ortSessionOptions(1)) };
    }
    const session = await ort.InferenceSession.create(modelFile, sessionOptions);
    if (head && !session.outputNames.includes(head.input)) throw new MedicalNerError('MODEL_NOT_FOUND', `${modelFile} has no output ${head.input} for its corpus head ${head.name}`);
    const members: ort.InferenceSession[] = [];
    for (const m of opts.members ?? []) {
      checkMember(dir, config, m);
      const memberFile = join(m, 'model.onnx');
      members.push(await ort.InferenceSession.create(memberFile, sessionOptions));
    }
    const options = { stride: opts.stride ?? config.stride ?? Math.floor(config.max_length / 4), batchSize: opts.batchSize ?? 8, threads, modelFile };
    return new OnnxNerModel(opts.name ?? config.name, session, tokenizer, config, options, head, members);
  }

  async predict(doc: Doc, types: ReadonlySet<EntityType>, helpers: ReadonlySet<EntityType> = new Set()): Promise<Entity[]> {
    const heads = (set: ReadonlySet<EntityType>) => this.config.types.map((t, i) => [t, i] as const).filter(([t]) => isEntityType(t) && set.has(t));
    const sets = [heads(types), heads(helpers)].filter((w) => w.length);
    if (sets.length === 0) return [];
    const pieces = this.tokenizer.tokenize(doc.text);
    if (pieces.length === 0) return [];
    const { probs, states } = await this.run(pieces, this.keepTokenStates, true);
    for (const st of states) setTokenStates(doc, st, () => this.giveBack(st.data));
    const nTypes = this.config.types.length;
    // one pass of the network; the requested and the helper types are decoded and their clashes resolved apart
    return sets.flatMap((wanted) => {
      const out: Entity[] = [];
      for (const [type, ti] of wanted) {
        for (const span of mergeAdjacent(doc.text, decodeBio(pieces, (p, tag) => probs[(p * nTypes + ti) * 3 + tag]!)).map((x) => trimDangling(doc.text, completeAmount(doc.text, type, x)))) {
          out.push(makeEntity(doc, span, type as EntityType, span.confidence, { attributes: { source: this.head ? `${this.name}:${this.head.name}` : this.name } }));
        }
      }
      return resolveCrossTypeClashes(out, this.config.clash_wins ?? {}, this.config.clash_lexicon ?? {});
    });
  }

  /**
   * The encoder's vectors of a text's pieces (no decoding), one TokenStates per output asked for, in that order
   * (default: config.json's `hidden_output`); empty for a text without pieces.
   */
  async encode(text: string, outputs: readonly string[] = this.config.hidden_output ? [this.config.hidden_output] : []): Promise<TokenStates[]> {
    const missing = outputs.filter((o) => !this.session.outputNames.includes(o));
    if (!outputs.length || missing.length) throw new MedicalNerError('MODEL_NOT_FOUND', `model ${this.name} (${this.opts.modelFile}) has no hidden-state output ${missing.join(', ') || '(config.json hidden_output)'}`);
    const pieces = this.tokenizer.tokenize(text);
    return pieces.length ? (await this.run(pieces, outputs, false)).states : [];
  }

  /** Buffers of released token states, reused by later texts (a few: one per output and text in flight). */
  private readonly statePool: Float32Array[] = [];

  private borrow(n: number): Float32Array {
    const i = this.statePool.findIndex((b) => b.length >= n);
    return i >= 0 ? this.statePool.splice(i, 1)[0]! : new Float32Array(n);
  }

  private giveBack(buffer: Float32Array): void {
    if (this.statePool.length < 8) this.statePool.push(buffer);
  }

  /**
   * Per piece, per type, probabilities of O/B/I: a flat Float32Array [pieces, types, 3]; and the hidden states
   * where the model exports them. Both come from the window where the piece sits farthest from an edge.
   */
  private async run(pieces: Piece[], keep: readonly string[], pooled: boolean): Promise<{ probs: Float32Array; states: TokenStates[] }> {
    const maxInner = this.config.max_length - 2;
    const windows = makeWindows(pieces.length, maxInner, this.opts.stride);
    const nTypes = this.config.types.length;
    const probs = new Float32Array(pieces.length * nTypes * 3);
    const bestMargin = new Int32Array(pieces.length).fill(-1);
    const hiddenNames = keep.filter((o) => this.session.outputNames.includes(o));
    const fetch = [...new Set([this.config.output, ...hiddenNames, ...(this.head ? [this.head.input] : [])])];
    const states: TokenStates[] = [];
    const cls = this.config.cls_id ?? this.tokenizer.id('[CLS]');
    const sep = this.config.sep_id ?? this.tokenizer.id('[SEP]');
    const pad = this.config.pad_id ?? 0;
    for (let b = 0; b < windows.length; b += this.opts.batchSize) {
      const batch = windows.slice(b, b + this.opts.batchSize);
      const seq = Math.max(...batch.map((w) => w.to - w.from)) + 2;
      const ids = new BigInt64Array(batch.length * seq).fill(BigInt(pad));
      const mask = new BigInt64Array(batch.length * seq);
      batch.forEach((w, r) => {
        const len = w.to - w.from;
        ids[r * seq] = BigInt(cls);
        for (let k = 0; k < len; k++) ids[r * seq + 1 + k] = BigInt(pieces[w.from + k]!.id);
        ids[r * seq + len + 1] = BigInt(sep);
        for (let k = 0; k < len + 2; k++) mask[r * seq + k] = 1n;
      });
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', ids, [batch.length, seq]),
        attention_mask: new ort.Tensor('int64', mask, [batch.length, seq]),
      };
      const result = await this.session.run(feeds, fetch);
      const own = result[this.config.output]!.data as Float32Array;
      const logits = this.members.length ? await this.mix(feeds, own) : own;
      const headLogits = this.head ? ((await this.head.session.run({ hidden: result[this.head.input]!, attention_mask: feeds.attention_mask! })).logits!.data as Float32Array) : undefined;
      if (hiddenNames.length && !states.length) {
        const starts = Int32Array.from(pieces, (p) => p.start);
        const ends = Int32Array.from(pieces, (p) => p.end);
        for (const output of hiddenNames) {
          const dim = result[output]!.dims[2]!;
          const n = pieces.length * dim;
          states.push({ model: this.config.name, output, dim, starts, ends, data: pooled ? this.borrow(n) : new Float32Array(n) });
        }
      }
      batch.forEach((w, r) => {
        for (let k = 0; k < w.to - w.from; k++) {
          const p = w.from + k;
          const margin = Math.min(k, w.to - w.from - 1 - k);
          if (margin <= bestMargin[p]!) continue;
          bestMargin[p] = margin;
          for (let t = 0; t < nTypes; t++) {
            const src = ((r * seq + 1 + k) * nTypes + t) * 3;
            softmax3(headLogits && this.head!.own[t] ? headLogits : logits, src, probs, (p * nTypes + t) * 3);
          }
          for (const st of states) {
            const d = st.dim;
            st.data.set((result[st.output]!.data as Float32Array).subarray((r * seq + 1 + k) * d, (r * seq + 2 + k) * d), p * d);
          }
        }
      });
    }
    return { probs, states };
  }

  /**
   * The members' tag log-probabilities averaged with this model's, per piece and type (a normalised geometric
   * mean of the probabilities; softmax3 turns the result back into probabilities).
   */
  private async mix(feeds: Record<string, ort.Tensor>, own: Float32Array): Promise<Float32Array> {
    const all = [own];
    for (const m of this.members) all.push((await m.run(feeds, [this.config.output]))[this.config.output]!.data as Float32Array);
    const out = new Float32Array(own.length);
    for (const l of all) {
      for (let i = 0; i < l.length; i += 3) {
        const a = l[i]!, b = l[i + 1]!, c = l[i + 2]!;
        const m = Math.max(a, b, c);
        const lse = m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
        out[i] += (a - lse) / all.length;
        out[i + 1] += (b - lse) / all.length;
        out[i + 2] += (c - lse) / all.length;
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
    await this.head?.session.release();
    for (const m of this.members) await m.release();
  }
}

/** An ensemble member must read the same pieces and windows and tag the same types in the same order. */
function checkMember(dir: string, config: OnnxNerConfig, member: string): void {
  for (const f of ['model.onnx', 'vocab.txt', 'config.json']) {
    if (!existsSync(join(member, f))) throw new MedicalNerError('MODEL_NOT_FOUND', `ensemble member file ${join(member, f)} not found`);
  }
  const other = JSON.parse(readFileSync(join(member, 'config.json'), 'utf8')) as OnnxNerConfig;
  const same = (k: keyof OnnxNerConfig) => JSON.stringify(other[k]) === JSON.stringify(config[k]);
  const keys: Array<keyof OnnxNerConfig> = ['types', 'tags', 'max_length', 'stride', 'do_lower_case', 'strip_accents', 'output'];
  const differ = keys.filter((k) => !same(k));
  if (!readFileSync(join(member, 'vocab.txt')).equals(readFileSync(join(dir, 'vocab.txt')))) differ.push('vocab.txt' as keyof OnnxNerConfig);
  if (differ.length) throw new MedicalNerError('INVALID_OPTION', `ensemble member ${other.name} differs from ${config.name} in ${differ.join(', ')}`);
}

interface CorpusHead {
  name: string;
  /** The graph output the head reads: the vectors of the layer below the ones it re-trained. */
  input: string;
  /** Per type of the model: 1 where the head serves it (its corpus annotates the type). */
  own: Uint8Array;
  session: ort.InferenceSession;
}

/** `heads/heads.json` of a model folder: per corpus head, its file, the graph output it reads and the types it serves. */
function corpusHeadIndex(dir: string): Record<string, { file: string; input: string; types: string[] }> {
  const f = join(dir, 'heads', 'heads.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, { file: string; input: string; types: string[] }>) : {};
}

/** Names of the corpus heads shipped with a model folder. */
export function corpusHeads(dir: string): string[] {
  return Object.keys(corpusHeadIndex(dir)).sort();
}

export function makeWindows(n: number, size: number, stride: number): Window[] {
  if (n <= size) return [{ from: 0, to: n }];
  const step = Math.max(1, size - stride);
  const out: Window[] = [];
  for (let from = 0; ; from += step) {
    const to = Math.min(n, from + size);
    out.push({ from: Math.max(0, to - size), to });
    if (to === n) break;
  }
  return out;
}

function softmax3(src: Float32Array, i: number, dst: Float32Array, j: number): void {
  const a = src[i]!, b = src[i + 1]!, c = src[i + 2]!;
  const m = Math.max(a, b, c);
  const ea = Math.exp(a - m), eb = Math.exp(b - m), ec = Math.exp(c - m);
  const s = ea + eb + ec;
  dst[j] = ea / s;
  dst[j + 1] = eb / s;
  dst[j + 2] = ec / s;
}


/**
 * BIO decoding over pieces for one type, constrained (Viterbi): the most probable tag sequence in which I
 * never follows O and a word is never split (a "##" piece continues its word's tag: I inside an entity, O
 * outside), so entities always cover whole words. Confidence is the mean of max(P(B), P(I)) over the
 * entity's pieces. (Chosen over greedy per-piece argmax on dev: strict micro F1 +1.2 BC5CDR, +2.0
 * MACCROBAT, +3.2 NCBI-disease, +3.1 CHIA.)
 */
export function decodeBio(pieces: Piece[], prob: (piece: number, tag: 0 | 1 | 2) => number): { start: number; end: number; confidence: number }[] {
  const n = pieces.length;
  if (!n) return [];
  const lp = (p: number, t: 0 | 1 | 2) => Math.log(Math.max(prob(p, t), 1e-9));
  // score[p*3+t], back[p*3+t]
  const score = new Float64Array(n * 3).fill(-Infinity);
  const back = new Int8Array(n * 3).fill(-1);
  score[0] = lp(0, 0);
  score[1] = lp(0, 1);
  for (let p = 1; p < n; p++) {
    const cont = pieces[p]!.cont;
    for (const t of [0, 1, 2] as const) {
      let best = -Infinity;
      let arg = -1;
      for (const u of [0, 1, 2] as const) {
        const prev = score[(p - 1) * 3 + u]!;
        if (prev === -Infinity) continue;
        if (t === 2 && u === 0) continue; // I after O
        if (cont && (t === 1 || (t === 0) !== (u === 0))) continue; // inside a word: no B, no switch
        if (prev > best) [best, arg] = [prev, u];
      }
      if (arg >= 0) {
        score[p * 3 + t] = best + lp(p, t);
        back[p * 3 + t] = arg;
      }
    }
  }
  const tags = new Int8Array(n);
  let t = 0;
  for (const u of [1, 2]) if (score[(n - 1) * 3 + u]! > score[(n - 1) * 3 + t]!) t = u;
  for (let p = n - 1; p >= 0; p--) {
    tags[p] = t;
    t = back[p * 3 + t]!;
  }
  const out: { start: number; end: number; confidence: number }[] = [];
  for (let p = 0; p < n; p++) {
    if (tags[p] === 0) continue;
    const start = pieces[p]!.start;
    let sum = Math.max(prob(p, 1), prob(p, 2));
    let q = p + 1;
    while (q < n && tags[q] === 2) sum += Math.max(prob(q, 1), prob(q, 2)), q++;
    out.push({ start, end: pieces[q - 1]!.end, confidence: sum / (q - p) });
    p = q - 1;
  }
  return out;
}

/**
 * Two entities of one type separated by a single space are one entity: the model often opens a second B
 * inside a multi-word name ("butylated | hydroxyanisole", "hemorrhagic | cystitis"). Chosen on dev (strict
 * micro F1 +0.6 BC5CDR, +0.4 MACCROBAT, +3.0 NCBI-disease, +1.7 CHIA, −0.4 BC2GM (whose text is space-joined
 * tokens); a hyphen gap as well: no better).
 */
export function mergeAdjacent<S extends { start: number; end: number; confidence: number }>(text: string, spans: readonly S[]): S[] {
  const out: S[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && last.end + 1 === s.start && text[last.end] === ' ') {
      const a = last.end - last.start;
      const b = s.end - s.start;
      last.confidence = (last.confidence * a + s.confidence * b) / (a + b); // mean over the characters of the parts
      last.end = s.end;
    } else out.push({ ...s });
  }
  return out;
}

const DANGLING = /(?:\s+(?:and|or|of|the|with|in|to|for|by)|\s*[,;:(/])+$/i;

/**
 * An entity does not end in a conjunction, preposition or opening punctuation ("papilloma and", "Li/"):
 * such a tail is cut. Chosen on dev (strict micro F1 +0.1 BC5CDR, +0.4 MACCROBAT, +1.0 CHIA, ±0 NCBI-disease).
 */
export function trimDangling<S extends { start: number; end: number }>(text: string, span: S): S {
  const m = DANGLING.exec(text.slice(span.start, span.end));
  return m && m.index > 0 ? { ...span, end: span.start + m.index } : span;
}

/** A number the model ended before its "%" ("1| % lidocaine": "%" is a word of its own) takes the sign. */
export function withPercent<S extends { start: number; end: number }>(text: string, span: S): S {
  return text[span.end] === '%' && /[0-9]/.test(text[span.end - 1] ?? '') ? { ...span, end: span.end + 1 } : span;
}

/** A dotted abbreviation of single letters: "p.o.", "b.i.d.", "q.h.s" (not "q.da", "mg."). */
const DOTTED = /^(?:[A-Za-z]\.)+[A-Za-z]?\.?$/;

/**
 * A dose the model ended inside a dotted abbreviation ("0.2 mg p|.o.", "500 mg b.|i.d.": each letter and dot is a
 * word of its own to the tokenizer, and the training corpora hold no such abbreviations) runs to its end.
 */
export function withDottedAbbreviation<S extends { start: number; end: number }>(text: string, span: S): S {
  const part = (i: number) => /[A-Za-z.]/.test(text[i] ?? '');
  if (!part(span.end - 1) || !part(span.end)) return span;
  let from = span.end - 1;
  while (from > span.start && part(from - 1)) from--;
  // a word of its own: not the "h." of "q.4-6h." or the "s." of "4's." at a sentence's end
  if (from > 0 && !/[\s(,;:/]/.test(text[from - 1]!)) return span;
  let to = span.end;
  while (to < text.length && to - from < 16 && part(to)) to++;
  return DOTTED.test(text.slice(from, to)) ? { ...span, end: to } : span;
}

const NUMBER_REST = /^[.,]?[0-9]+(?:[.,][0-9]+)*/;
const NUMBER_HEAD = /[0-9]+(?:[.,][0-9]+)*[.,]?$/;

/**
 * An amount never starts or ends inside a number: "0|.25%", "3.|8", "1|.5 mL" run to the number's edges. The
 * tokenizer makes "0", "." and "25" words of their own and the model sometimes stops at the dot (27 of 21,919
 * entities in 300 MTSamples notes, most of them decimals of doses and lab values).
 */
export function wholeNumber<S extends { start: number; end: number }>(text: string, span: S): S {
  const digit = (i: number) => /[0-9]/.test(text[i] ?? '');
  const sep = (i: number) => text[i] === '.' || text[i] === ',';
  let { start, end } = span;
  if ((digit(end - 1) && (digit(end) || (sep(end) && digit(end + 1)))) || (sep(end - 1) && digit(end - 2) && digit(end))) {
    end += NUMBER_REST.exec(text.slice(end, end + 24))![0].length;
  }
  if ((digit(start) && (digit(start - 1) || (sep(start - 1) && digit(start - 2)))) || (sep(start) && digit(start - 1) && digit(start + 1))) {
    start -= NUMBER_HEAD.exec(text.slice(Math.max(0, start - 24), start))![0].length;
  }
  return start === span.start && end === span.end ? span : { ...span, start, end };
}

/**
 * A name that ends in part of a number ("INR 3" of "INR 3.8") drops it: the number is a value, which the name's
 * type never holds as a part cut in two.
 */
export function withoutCutNumber<S extends { start: number; end: number }>(text: string, span: S): S {
  if (wholeNumber(text, { start: span.start, end: span.end }).end === span.end) return span;
  const m = /\s+[0-9.,]+$/.exec(text.slice(span.start, span.end));
  return m && m.index > 0 ? { ...span, end: span.start + m.index } : span;
}

const COUNT = '(?:\\d+(?:[.,]\\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|couple(?: of)?)';
const COUNT_END = new RegExp(`(?:^|[^A-Za-z])${COUNT}-?$`, 'i');
const UNIT_REST = new RegExp(`^(?:\\s*(?:to|-|–|or)\\s*${COUNT})?[\\s-]*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)(?![A-Za-z])`, 'i');

/**
 * A duration the model ended on its count ("in [two] weeks", "[7] to 10 days", "a [10]-day course") takes its time
 * unit: 109 of 993 DURATION entities in the first 1,719 distinct MTSamples notes ended so.
 */
export function withTimeUnit<S extends { start: number; end: number }>(text: string, span: S): S {
  if (!COUNT_END.test(text.slice(Math.max(span.start, span.end - 12), span.end))) return span;
  const m = UNIT_REST.exec(text.slice(span.end, span.end + 40));
  return m ? { ...span, end: span.end + m[0].length } : span;
}

/**
 * Numbers the tokenizer's one-character words cut: a dose, value or duration is completed (wholeNumber,
 * withPercent, withDottedAbbreviation, withTimeUnit); a name drops a number it cut (withoutCutNumber).
 */
function completeAmount<S extends { start: number; end: number }>(text: string, type: string, span: S): S {
  if (type === 'DURATION') return withTimeUnit(text, withPercent(text, wholeNumber(text, span)));
  if (type === 'LAB_VALUE') return withPercent(text, wholeNumber(text, span));
  if (type === 'DOSAGE') return withDottedAbbreviation(text, withPercent(text, wholeNumber(text, span)));
  return withoutCutNumber(text, span);
}

/**
 * Different types may nest, but two types on the same span or on crossing spans clash: a type that `wins` over the
 * other keeps the span, otherwise the surer one does; where `lexicon` lists the pair, the surer one on the same
 * span records the other as its `alt_type` for the lexicon check (OnnxNerConfig.clash_lexicon).
 */
export function resolveCrossTypeClashes(ents: readonly Entity[], wins: Readonly<Record<string, readonly string[]>> = {}, lexicon: Readonly<Record<string, readonly string[]>> = {}): Entity[] {
  const clash = (a: Entity, b: Entity) => {
    if (a.end <= b.start || b.end <= a.start) return false;
    const nested = (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end);
    return !nested || (a.start === b.start && a.end === b.end);
  };
  const beats = (a: Entity, b: Entity) => wins[a.type]?.includes(b.type) ?? false;
  // the clashing pairs, from one sweep in start order (a huge text has tens of thousands of entities, few of them overlapping)
  const n = ents.length;
  const byStart = [...ents.keys()].sort((i, j) => ents[i]!.start - ents[j]!.start);
  const rivals: number[][] = Array.from({ length: n }, () => []);
  const lost = new Uint8Array(n);
  for (let x = 0; x < n; x++) {
    const i = byStart[x]!;
    const a = ents[i]!;
    for (let y = x + 1; y < n && ents[byStart[y]!]!.start < a.end; y++) {
      const j = byStart[y]!;
      const b = ents[j]!;
      if (!clash(a, b)) continue;
      rivals[i]!.push(j);
      rivals[j]!.push(i);
      if (beats(a, b)) lost[j] = 1;
      else if (beats(b, a)) lost[i] = 1;
    }
  }
  // the surer entity keeps its span; rank = order kept, so a loser names the surest entity that beat it
  const rank = new Int32Array(n).fill(-1);
  const kept: Entity[] = [];
  for (const i of [...ents.keys()].filter((k) => !lost[k]).sort((k, l) => ents[l]!.confidence - ents[k]!.confidence)) {
    const e = ents[i]!;
    let winner = -1;
    for (const j of rivals[i]!) if (rank[j]! >= 0 && (winner < 0 || rank[j]! < rank[winner]!)) winner = j;
    if (winner < 0) {
      rank[i] = kept.length;
      kept.push(e);
      continue;
    }
    const w = ents[winner]!;
    if (w.start === e.start && w.end === e.end && lexicon[w.type]?.includes(e.type) && w.attributes?.alt_type === undefined) {
      w.attributes = { ...w.attributes, alt_type: e.type, alt_confidence: e.confidence };
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Register every model folder under models/ that has a config.json with `types` (ONNX NER models). */
export function registerOnnxModels(modelsRoot = packagePath('models')): void {
  if (!existsSync(modelsRoot)) return;
  for (const name of readdirSync(modelsRoot).sort()) {
    const dir = join(modelsRoot, name);
    const cfgPath = join(dir, 'config.json');
    if (!existsSync(cfgPath) || !existsSync(join(dir, 'model.onnx'))) continue;
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Partial<OnnxNerConfig> & { task?: string };
    if (!Array.isArray(cfg.types) || (cfg.task && cfg.task !== 'ner')) continue;
    const load = (head?: string) => (o: { modelsDir?: string; threads?: number }) =>
      OnnxNerModel.load(o.modelsDir ? join(o.modelsDir, name) : dir, { ...(o.threads ? { threads: o.threads } : {}), ...(head ? { head } : {}) });
    nerModels.register(name, load(), `ONNX transformer NER (${cfg.types.length} types)`);
    for (const head of corpusHeads(dir)) nerModels.register(`${name}:${head}`, load(head), `${name} with its ${head} corpus head`);
  }
  registerEnsembles(modelsRoot);
}

interface EnsembleSpec {
  /** Model folders; the first one's config (lexicon check, clash rules) and hidden states serve the ensemble. */
  members: string[];
  description: string;
}

/** Ensembles named in `models/ensembles.json` whose member folders are all there. */
function registerEnsembles(modelsRoot: string): void {
  const file = join(modelsRoot, 'ensembles.json');
  if (!existsSync(file)) return;
  const specs = (JSON.parse(readFileSync(file, 'utf8')) as { ensembles: Record<string, EnsembleSpec> }).ensembles;
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.members.length < 2 || !spec.members.every((m) => existsSync(join(modelsRoot, m, 'model.onnx')))) continue;
    const [first, ...rest] = spec.members as [string, ...string[]];
    nerModels.register(
      name,
      (o: { modelsDir?: string; threads?: number }) => {
        const root = o.modelsDir ?? modelsRoot;
        return OnnxNerModel.load(join(root, first), { ...(o.threads ? { threads: o.threads } : {}), members: rest.map((m) => join(root, m)), name });
      },
      spec.description,
    );
  }
}

registerOnnxModels();
