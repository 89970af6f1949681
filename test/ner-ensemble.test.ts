/** NER ensembles (models/ensembles.json): members' tag log-probabilities averaged per piece, exact offsets, member checks. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDoc } from '../src/core/doc.js';
import { ENTITY_TYPES } from '../src/core/types.js';
import { OnnxNerModel } from '../src/ner/onnx/index.js';
import { assertConsistent, pipeline } from '../src/index.js';

const MODELS = join(import.meta.dirname, '..', 'models');
const L4 = join(MODELS, 'ner-minilm-l4');
const skip = !existsSync(join(L4, 'model.onnx')) || !existsSync(join(MODELS, 'ner-minilm', 'model.onnx')) ? 'models missing' : false;
const TEXT = 'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%. 😀 Denies chest pain.\r\nMother had breast cancer.';

test('a model averaged with itself gives its own entities and confidences', { skip }, async () => {
  const one = await OnnxNerModel.load(L4);
  const twice = await OnnxNerModel.load(L4, { members: [L4] });
  const types = new Set(ENTITY_TYPES);
  const a = await one.predict(createDoc(TEXT), types);
  const b = await twice.predict(createDoc(TEXT), types);
  assert.ok(a.length >= 5, `entities: ${a.length}`);
  assert.deepEqual(b.map((e) => [e.start, e.end, e.type]), a.map((e) => [e.start, e.end, e.type]));
  a.forEach((e, i) => assert.ok(Math.abs(e.confidence - b[i]!.confidence) < 1e-5, `${e.text}: ${e.confidence} vs ${b[i]!.confidence}`));
  await one.dispose();
  await twice.dispose();
});

test('ner-ensemble in the pipeline: exact offsets, its own name on the entities, relations', { skip }, async () => {
  const p = await pipeline({ model: 'ner-ensemble' });
  const doc = await p.run(TEXT);
  assertConsistent(doc);
  assert.ok(doc.entities.some((e) => e.type === 'DRUG' && e.text === 'metformin'));
  const sources = new Set(doc.entities.map((e) => e.attributes?.source));
  assert.ok(sources.has('ner-ensemble') && !sources.has('ner-minilm-l4'), [...sources].join(', '));
  assert.ok(doc.relations.some((r) => r.predicate === 'TREATS'), JSON.stringify(doc.relations.map((r) => r.predicate)));
  await p.dispose();
});

test('an ensemble member with other windows is refused with a clear error', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ens-'));
  try {
    for (const f of ['model.onnx', 'vocab.txt']) symlinkSync(join(MODELS, 'ner-minilm', f), join(dir, f));
    const cfg = JSON.parse(readFileSync(join(MODELS, 'ner-minilm', 'config.json'), 'utf8')) as { stride: number };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, stride: cfg.stride + 8 }));
    await assert.rejects(OnnxNerModel.load(L4, { members: [dir] }), (e: Error & { code?: string }) => e.code === 'INVALID_OPTION' && /stride/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
