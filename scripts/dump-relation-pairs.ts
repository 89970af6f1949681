/**
 * Training data for the dense relation heads (training/train_relations.py): the candidate pairs of
 * scripts/train-relations.ts (same corpora, parts, heads and labels; test splits never read), each as the
 * dense pair vector of src/relations/dense.ts over the NER encoder's piece vectors, with its allowed classes and
 * the relations-lr head's class probabilities (for stacking on the calibration part). ADE's documents also get the
 * diseases the NER model finds there (see withPredictedDiseases).
 *
 *   node --import tsx scripts/dump-relation-pairs.ts [--model-dir models/ner-minilm-l4] [--hidden-output hidden3] [--out training/data/relations]
 *
 * `--hidden-output` picks the encoder output (layer) whose piece vectors are dumped (default: the model's
 * config.json `hidden_output`); summary.json records it, and scripts/calibrate-relations-nn.ts reads it from there.
 *
 * `--clinical-negatives FROM:TO` adds, to the `ddi` head's training part, every pair of drugs that the default NER steps
 * find in one sentence of the distinct MTSamples notes FROM to TO-1 (the bench's order), labelled NONE: clinical notes
 * list drugs together far more often than they state an interaction (docs/relations-devset.md: "drugs merely listed
 * together do not interact"). Notes before FROM stay unseen for checking (scripts/relations-on-notes.ts).
 *
 * Writes <head>.<part>.f32 (float32 rows) and <head>.<part>.jsonl (one line per row) per head and part; with
 * --windows, also every document's piece vectors (states.f32, rows of `dim` float32) and per pair the rows and roles
 * of its pair window (<head>.<part>.win.jsonl: `rows` as [from, to) ranges of states.f32, `roles` one digit per
 * row), for the pair layers.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchNotes } from '../src/bench/notes.js';
import type { AnnotatedDoc } from '../src/core/corpus.js';
import type { Doc } from '../src/core/types.js';
import { excludedForTraining, hashSplit, loadCorpus } from '../src/corpora/index.js';
import { lexiconCheckComponent } from '../src/linking/check.js';
import { softmaxScores } from '../src/ml/linear.js';
import { OnnxNerModel } from '../src/ner/onnx/index.js';
import { NER_STEPS, pipeline } from '../src/pipeline.js';
import { goldDoc, labelledPairs } from '../src/relations/data.js';
import { PairVectorizer, pairWindow } from '../src/relations/dense.js';
import { pairFeatures } from '../src/relations/features.js';
import { readLrModel } from '../src/relations/lr.js';
import { cueLexicon, DEFAULT_RULESET } from '../src/relations/rules.js';

const { values: args } = parseArgs({
  options: {
    'model-dir': { type: 'string', default: 'models/ner-minilm-l4' },
    out: { type: 'string', default: 'training/data/relations' },
    lr: { type: 'string', default: 'models/relations-lr/model.json' },
    windows: { type: 'boolean', default: false },
    'hidden-output': { type: 'string' },
    'clinical-negatives': { type: 'string' },
  },
});
const model = await OnnxNerModel.load(args['model-dir']!, { threads: 2 });
const hiddenOutput = args['hidden-output'] ?? (JSON.parse(readFileSync(join(args['model-dir']!, 'config.json'), 'utf8')) as { hidden_output: string }).hidden_output;
const lr = readLrModel(args.lr!);
const cues = cueLexicon(DEFAULT_RULESET);
mkdirSync(args.out!, { recursive: true });
const files = new Map<string, { bin: number; meta: string[]; win: string[]; rows: number }>();
const statesFile = args.windows ? openSync(join(args.out!, 'states.f32'), 'w') : undefined;
let stateRows = 0;

/** [from, to) ranges of consecutive numbers. */
function ranges(xs: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of xs) {
    const last = out[out.length - 1];
    if (last && last[1] === x) last[1]++;
    else out.push([x, x + 1]);
  }
  return out;
}
const t0 = performance.now();

const check = lexiconCheckComponent(model.lexiconCheck);

/**
 * ADE marks adverse effects only, so its gold documents hold no drug–disease pair that is not CAUSES; the NER model
 * finds the other diseases of those sentences too (conditions treated, and some noise), and at run time each is a
 * candidate for a false CAUSES. So the diseases it finds (after the lexicon check, as at run time) that overlap no
 * gold mention join ADE's documents, and the labeller gives their pairs NONE or TREATS, as it does every ADE pair
 * not marked. (relations-lr is trained on the gold entities alone.)
 */
async function withPredictedDiseases(ad: AnnotatedDoc, doc: Doc): Promise<Doc> {
  const pred: Doc = { id: ad.id, text: ad.text, entities: await model.predict(doc, new Set(['DISEASE'])), relations: [] };
  check.process(pred, {});
  const extra = pred.entities
    .filter((e) => !doc.entities.some((g) => g.start < e.end && e.start < g.end))
    .map((e, i) => ({ ...e, id: `predicted-${i}` }));
  return { ...doc, entities: [...doc.entities, ...extra] };
}

async function addDocs(corpus: string, docs: AnnotatedDoc[], part: 'train' | 'cal'): Promise<void> {
  for (const ad of docs) {
    const doc = corpus === 'ade' ? await withPredictedDiseases(ad, goldDoc(ad)) : goldDoc(ad);
    const [states] = await model.encode(doc.text, [hiddenOutput]);
    if (!states) continue; // no pieces, so no entities
    const vectors = new PairVectorizer(states);
    const base = stateRows;
    if (statesFile !== undefined) {
      const n = states.starts.length * states.dim;
      writeSync(statesFile, new Uint8Array(states.data.buffer, states.data.byteOffset, n * 4));
      stateRows += states.starts.length;
    }
    for (const { head: h, subject, object, view: pv, sentence, allowed } of labelledPairs(corpus, ad, doc)) {
      const key = `${h.name}.${part}`;
      let f = files.get(key);
      if (!f) files.set(key, (f = { bin: openSync(join(args.out!, `${key}.f32`), 'w'), meta: [], win: [], rows: 0 }));
      if (statesFile !== undefined) {
        const w = pairWindow(states, subject, object, sentence);
        f.win.push(JSON.stringify({ rows: ranges(w.pieces.map((p) => base + p)), roles: w.roles.join('') }));
      }
      const v = new Float32Array(vectors.width);
      vectors.write(subject, object, v, 0);
      writeSync(f.bin, new Uint8Array(v.buffer));
      const head = lr.heads.find((x) => x.name === h.name)!;
      const p = softmaxScores(head, pairFeatures(pv, cues)).map((x) => Math.round(x * 1e4) / 1e4);
      f.meta.push(JSON.stringify({ corpus, doc: ad.id, allowed, lr: p }));
      f.rows++;
    }
  }
  console.log(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${corpus} ${part}: ${docs.length} docs`);
}

const ddi = loadCorpus('ddi-re', 'train');
await addDocs('ddi-re', ddi.filter((d) => hashSplit('relations-cal', d.id) !== 'test'), 'train');
await addDocs('ddi-re', ddi.filter((d) => hashSplit('relations-cal', d.id) === 'test'), 'cal');
await addDocs('chemprot', loadCorpus('chemprot', 'train'), 'train');
await addDocs('chemprot', loadCorpus('chemprot', 'dev'), 'cal');
await addDocs('bc5cdr', loadCorpus('bc5cdr', 'train'), 'train');
await addDocs('bc5cdr', loadCorpus('bc5cdr', 'dev'), 'cal');
const bioredTrainOut = excludedForTraining('biored', 'train');
const bioredDevOut = excludedForTraining('biored', 'dev');
await addDocs('biored', loadCorpus('biored', 'train').filter((d) => !bioredTrainOut.has(d.id)), 'train');
await addDocs('biored', loadCorpus('biored', 'dev').filter((d) => !bioredDevOut.has(d.id)), 'cal');
await addDocs('ade', loadCorpus('ade', 'train'), 'train');
await addDocs('ade', loadCorpus('ade', 'dev'), 'cal');
await addDocs('maccrobat', loadCorpus('maccrobat', 'train'), 'train');
await addDocs('maccrobat', loadCorpus('maccrobat', 'dev'), 'cal');
if (args['clinical-negatives']) {
  const [from, to] = args['clinical-negatives'].split(':').map(Number) as [number, number];
  const ner = await pipeline({ model: basename(args['model-dir']!), modelsDir: dirname(args['model-dir']!), components: ['sentences', ...NER_STEPS] });
  const notes: AnnotatedDoc[] = [];
  for (const note of benchNotes(to).slice(from)) {
    const doc = await ner.run(note.text, { entityTypes: ['DRUG'] }, note.id);
    const mentions = doc.entities.map((e) => ({ id: e.id, start: e.start, end: e.end, text: e.text, label: 'Drug', type: 'DRUG' as const }));
    // no relations: the DDI labeller gives every pair of these drugs NONE
    notes.push({ id: `mtsamples:${note.id}`, text: note.text, mentions, relations: [], meta: { sentences: doc.sentences } });
  }
  await ner.dispose();
  await addDocs('ddi-re', notes, 'train');
}
if (statesFile !== undefined) closeSync(statesFile);
const summary: Record<string, number> = {};
for (const [key, f] of files) {
  closeSync(f.bin);
  writeFileSync(join(args.out!, `${key}.jsonl`), f.meta.join('\n') + '\n');
  if (statesFile !== undefined) writeFileSync(join(args.out!, `${key}.win.jsonl`), f.win.join('\n') + '\n');
  summary[key] = f.rows;
}
writeFileSync(join(args.out!, 'summary.json'), JSON.stringify({ model_dir: args['model-dir'], hidden_output: hiddenOutput, rows: summary }, null, 1) + '\n');
console.log(summary);
