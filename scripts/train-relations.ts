/**
 * Trains the relation pair classifier (models/relations-lr/model.json).
 *
 *   node --import tsx scripts/train-relations.ts [--seed 13] [--epochs 12] [--out models/relations-lr]
 *
 * One multinomial logistic regression per type signature ("head", see src/relations/data.ts) over the
 * sparse pair features of src/relations/features.ts, on the training splits only:
 *   ddi          DDI 2013 Train (80 % of documents by hash; the other 20 % calibrate)
 *   chemprot     ChemProt training (development calibrates)
 *   drug_disease BC5CDR train (CID → CAUSES), BioRED train without the BC5CDR/NCBI test abstracts
 *                (Negative_Correlation → TREATS, Positive_Correlation → CAUSES), ADE train (ADE → CAUSES),
 *                MACCROBAT train (CAUSE medication → finding); dev splits calibrate
 *   dosage       ADE train (DOSE), MACCROBAT train (MODIFY dosage → medication)
 *   location     MACCROBAT train (MODIFY biological structure → sign/symptom or disease)
 * Then the document head (src/relations/document.ts): cross-sentence drug→disease concept pairs of BC5CDR
 * train (CID → CAUSES), its sentence-relation features cross-fitted (5 folds of BC5CDR train), threshold for the
 * best document-level CID F1 on BC5CDR dev.
 * Test splits are never read. Deterministic for a given seed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnnotatedDoc } from '../src/core/corpus.js';
import { excludedForTraining, hashSplit, loadCorpus } from '../src/corpora/index.js';
import { conceptIds, CORPUS_HEADS, goldDoc, HEAD_DEFS, labelledPairs } from '../src/relations/data.js';
import type { HeadDef } from '../src/relations/data.js';
import type { DocHeadJson } from '../src/relations/document.js';
import { documentPairs } from '../src/relations/document.js';
import { RelationExtractor } from '../src/relations/extract.js';
import { pairFeatures } from '../src/relations/features.js';
import type { Example } from '../src/ml/linear.js';
import { DEFAULT_TRAIN, softmaxScores, trainSoftmax } from '../src/ml/linear.js';
import { calibrateHead, THRESHOLD_FLOOR } from '../src/relations/calibrate.js';
import { writeLrModel, type HeadJson, type LrModelJson } from '../src/relations/lr.js';
import { cueLexicon, DEFAULT_RULESET } from '../src/relations/rules.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: String(DEFAULT_TRAIN.seed) },
    epochs: { type: 'string', default: String(DEFAULT_TRAIN.epochs) },
    l2: { type: 'string', default: String(DEFAULT_TRAIN.l2) },
    lr: { type: 'string', default: String(DEFAULT_TRAIN.learningRate) },
    out: { type: 'string', default: 'models/relations-lr' },
  },
});
const opts = { ...DEFAULT_TRAIN, seed: Number(args.seed), epochs: Number(args.epochs), l2: Number(args.l2), learningRate: Number(args.lr) };
const cues = cueLexicon(DEFAULT_RULESET);
const t0 = performance.now();
const log = (...a: unknown[]) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s]`, ...a);

type Part = 'train' | 'cal';
const data: Record<string, Record<Part, Example[]>> = Object.fromEntries(HEAD_DEFS.map((h) => [h.name, { train: [], cal: [] }]));
/** The BC5CDR training document each training example came from (for the document head's cross-fitting). */
const bc5cdrDocOf = new Map<Example, string>();
const sources: Record<string, Record<Part, Record<string, { docs: number; pairs: number; positive: number }>>> = {};

function addDocs(corpus: string, docs: AnnotatedDoc[], part: Part): void {
  const heads = HEAD_DEFS.filter((h) => CORPUS_HEADS[corpus]?.includes(h.name));
  for (const ad of docs) {
    for (const { head: h, view: pv, allowed } of labelledPairs(corpus, ad, goldDoc(ad))) {
      const ex: Example = { features: pairFeatures(pv, cues), allowed };
      data[h.name]![part].push(ex);
      if (corpus === 'bc5cdr' && part === 'train') bc5cdrDocOf.set(ex, ad.id);
      const s = (((sources[h.name] ??= { train: {}, cal: {} })[part][corpus] ??= { docs: 0, pairs: 0, positive: 0 }));
      s.pairs++;
      if (!allowed.includes(0)) s.positive++;
    }
    for (const h of heads) {
      const s = sources[h.name]?.[part][corpus];
      if (s) s.docs++;
    }
  }
}

// ---- data (training splits only)
const ddi = loadCorpus('ddi-re', 'train');
addDocs('ddi-re', ddi.filter((d) => hashSplit('relations-cal', d.id) !== 'test'), 'train');
addDocs('ddi-re', ddi.filter((d) => hashSplit('relations-cal', d.id) === 'test'), 'cal');
log('ddi', data.ddi!.train.length, data.ddi!.cal.length);
addDocs('chemprot', loadCorpus('chemprot', 'train'), 'train');
addDocs('chemprot', loadCorpus('chemprot', 'dev'), 'cal');
log('chemprot', data.chemprot!.train.length, data.chemprot!.cal.length);
addDocs('bc5cdr', loadCorpus('bc5cdr', 'train'), 'train');
addDocs('bc5cdr', loadCorpus('bc5cdr', 'dev'), 'cal');
const bioredTrainOut = excludedForTraining('biored', 'train');
const bioredDevOut = excludedForTraining('biored', 'dev');
addDocs('biored', loadCorpus('biored', 'train').filter((d) => !bioredTrainOut.has(d.id)), 'train');
addDocs('biored', loadCorpus('biored', 'dev').filter((d) => !bioredDevOut.has(d.id)), 'cal');
log('biored excluded (test abstracts of other corpora):', bioredTrainOut.size, 'train,', bioredDevOut.size, 'dev');
addDocs('ade', loadCorpus('ade', 'train'), 'train');
addDocs('ade', loadCorpus('ade', 'dev'), 'cal');
addDocs('maccrobat', loadCorpus('maccrobat', 'train'), 'train');
addDocs('maccrobat', loadCorpus('maccrobat', 'dev'), 'cal');
for (const h of HEAD_DEFS) log(h.name, 'train', data[h.name]!.train.length, 'cal', data[h.name]!.cal.length);

// ---- train, calibrate, choose thresholds

/** One head trained on `train` and calibrated on the head's calibration data. */
function fitHead(def: HeadDef, train: Example[]): { head: HeadJson; report: Record<string, unknown>; seconds: number } {
  const t = performance.now();
  const { bias, weights } = trainSoftmax(train, def.classes.length, opts);
  const seconds = (performance.now() - t) / 1000;
  const rows = data[def.name]!.cal.map((ex) => ({ probs: softmaxScores({ bias, weights }, ex.features), allowed: ex.allowed }));
  const { calibration, threshold, report } = calibrateHead(def, rows, THRESHOLD_FLOOR);
  const head: HeadJson = { name: def.name, subject: def.subject, object: def.object, symmetric: def.symmetric, classes: def.classes, predicates: def.predicates, bias, weights, calibration, threshold };
  if (def.attribute) head.attribute = def.attribute;
  return { head, report, seconds };
}

const heads: HeadJson[] = [];
const trainReport: Record<string, unknown> = {};
for (const def of HEAD_DEFS) {
  const { head, report, seconds } = fitHead(def, data[def.name]!.train);
  heads.push(head);
  const features = Object.keys(head.weights).length;
  trainReport[def.name] = { train_examples: data[def.name]!.train.length, cal_examples: data[def.name]!.cal.length, features, seconds, sources: sources[def.name], calibration: report };
  log(def.name, `${features} features, ${seconds.toFixed(1)}s`, JSON.stringify(report));
}

// ---- document head: cross-sentence drug→disease concept pairs (BC5CDR CID), over the sentence heads' output.
// Its features include what the sentence heads found. On a training document those heads would answer in-sample
// (too well), so the training documents are split in DOC_FOLDS folds and each fold's sentence relations come
// from heads whose BC5CDR training examples exclude that fold (cross-fitting); dev uses the full heads.
const DOC_FOLDS = 5;
const sentenceExtractor = new RelationExtractor({ name: 'relations-lr', model: { format: 'relations-lr/1', heads } });
const foldOf = (id: string) => Number.parseInt(createHash('sha1').update(id).digest('hex').slice(0, 8), 16) % DOC_FOLDS;
const foldExtractors = Array.from({ length: DOC_FOLDS }, (_, k) => {
  const foldHeads = heads.map((head) => {
    const def = HEAD_DEFS.find((d) => d.name === head.name)!;
    const train = data[def.name]!.train;
    const kept = train.filter((ex) => {
      const id = bc5cdrDocOf.get(ex);
      return id === undefined || foldOf(id) !== k;
    });
    return kept.length === train.length ? head : fitHead(def, kept).head; // unchanged: no BC5CDR examples in this head
  });
  log(`document head: fold ${k + 1}/${DOC_FOLDS} sentence heads trained`);
  return new RelationExtractor({ name: 'relations-lr', model: { format: 'relations-lr/1', heads: foldHeads } });
});
const pairKey = (a: string, b: string) => `${a}\u0000${b}`;
interface DocCase {
  examples: (Example & { label: boolean })[];
  /** Concept pairs found by the sentence level, and the gold CID pairs. */
  sentencePairs: Set<string>;
  gold: Set<string>;
}
function documentCases(docs: AnnotatedDoc[], extractorFor: (ad: AnnotatedDoc) => RelationExtractor): DocCase[] {
  return docs.map((ad) => {
    const doc = goldDoc(ad);
    const ids = new Map(ad.mentions.map((m) => [m.id, conceptIds(m)]));
    const gold = new Set(ad.relations.filter((r) => r.label === 'CID').map((r) => pairKey(r.arg1, r.arg2)));
    const found = extractorFor(ad).extract(doc, doc.sentences!);
    const sentencePairs = new Set<string>();
    for (const r of found) if (r.predicate === 'CAUSES') for (const c of ids.get(r.subject) ?? []) for (const d of ids.get(r.object) ?? []) sentencePairs.add(pairKey(c, d));
    const examples = documentPairs(doc.text, doc.entities, [...doc.sentences!].sort((a, b) => a.start - b.start), found).map((p) => {
      const cs = p.drug.mentions.flatMap((m) => ids.get(m.id) ?? []);
      const ds = p.disease.mentions.flatMap((m) => ids.get(m.id) ?? []);
      const label = cs.some((c) => ds.some((d) => gold.has(pairKey(c, d))));
      return { features: p.features, allowed: [label ? 1 : 0], label };
    });
    return { examples, sentencePairs, gold };
  });
}
const docTrain = documentCases(loadCorpus('bc5cdr', 'train'), (ad) => foldExtractors[foldOf(ad.id)]!);
const docCal = documentCases(loadCorpus('bc5cdr', 'dev'), () => sentenceExtractor);
const docExamples = docTrain.flatMap((c) => c.examples);
const docWeights = trainSoftmax(docExamples, 2, opts);
// threshold: best document-level CID F1 on BC5CDR dev, sentence-level pairs plus the cross-sentence ones
let docBest = { t: 1, f1: -1, p: 0, r: 0 };
const sentenceOnly = { tp: 0, fp: 0, fn: 0 };
for (let t = 0.2; t <= 1.001; t += 0.05) {
  let tp = 0, fp = 0, fn = 0;
  for (const c of docCal) {
    const pred = new Set(c.sentencePairs);
    let extraTp = 0, extraFp = 0;
    for (const ex of c.examples) if (softmaxScores(docWeights, ex.features)[1]! >= t) ex.label ? extraTp++ : extraFp++;
    const stp = [...pred].filter((k) => c.gold.has(k)).length;
    tp += stp + extraTp;
    fp += pred.size - stp + extraFp;
    fn += c.gold.size - stp - extraTp;
  }
  const P = tp + fp ? tp / (tp + fp) : 0;
  const R = tp + fn ? tp / (tp + fn) : 0;
  const f1 = P + R ? (2 * P * R) / (P + R) : 0;
  if (t > 1 - 1e-9) Object.assign(sentenceOnly, { tp, fp, fn, f1 });
  if (f1 > docBest.f1 + 1e-9) docBest = { t: Math.round(t * 100) / 100, f1, p: P, r: R };
}
const documentHead: DocHeadJson = { name: 'cid_document', ...docWeights, threshold: docBest.t };
trainReport.cid_document = {
  train: `BC5CDR train: ${docExamples.length} cross-sentence drug–disease concept pairs, ${docExamples.filter((e) => e.label).length} CID; sentence relations cross-fitted in ${DOC_FOLDS} folds`,
  cal: 'BC5CDR dev (threshold for the best document-level CID F1, sentence-level pairs included)',
  threshold: docBest.t,
  cal_f1_with: docBest.f1,
  cal_precision_with: docBest.p,
  cal_recall_with: docBest.r,
  cal_sentence_level_only: sentenceOnly,
  features: Object.keys(docWeights.weights).length,
};
log('cid_document', JSON.stringify(trainReport.cid_document));

const model: LrModelJson = { format: 'relations-lr/1', created: new Date().toISOString().slice(0, 10), heads, document: documentHead };
mkdirSync(args.out!, { recursive: true });
writeLrModel(args.out!, model);
writeFileSync(
  join(args.out!, 'training-report.json'),
  JSON.stringify({ command: `node --import tsx scripts/train-relations.ts --seed ${opts.seed} --epochs ${opts.epochs} --l2 ${opts.l2} --lr ${opts.learningRate}`, options: opts, seconds_total: (performance.now() - t0) / 1000, heads: trainReport }, null, 1) + '\n',
);
log('wrote', join(args.out!, 'model.json'));
