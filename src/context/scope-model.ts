/**
 * The learned negation-scope resolver (`models/negation-scope`, trained by training/train_scope.py on the BioScope
 * abstracts' dev half). The rule cue finder of scope.ts proposes the cues; the model reads the sentence with the
 * cue marked (token type 1 on its WordPieces) and the rules' scope for it (type 2), and gives each piece an
 * in-scope logit. The scope is the run of in-scope pieces through the cue (BioScope scopes are contiguous and hold
 * their cue); a cue whose own pieces are all out of scope is dropped, which is how the model filters the rule
 * cues. BioScope-style linguistic scope, like `negationScopes`; entity assertion does not use it (docs/context.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { spansOverlap as overlaps } from '../core/doc.js';
import { packagePath } from '../core/paths.js';
import { MedicalNerError } from '../core/errors.js';
import { ortSessionOptions } from '../core/ort-session.js';
import type { Span } from '../core/types.js';
import { splitSentences } from '../text/sentences.js';
import { WordPieceTokenizer, type Piece } from '../text/wordpiece.js';
import { defaultScopeResolver, type NegationScope } from './scope.js';

interface ScopeModelConfig {
  name: string;
  max_length: number;
  do_lower_case: boolean;
  strip_accents?: boolean;
  /** Logit above which a piece is in scope. */
  threshold: number;
  /** The input marks the rules' scope of the cue too (token type 2): the model corrects the rules. */
  rule_input?: boolean;
}

/** A cue to resolve: its spans, and (for a model with `rule_input`) the rules' scope for it when already known. */
export interface ScopeQuery {
  spans: readonly Span[];
  rule?: Span | null;
}

export const DEFAULT_SCOPE_MODEL_DIR = packagePath('models', 'negation-scope');

/** Cues run through the model at once (bounds the input tensor: BATCH × 256 pieces). */
const BATCH = 16;

export class ScopeModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly config: ScopeModelConfig,
  ) {}

  /** `threshold` overrides the config's in-scope logit threshold (used to choose it by cross-validation). */
  static async load(dir = DEFAULT_SCOPE_MODEL_DIR, threads = 1, threshold?: number): Promise<ScopeModel> {
    for (const f of ['model.onnx', 'vocab.txt', 'config.json']) {
      if (!existsSync(join(dir, f))) throw new MedicalNerError('MODEL_NOT_FOUND', `scope model file ${join(dir, f)} not found`);
    }
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as ScopeModelConfig;
    if (threshold !== undefined) config.threshold = threshold;
    const tokenizer = new WordPieceTokenizer(readFileSync(join(dir, 'vocab.txt'), 'utf8').split(/\r?\n/), {
      lowercase: config.do_lower_case,
      stripAccents: config.strip_accents ?? config.do_lower_case,
    });
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), ortSessionOptions(threads));
    return new ScopeModel(session, tokenizer, config);
  }

  /**
   * The scope of each cue of one sentence (`text` from `start` to `end`; a cue is one or more spans inside it),
   * or null where the model puts nothing in scope. Offsets are in `text`. Runs BATCH cues at a time.
   */
  async scopes(text: string, cues: readonly ScopeQuery[], start = 0, end = text.length): Promise<(Span | null)[]> {
    const out: (Span | null)[] = [];
    if (!cues.length) return out;
    const pieces = this.tokenizer.tokenize(text.slice(start, end)).map((p) => ({ ...p, start: p.start + start, end: p.end + start }));
    for (let i = 0; i < cues.length; i += BATCH) out.push(...(await this.scopeBatch(text, pieces, cues.slice(i, i + BATCH), start, end)));
    return out;
  }

  private async scopeBatch(text: string, pieces: readonly Piece[], cues: readonly ScopeQuery[], start: number, end: number): Promise<(Span | null)[]> {
    if (!pieces.length) return cues.map(() => null);
    const inner = this.config.max_length - 2;
    const resolver = defaultScopeResolver();
    const rows = cues.map((cue) => {
      const rule = this.config.rule_input ? (cue.rule !== undefined ? cue.rule : (resolver.scopeForCue(text, cue.spans[0]!, start, end)?.scope ?? null)) : null;
      // the window (the whole sentence, or the model's length around the cue's first piece)
      const firstCue = Math.min(...cue.spans.map((c) => c.start));
      let first = 0;
      while (first < pieces.length - 1 && pieces[first]!.end <= firstCue) first++;
      const from = pieces.length <= inner ? 0 : Math.max(0, Math.min(first - Math.floor(inner / 2), pieces.length - inner));
      const to = Math.min(pieces.length, from + inner);
      // per piece of the window: 1 the cue, 2 the rest of the rules' scope, 0 elsewhere
      const marks = pieces.slice(from, to).map((p) => (cue.spans.some((c) => overlaps(p, c)) ? 1 : rule && overlaps(p, rule) ? 2 : 0));
      return { from, marks };
    });
    const seq = Math.max(...rows.map((r) => r.marks.length)) + 2;
    const ids = new BigInt64Array(rows.length * seq);
    const mask = new BigInt64Array(rows.length * seq);
    const types = new BigInt64Array(rows.length * seq);
    const cls = BigInt(this.tokenizer.id('[CLS]'));
    const sep = BigInt(this.tokenizer.id('[SEP]'));
    rows.forEach((r, i) => {
      const n = r.marks.length;
      ids[i * seq] = cls;
      for (let k = 0; k < n; k++) {
        ids[i * seq + 1 + k] = BigInt(pieces[r.from + k]!.id);
        types[i * seq + 1 + k] = BigInt(r.marks[k]!);
      }
      ids[i * seq + n + 1] = sep;
      for (let k = 0; k < n + 2; k++) mask[i * seq + k] = 1n;
    });
    const result = await this.session.run({
      input_ids: new ort.Tensor('int64', ids, [rows.length, seq]),
      attention_mask: new ort.Tensor('int64', mask, [rows.length, seq]),
      token_type_ids: new ort.Tensor('int64', types, [rows.length, seq]),
    });
    const logits = result.logits!.data as Float32Array;
    return rows.map((r, i) => {
      // the run of in-scope pieces through the cue: grown left and right from the cue's pieces
      const n = r.marks.length;
      const inScope = (k: number) => logits[i * seq + 1 + k]! > this.config.threshold;
      const cue: number[] = [];
      for (let k = 0; k < n; k++) if (r.marks[k] === 1) cue.push(k);
      if (!cue.length || !cue.some(inScope)) return null;
      let lo = cue[0]!;
      let hi = cue[cue.length - 1]!;
      while (lo > 0 && inScope(lo - 1)) lo--;
      while (hi < n - 1 && inScope(hi + 1)) hi++;
      return { start: pieces[r.from + lo]!.start, end: pieces[r.from + hi]!.end };
    });
  }

  /**
   * Rule cues, model scopes: `negationScopes` with the learned resolver, sentence by sentence (cues the model gives
   * no scope are dropped). Offsets are in `text`. `sentences` defaults to the project's sentence splitter.
   */
  async negationScopes(text: string, sentences: readonly Span[] = splitSentences(text)): Promise<NegationScope[]> {
    const resolver = defaultScopeResolver();
    const out: NegationScope[] = [];
    for (const s of sentences) {
      const found = resolver.negationScopes(text, s.start, s.end);
      if (!found.length) continue;
      const scopes = await this.scopes(
        text,
        found.map((f) => ({ spans: [f.cue], rule: f.scope })),
        s.start,
        s.end,
      );
      found.forEach((f, i) => {
        if (scopes[i]) out.push({ cue: f.cue, scope: scopes[i]! });
      });
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
