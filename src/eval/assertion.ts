/**
 * `medical-ner eval --task assertion`: the clinical-context component scored on
 *
 * - the NegEx/ConText test kits (shared/data/corpora/negex, the 70 % shared part): negation (Affirmed vs
 *   Negated; our `possible` and `hypothetical` count as Affirmed, as in the kit), temporality (Recent /
 *   Historical / Not particular = our `hypothetical`) and experiencer (Patient / Family member / Other):
 *   accuracy and per-class P/R/F1. Each item is run through the real component: a Doc holding the kit's
 *   sentence, one entity on the concept (the UPPER-CASE occurrence), sentences split and sections
 *   detected as in the pipeline. Split: `dev` / `test` by a hash of the sentence (io/negex.ts negexSplit);
 *   the rules were tuned on `dev` only.
 * - BioScope abstracts (negation): cue P/R/F1 and scope token P/R/F1 with predicted cues, and scope token
 *   P/R/F1 with the gold cues given. Split: documents by position, even = dev, odd = test. Full papers are
 *   scored whole as an out-of-domain check (never looked at while tuning). The clinical part has no text.
 *
 * `--split dev` scores the tuning part, `--split test` (default) the held-apart part; `--split train` is
 * the same as dev (there is no training here). `--corpora negex,bioscope` picks the sets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../core/paths.js';
import type { Doc, Span } from '../core/types.js';
import { assertContext } from '../context/assertion.js';
import type { ContextAttributes } from '../context/assertion.js';
import { defaultScopeResolver, type NegationScope } from '../context/scope.js';
import { DEFAULT_SCOPE_MODEL_DIR, ScopeModel } from '../context/scope-model.js';
import { bioScopeSentences, bioScopeSplit, readBioScope } from '../io/bioscope.js';
import type { BioScopeCue, BioScopeSentence } from '../io/bioscope.js';
import { negexSplit, readContextAnnotations, readNegexAnnotations } from '../io/negex.js';
import type { NegexItem } from '../io/negex.js';
import { prf } from './score.js';
import type { Counts, Prf } from './score.js';
import { registerEvalTask } from './task.js';
import type { EvalOptions, EvalReport, ReportTable } from './task.js';

export const ASSERTION_EVAL_CORPORA = ['negex', 'bioscope'];

export interface ClassScores {
  items: number;
  accuracy: number;
  perClass: Record<string, Prf & { gold: number; predicted: number }>;
  confusion: Record<string, Record<string, number>>;
}

export interface NegexScores {
  file: string;
  split: string;
  items: number;
  /** Items whose concept could not be found in the sentence (scored with the whole sentence as the entity). */
  unlocated: number;
  negation: ClassScores;
  temporality?: ClassScores;
  experiencer?: ClassScores;
  /** Milliseconds per 1,000 items (one sentence each), the component alone. */
  msPer1000Sentences: number;
}

export interface ScopeScores {
  corpus: string;
  split: string;
  documents: number;
  sentences: number;
  goldCues: number;
  cues: Prf;
  scopeTokensPredictedCues: Prf;
  scopeTokensGoldCues: Prf;
  msPer1000Sentences: number;
}

/** The kit's labels for what the component says about one entity. */
export function kitLabels(a: ContextAttributes): { negation: string; temporality: string; experiencer: string } {
  return {
    negation: a.assertion === 'absent' ? 'Negated' : 'Affirmed',
    temporality: a.assertion === 'hypothetical' ? 'Not particular' : a.temporality === 'historical' ? 'Historical' : 'Recent',
    experiencer: a.experiencer === 'family' ? 'Family member' : a.experiencer === 'other' ? 'Other' : 'Patient',
  };
}

class ClassScorer {
  private readonly pairs: [string, string][] = [];
  constructor(private readonly classes: readonly string[]) {}
  add(gold: string, pred: string): void {
    this.pairs.push([gold, pred]);
  }
  report(): ClassScores {
    const perClass: ClassScores['perClass'] = {};
    const confusion: ClassScores['confusion'] = {};
    const classes = [...new Set([...this.classes, ...this.pairs.flat()])];
    for (const c of classes) {
      const k: Counts = { tp: 0, fp: 0, fn: 0 };
      let gold = 0;
      let predicted = 0;
      for (const [g, p] of this.pairs) {
        if (g === c) gold++;
        if (p === c) predicted++;
        if (g === c && p === c) k.tp++;
        else if (p === c) k.fp++;
        else if (g === c) k.fn++;
      }
      perClass[c] = { ...prf(k), gold, predicted };
    }
    for (const [g, p] of this.pairs) (confusion[g] ??= {})[p] = (confusion[g]![p] ?? 0) + 1;
    const correct = this.pairs.filter(([g, p]) => g === p).length;
    return { items: this.pairs.length, accuracy: this.pairs.length ? correct / this.pairs.length : 0, perClass, confusion };
  }
}

function itemDoc(item: NegexItem): Doc {
  const span = item.span ?? { start: 0, end: item.sentence.length };
  return {
    id: item.id,
    text: item.sentence,
    entities: [{ id: 'T1', text: item.sentence.slice(span.start, span.end), type: 'DISEASE', start: span.start, end: span.end, confidence: 1 }],
    relations: [],
  };
}

/** Scores the component on NegEx/ConText kit items. */
export function scoreNegexItems(items: readonly NegexItem[], file: string, split: string): NegexScores {
  const neg = new ClassScorer(['Affirmed', 'Negated']);
  const tmp = new ClassScorer(['Recent', 'Historical', 'Not particular']);
  const exp = new ClassScorer(['Patient', 'Family member', 'Other']);
  const docs = items.map(itemDoc);
  for (const it of items) assertContext(itemDoc(it)); // warm-up pass (JIT), not timed
  const t0 = performance.now();
  for (const d of docs) assertContext(d);
  const ms = performance.now() - t0;
  items.forEach((item, i) => {
    const p = kitLabels(docs[i]!.entities[0]!.attributes as unknown as ContextAttributes);
    neg.add(item.negation, p.negation);
    if (item.temporality) tmp.add(item.temporality, p.temporality);
    if (item.experiencer) exp.add(item.experiencer, p.experiencer);
  });
  const out: NegexScores = {
    file,
    split,
    items: items.length,
    unlocated: items.filter((x) => !x.span).length,
    negation: neg.report(),
    msPer1000Sentences: items.length ? (1000 * ms) / items.length : 0,
  };
  if (items.some((x) => x.temporality)) out.temporality = tmp.report();
  if (items.some((x) => x.experiencer)) out.experiencer = exp.report();
  return out;
}

function tally(c: Counts, inGold: readonly boolean[], inPred: readonly boolean[]): void {
  inGold.forEach((g, i) => {
    if (g && inPred[i]) c.tp++;
    else if (g) c.fn++;
    else if (inPred[i]) c.fp++;
  });
}

const inAny = (s: BioScopeSentence, spans: readonly Span[]) => s.tokens.map((t) => spans.some((x) => t.start < x.end && x.start < t.end));

/** What a negation-scope resolver answers for one BioScope sentence. */
interface ScopeSource {
  /** Cues found and their scopes. */
  find(text: string): NegationScope[] | Promise<NegationScope[]>;
  /** The scope of each gold cue (null or missing where there is none). */
  forGoldCues(text: string, cues: readonly BioScopeCue[]): (Span | null)[] | Promise<(Span | null)[]>;
}

/** The rules of src/context/scope.ts: each span of a gold cue is resolved on its own. */
function ruleScopes(): ScopeSource {
  const resolver = defaultScopeResolver();
  return {
    find: (text) => resolver.negationScopes(text),
    forGoldCues: (text, cues) => cues.flatMap((c) => c.spans.map((sp) => resolver.scopeForCue(text, sp)?.scope ?? null)),
  };
}

/** The learned model: rule cues it keeps, and one scope per gold cue (all its spans at once). */
function learnedScopes(model: ScopeModel): ScopeSource {
  return {
    find: (text) => model.negationScopes(text, [{ start: 0, end: text.length }]),
    forGoldCues: (text, cues) => model.scopes(text, cues.map((c) => ({ spans: c.spans }))),
  };
}

/**
 * Scores negation cues and scopes on BioScope sentences (token level, BioScope convention: the scope holds its cue).
 * Default: the rules; with a model, its cues are the rule cues it gives a scope.
 */
export async function scoreBioScope(sentences: readonly BioScopeSentence[], corpus: string, split: string, documents: number, model?: ScopeModel): Promise<ScopeScores> {
  const source = model ? learnedScopes(model) : ruleScopes();
  const cue: Counts = { tp: 0, fp: 0, fn: 0 };
  const pred: Counts = { tp: 0, fp: 0, fn: 0 };
  const gold: Counts = { tp: 0, fp: 0, fn: 0 };
  let goldCues = 0;
  let ms = 0;
  for (const s of sentences.slice(0, 200)) await source.find(s.text); // warm-up (JIT), not timed
  for (const s of sentences) {
    const negCues = s.cues.filter((c) => c.type === 'negation');
    const goldSpans = negCues.flatMap((c) => c.spans);
    goldCues += goldSpans.length;
    const t0 = performance.now();
    const predicted = await source.find(s.text);
    ms += performance.now() - t0;
    const gk = new Set(goldSpans.map((x) => `${x.start}:${x.end}`));
    const pk = new Set(predicted.map((x) => `${x.cue.start}:${x.cue.end}`));
    for (const k of pk) cue[gk.has(k) ? 'tp' : 'fp']++;
    for (const k of gk) if (!pk.has(k)) cue.fn++;
    const withGoldCues = (await source.forGoldCues(s.text, negCues)).filter((x): x is Span => x !== null);
    const inGold = inAny(s, s.scopes.filter((x) => x.type === 'negation'));
    tally(pred, inGold, inAny(s, predicted.map((p) => p.scope)));
    tally(gold, inGold, inAny(s, withGoldCues));
  }
  return {
    corpus,
    split,
    documents,
    sentences: sentences.length,
    goldCues,
    cues: prf(cue),
    scopeTokensPredictedCues: prf(pred),
    scopeTokensGoldCues: prf(gold),
    msPer1000Sentences: sentences.length ? (1000 * ms) / sentences.length : 0,
  };
}

function classTable(title: string, s: ClassScores): ReportTable {
  return {
    title,
    header: ['class', 'gold', 'predicted', 'P', 'R', 'F1'],
    rows: [
      ...Object.entries(s.perClass).map(([c, p]) => [c, p.gold, p.predicted, p.precision, p.recall, p.f1]),
      ['accuracy', s.items, s.items, s.accuracy, '', ''],
    ],
  };
}

export async function runAssertionEval(options: EvalOptions): Promise<EvalReport> {
  const split = options.split === 'test' || options.split === undefined ? 'test' : 'dev';
  const corpora = options.corpora ?? ASSERTION_EVAL_CORPORA;
  const base = join(sharedDataDir(), 'corpora');
  const tables: ReportTable[] = [];
  const data: { split: string; negex: NegexScores[]; bioscope: ScopeScores[]; notes: string[] } = {
    split,
    negex: [],
    bioscope: [],
    notes: [
      'NegEx/ConText kit: 70 % shared part only; dev/test = FNV-1a hash of the normalised sentence, even = dev. Rules were tuned looking at dev errors only.',
      'Negation classes: Affirmed = present | possible | hypothetical, Negated = absent. Temporality: Not particular = hypothetical.',
      'BioScope: abstracts split by document index (even = dev, odd = test); full papers scored whole, never used for tuning. Scope tokens: project tokenizer, a token is in scope when it overlaps a negation <xcope>; union over the cues of a sentence; cue tokens count as scope (BioScope convention).',
    ],
  };
  for (const corpus of corpora) {
    if (corpus === 'negex') {
      const dir = join(base, 'negex');
      for (const [file, read] of [
        ['rsAnnotations-1-120-random.txt', readContextAnnotations],
        ['Annotations-1-120.txt', readNegexAnnotations],
      ] as const) {
        const path = join(dir, file);
        if (!existsSync(path)) throw new Error(`assertion eval: ${path} not found (set MEDICAL_NER_SHARED)`);
        let items = read(path).filter((x) => negexSplit(x) === split);
        if (options.limit) items = items.slice(0, options.limit);
        const s = scoreNegexItems(items, file, split);
        data.negex.push(s);
        const kit = file.startsWith('rs') ? 'ConText kit' : 'NegEx kit';
        tables.push(classTable(`Assertion ${kit} (${file}) ${split}: negation, ${s.items} items`, s.negation));
        if (s.temporality) tables.push(classTable(`Assertion ${kit} ${split}: temporality`, s.temporality));
        if (s.experiencer) tables.push(classTable(`Assertion ${kit} ${split}: experiencer`, s.experiencer));
      }
    } else if (corpus === 'bioscope') {
      const dir = join(base, 'bioscope');
      const abstracts = readBioScope(join(dir, 'abstracts.xml')).filter((d) => bioScopeSplit(d) === split);
      const sets: [string, string, typeof abstracts][] = [['abstracts', split, abstracts]];
      const papersPath = join(dir, 'full_papers.xml');
      if (existsSync(papersPath)) sets.push(['full_papers', 'all (out of domain, untuned)', readBioScope(papersPath)]);
      const rows: (string | number)[][] = [];
      // the learned scope model, when shipped (models/negation-scope)
      const scopeModel = existsSync(join(DEFAULT_SCOPE_MODEL_DIR, 'model.onnx')) ? await ScopeModel.load() : undefined;
      for (const [name, sp, docs] of sets) {
        let sentences = bioScopeSentences(docs);
        if (options.limit) sentences = sentences.slice(0, options.limit);
        const s = await scoreBioScope(sentences, name, sp, docs.length);
        data.bioscope.push(s);
        const row = (what: string, p: Prf) => [`${name} ${sp}`, what, p.precision, p.recall, p.f1, p.tp, p.fp, p.fn];
        rows.push(row('negation cues', s.cues), row('scope tokens, predicted cues', s.scopeTokensPredictedCues), row('scope tokens, gold cues', s.scopeTokensGoldCues));
        if (scopeModel) {
          const l = await scoreBioScope(sentences, `${name} (learned scopes)`, sp, docs.length, scopeModel);
          data.bioscope.push(l);
          rows.push(row('negation cues (rule cues the model keeps)', l.cues), row('scope tokens, predicted cues, learned', l.scopeTokensPredictedCues), row('scope tokens, gold cues, learned', l.scopeTokensGoldCues));
        }
      }
      await scopeModel?.dispose();
      tables.push({ title: 'Negation scope, BioScope (token level)', header: ['set', 'setting', 'P', 'R', 'F1', 'tp', 'fp', 'fn'], rows });
    } else {
      throw new Error(`assertion eval: unknown corpus "${corpus}" (known: ${ASSERTION_EVAL_CORPORA.join(', ')})`);
    }
  }
  const timing: (string | number)[][] = [
    ...data.negex.map((s) => [`context component, ${s.file}`, s.items, Number(s.msPer1000Sentences.toFixed(2))]),
    ...data.bioscope.map((s) => [`negation scopes, bioscope ${s.corpus}`, s.sentences, Number(s.msPer1000Sentences.toFixed(2))]),
  ];
  if (timing.length) tables.push({ title: 'Timing (ms per 1,000 sentences, one entity each)', header: ['what', 'sentences', 'ms / 1,000'], rows: timing });
  return { task: 'assertion', tables, data };
}

registerEvalTask({
  name: 'assertion',
  description: 'negation / temporality / experiencer on the NegEx-ConText kit, negation scope on BioScope',
  run: runAssertionEval,
});
