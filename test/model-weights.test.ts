/** The default NER model's int8 weights are 7-bit: onnxruntime's fast U8S8 kernels cannot saturate on them (src/core/ort-session.ts). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { int8Initializers } from './helpers/onnx-weights.js';

const MODELS = join(import.meta.dirname, '..', 'models');
const file = join(MODELS, 'ner-minilm-l4', 'model.onnx');

test('ner-minilm-l4: every int8 weight lies in -64..64', { skip: !existsSync(file) && 'models/ner-minilm-l4 missing' }, () => {
  const weights = int8Initializers(file);
  // 4 layers x 6 matrices + the tagging head
  assert.equal(weights.length, 25, weights.map((w) => w.name).join(', '));
  for (const { name, values } of weights) {
    let top = 0;
    for (const v of values) top = Math.max(top, Math.abs(v));
    assert.ok(top <= 64 && top >= 60, `${name}: max |w| = ${top}`);
  }
});

test('the walk finds 8-bit weights where they are: ner-minilm keeps the full -127..127', { skip: !existsSync(join(MODELS, 'ner-minilm', 'model.onnx')) && 'models/ner-minilm missing' }, () => {
  const weights = int8Initializers(join(MODELS, 'ner-minilm', 'model.onnx'));
  assert.ok(weights.length >= 37, String(weights.length));
  assert.ok(weights.some(({ values }) => values.some((v) => Math.abs(v) > 64)));
});
