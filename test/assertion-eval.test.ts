/**
 * The `assertion` eval task on the shared NegEx/ConText kit and BioScope abstracts. Floors sit a little
 * under the figures measured on the test parts (docs/context.md has the table); skipped without ../shared.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDataDir } from '../src/core/paths.js';
import '../src/eval/assertion.js';
import type { NegexScores, ScopeScores } from '../src/eval/assertion.js';
import { evalTasks } from '../src/eval/task.js';

const corpora = join(sharedDataDir(), 'corpora');
const missing = !existsSync(join(corpora, 'negex', 'rsAnnotations-1-120-random.txt')) || !existsSync(join(corpora, 'bioscope', 'abstracts.xml'));
const skip = missing ? `shared data not found under ${corpora} (set MEDICAL_NER_SHARED)` : false;

test('assertion eval on the test parts reaches the measured figures', { skip }, async () => {
  const report = await evalTasks.create('assertion').run({ split: 'test' });
  assert.equal(report.task, 'assertion');
  const data = report.data as { negex: NegexScores[]; bioscope: ScopeScores[] };
  const [rs, ann] = data.negex;
  // measured (test part): negation accuracy 0.9888, temporality 0.9476, experiencer 0.9975
  assert.equal(rs!.items, 802);
  assert.ok(rs!.negation.accuracy >= 0.97, `negation accuracy ${rs!.negation.accuracy}`);
  assert.ok(rs!.negation.perClass.Negated!.f1 >= 0.95, `Negated F1 ${rs!.negation.perClass.Negated!.f1}`);
  assert.ok(rs!.temporality!.accuracy >= 0.93, `temporality accuracy ${rs!.temporality!.accuracy}`);
  assert.ok(rs!.experiencer!.accuracy >= 0.98, `experiencer accuracy ${rs!.experiencer!.accuracy}`);
  assert.ok(ann!.negation.accuracy >= 0.97, `NegEx kit negation accuracy ${ann!.negation.accuracy}`);
  assert.ok(rs!.unlocated <= 10);
  // measured (abstracts, test documents): cue F1 0.9536, scope token F1 0.8591 (predicted cues), 0.8973 (gold cues)
  const abs = data.bioscope.find((s) => s.corpus === 'abstracts')!;
  assert.ok(abs.sentences > 5000);
  assert.ok(abs.cues.f1 >= 0.93, `cue F1 ${abs.cues.f1}`);
  assert.ok(abs.scopeTokensPredictedCues.f1 >= 0.84, `scope F1 (predicted cues) ${abs.scopeTokensPredictedCues.f1}`);
  assert.ok(abs.scopeTokensGoldCues.f1 >= 0.88, `scope F1 (gold cues) ${abs.scopeTokensGoldCues.f1}`);
  assert.ok(report.tables.length >= 5);
});

test('assertion eval dev part and --limit', { skip }, async () => {
  const report = await evalTasks.create('assertion').run({ split: 'dev', corpora: ['negex'], limit: 50 });
  const data = report.data as { negex: NegexScores[]; bioscope: ScopeScores[] };
  assert.equal(data.bioscope.length, 0);
  assert.equal(data.negex[0]!.items, 50);
  assert.equal(data.negex[0]!.split, 'dev');
  await assert.rejects(() => evalTasks.create('assertion').run({ corpora: ['nope'] }), /unknown corpus/);
});
