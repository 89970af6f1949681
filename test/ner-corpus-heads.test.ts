/** Corpus heads of the default model (`<model>:<corpus>`): found by name, exact offsets, other types untouched. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertConsistent, MedicalNerError, nerModels, pipeline } from '../src/index.js';
import { modelForCorpus } from '../src/eval/ner.js';
import { OnnxNerModel } from '../src/ner/onnx/index.js';

const DIR = join(import.meta.dirname, '..', 'models', 'ner-minilm-l4');
const INDEX = join(DIR, 'heads', 'heads.json');
const skip = existsSync(INDEX) ? false : 'models/ner-minilm-l4/heads missing';
const heads = skip ? {} : (JSON.parse(readFileSync(INDEX, 'utf8')) as Record<string, { file: string; types: string[] }>);

test('every corpus head in heads.json is a model of its own name', { skip }, () => {
  assert.ok(Object.keys(heads).length > 0);
  for (const [name, h] of Object.entries(heads)) {
    assert.ok(nerModels.has(`ner-minilm-l4:${name}`), name);
    assert.ok(existsSync(join(DIR, 'heads', h.file)), h.file);
    assert.ok(h.types.length > 0, `${name} serves some types`);
  }
});

test('a corpus head tags its types with exact offsets over windows, and leaves the other types to the shared head', { skip }, async () => {
  const [name, head] = Object.entries(heads).find(([, h]) => h.types.includes('GENE') && !h.types.includes('DRUG'))!;
  const sentence = 'Mutations in BRCA1 and TP53 were found; she was given cisplatin for ovarian cancer. ';
  const text = 'Ünïcode ✓ ' + sentence.repeat(30); // far over one 128-piece window
  const base = await pipeline({ model: 'ner-minilm-l4', components: ['ner'] });
  const own = await pipeline({ model: `ner-minilm-l4:${name}`, components: ['ner'] });
  const a = await base.run(text);
  const b = await own.run(text);
  assertConsistent(b);
  const key = (e: { type: string; start: number; end: number; confidence: number }) => `${e.type}:${e.start}:${e.end}:${e.confidence}`;
  // types the head does not serve come from the shared head: identical entities
  const others = (d: typeof a) => d.entities.filter((e) => !head.types.includes(e.type)).map(key);
  assert.ok(others(a).length >= 30, `shared-head entities: ${others(a).length}`);
  assert.deepEqual(others(b), others(a));
  assert.ok(b.entities.every((e) => e.attributes?.source === `ner-minilm-l4:${name}`));
  // the head's own types: found in the repetitions, at the same place relative to each
  const brca1 = b.entities.filter((e) => e.type === 'GENE' && e.text === 'BRCA1');
  assert.ok(brca1.length >= 28, `BRCA1 tagged in (almost) every repetition by the ${name} head: ${brca1.length}`);
  assert.equal(new Set(brca1.map((e) => (e.start - 10) % sentence.length)).size, 1);
  await base.dispose();
  await own.dispose();
});

test('an unknown corpus head is a clear error', { skip }, async () => {
  await assert.rejects(OnnxNerModel.load(DIR, { head: 'no-such-corpus' }), (e: unknown) => e instanceof MedicalNerError && /no corpus head "no-such-corpus"; it has: /.test(e.message));
  await assert.rejects(pipeline({ model: 'ner-minilm-l4:no-such-corpus', components: ['ner'] }), /Unknown NER model "ner-minilm-l4:no-such-corpus"/);
});

test('eval: <model>:corpus picks each corpus its head, or the shared one', { skip }, () => {
  const [name] = Object.keys(heads);
  assert.equal(modelForCorpus('ner-minilm-l4:corpus', name!), `ner-minilm-l4:${name}`);
  assert.equal(modelForCorpus('ner-minilm-l4:corpus', 'no-such-corpus'), 'ner-minilm-l4');
  assert.equal(modelForCorpus('ner-minilm-l4', name!), 'ner-minilm-l4');
  if (heads.ddi) assert.equal(modelForCorpus('ner-minilm-l4:corpus', 'ddi-re'), 'ner-minilm-l4:ddi'); // same documents
});
