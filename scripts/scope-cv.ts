/**
 * Cross-validated choice of the learned negation-scope model's in-scope logit threshold, on the BioScope DEV half
 * only. Each fold model is trained by training/train_scope.py without the dev documents with
 * (index // 2) % FOLDS == k and scored here on exactly those documents, by the eval's own scorer:
 *
 *   for k in 0 1 2; do python training/train_scope.py --name scope-cv$k --rule-input --epochs 9 \
 *     --folds 3 --fold $k --keep-last --out /tmp/cv/fold$k; done
 *   node --import tsx scripts/scope-cv.ts /tmp/cv 3
 *
 * Prints the pooled token P/R/F1 (predicted cues and gold cues) per threshold; the test half is never read.
 */
import { join } from 'node:path';
import { sharedDataDir } from '../src/core/paths.js';
import { ScopeModel } from '../src/context/scope-model.js';
import { scoreBioScope } from '../src/eval/assertion.js';
import { prf, type Counts } from '../src/eval/score.js';
import { bioScopeSentences, bioScopeSplit, readBioScope } from '../src/io/bioscope.js';

const [dir = '/tmp/cv', foldArg = '3'] = process.argv.slice(2);
const folds = Number(foldArg);
const thresholds = [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1];
const dev = readBioScope(join(sharedDataDir(), 'corpora', 'bioscope', 'abstracts.xml')).filter((d) => bioScopeSplit(d) === 'dev');
const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
const pooled = new Map(thresholds.map((t) => [t, { pred: zero(), gold: zero() }]));
const add = (a: Counts, b: Counts) => {
  a.tp += b.tp;
  a.fp += b.fp;
  a.fn += b.fn;
};
for (let k = 0; k < folds; k++) {
  const docs = dev.filter((d) => Math.floor(d.index / 2) % folds === k);
  const sentences = bioScopeSentences(docs);
  for (const t of thresholds) {
    const model = await ScopeModel.load(join(dir, `fold${k}`), 1, t);
    const s = await scoreBioScope(sentences, 'abstracts', `dev fold ${k}`, docs.length, model);
    add(pooled.get(t)!.pred, s.scopeTokensPredictedCues);
    add(pooled.get(t)!.gold, s.scopeTokensGoldCues);
    console.log(`fold ${k} threshold ${t}: predicted cues F1 ${s.scopeTokensPredictedCues.f1.toFixed(4)}, gold cues F1 ${s.scopeTokensGoldCues.f1.toFixed(4)}`);
  }
}
console.log('threshold\tpred P\tpred R\tpred F1\tgold P\tgold R\tgold F1');
for (const [t, c] of pooled) {
  const p = prf(c.pred);
  const g = prf(c.gold);
  console.log([t, p.precision, p.recall, p.f1, g.precision, g.recall, g.f1].map((x) => (typeof x === 'number' && !Number.isInteger(x) ? x.toFixed(4) : x)).join('\t'));
}
