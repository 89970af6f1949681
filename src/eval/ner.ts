/**
 * `medical-ner eval --task ner`: entity P/R/F1 per corpus and type, strict and lenient, micro and macro,
 * on the official test splits (or --split dev). Each corpus is scored only on the types it annotates,
 * and the model is asked for those types only (a corpus that does not annotate drugs cannot judge them).
 * Discontinuous gold mentions are scored by their outer span.
 */
import type { AnnotatedDoc } from '../core/corpus.js';
import type { EntityType } from '../core/types.js';
import { MedicalNerError } from '../core/errors.js';
import { listCorpora, loadCorpus, sameDataAs } from '../corpora/index.js';
import { nerModels } from '../ner/model.js';
import { NER_STEPS, pipeline } from '../pipeline.js';
import { EntityScorer } from './score.js';
import type { Prf } from './score.js';
import { registerEvalTask } from './task.js';
import type { EvalOptions, EvalReport, ReportTable } from './task.js';

/** ADE is left out: it annotates drugs and effects only in sentences that report an adverse effect. */
export const NER_EVAL_CORPORA = ['bc5cdr', 'ncbi-disease', 'bc2gm', 'jnlpba', 'anatem', 'maccrobat', 'chia', 'ddi'];

export interface CorpusScore {
  corpus: string;
  split: string;
  /** The model that scored it (with `<model>:corpus`, the corpus head used). */
  model: string;
  docs: number;
  types: string[];
  strict: ReturnType<EntityScorer['report']>;
  lenient: ReturnType<EntityScorer['report']>;
  seconds: number;
}

export async function scoreNer(model: string, docs: AnnotatedDoc[], modelsDir?: string, allTypes = false): Promise<{ scorer: EntityScorer; types: EntityType[] }> {
  const types = [...new Set(docs.flatMap((d) => d.mentions.flatMap((m) => (m.type ? [m.type] : []))))].sort();
  const scored = new Set<string>(types);
  const p = await pipeline({ model, components: NER_STEPS, ...(modelsDir ? { modelsDir } : {}) });
  const scorer = new EntityScorer();
  try {
    for (const d of docs) {
      const doc = await p.run(d.text, allTypes ? {} : { entityTypes: types }, d.id);
      const gold = d.mentions.flatMap((m) => (m.type ? [{ start: m.start, end: m.end, type: m.type }] : []));
      scorer.add(gold, allTypes ? doc.entities.filter((e) => scored.has(e.type)) : doc.entities);
    }
  } finally {
    await p.dispose();
  }
  return { scorer, types };
}

const pct = (x: number) => Number((100 * x).toFixed(2));
const row = (label: string, s: Prf | { precision: number; recall: number; f1: number }, l: Prf | { precision: number; recall: number; f1: number }) => [
  label,
  pct(s.precision),
  pct(s.recall),
  pct(s.f1),
  pct(l.precision),
  pct(l.recall),
  pct(l.f1),
];

/**
 * `<model>:corpus` scores each corpus with the model's head for that corpus (`<model>:<corpus>`), where it has one
 * (for the NER, relation and linking evaluations; `ddi-re` uses the head of `ddi`, the same documents).
 */
export function modelForCorpus(model: string, corpus: string): string {
  if (!model.endsWith(':corpus')) return model;
  const base = model.slice(0, -':corpus'.length);
  const head = `${base}:${sameDataAs(corpus)}`;
  return nerModels.has(head) ? head : base;
}

export async function runNerEval(options: EvalOptions): Promise<EvalReport> {
  const model = options.model ?? 'baseline';
  const split = options.split ?? 'test';
  // JNLPBA and DDI have no dev split: the default list skips a corpus without the split, an explicit one fails
  const hasSplit = (c: string) => listCorpora().find((x) => x.name === c)?.splits.includes(split) ?? false;
  const corpora = options.corpora ?? NER_EVAL_CORPORA.filter(hasSplit);
  for (const c of corpora) if (!hasSplit(c)) throw new MedicalNerError('INVALID_OPTION', `corpus "${c}" has no ${split} split`);
  const results: CorpusScore[] = [];
  const tables: ReportTable[] = [];
  const header = ['type', 'P strict', 'R strict', 'F1 strict', 'P lenient', 'R lenient', 'F1 lenient'];
  for (const corpus of corpora) {
    let docs = loadCorpus(corpus, split);
    if (options.limit) docs = docs.slice(0, options.limit);
    const t0 = performance.now();
    const used = modelForCorpus(model, corpus);
    const { scorer, types } = await scoreNer(used, docs, options.modelsDir, options.allTypes);
    const strict = scorer.report('strict');
    const lenient = scorer.report('lenient');
    results.push({ corpus, split, model: used, docs: docs.length, types, strict, lenient, seconds: (performance.now() - t0) / 1000 });
    tables.push({
      title: `NER ${corpus} ${split} (${docs.length} docs, model ${used}${options.allTypes ? ', all types' : ''})`,
      header,
      rows: [
        ...types.map((t) => row(t, strict.perType[t] ?? zero, lenient.perType[t] ?? zero)),
        row('micro', strict.micro, lenient.micro),
        row('macro', strict.macro, lenient.macro),
      ],
    });
  }
  tables.unshift({
    title: `NER summary, model ${model}, split ${split} (F1 in %)`,
    header: ['corpus', 'model', 'docs', 'types', 'micro F1 strict', 'micro F1 lenient', 'macro F1 strict', 'seconds'],
    rows: results.map((r) => [r.corpus, r.model, r.docs, r.types.join(','), pct(r.strict.micro.f1), pct(r.lenient.micro.f1), pct(r.strict.macro.f1), Number(r.seconds.toFixed(1))]),
  });
  return { task: 'ner', tables, data: { model, split, results } };
}

const zero = { precision: 0, recall: 0, f1: 0 };

registerEvalTask({ name: 'ner', description: 'entity P/R/F1 per corpus and type (strict and lenient)', run: runNerEval });
