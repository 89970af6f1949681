/** The shipped neural models through the pipeline: long documents, window edges, odd Unicode, empty input. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertConsistent, defaultModelName, pipeline, validateResult } from '../src/index.js';

const MODELS = ['ner-minilm-l4', 'ner-minilm'];
const missing = MODELS.filter((m) => !existsSync(join(import.meta.dirname, '..', 'models', m, 'model.onnx')));
const skip = missing.length ? `models/${missing.join(', models/')} missing` : false;
const SENT = 'The patient was started on metformin 500 mg twice daily for type 2 diabetes mellitus. ';

test('ner-minilm-l4 is the default model', { skip }, () => {
  assert.equal(defaultModelName(), 'ner-minilm-l4');
});

for (const model of MODELS) test(`${model}: long document (> 512 word pieces): every window is read and offsets stay exact`, { skip }, async () => {
  const p = await pipeline({ model, components: ['ner'] });
  // ~40 repetitions is far over 512 pieces; the marker sentence sits at the very end.
  const text = '😀 ' + SENT.repeat(40) + 'Finally, aspirin was given for headache.';
  const doc = await p.run(text);
  assertConsistent(doc);
  const metformin = doc.entities.filter((e) => e.type === 'DRUG' && e.text.toLowerCase() === 'metformin');
  assert.ok(metformin.length >= 38, `metformin found in (almost) every repetition: ${metformin.length}`);
  assert.ok(doc.entities.some((e) => e.text === 'aspirin' && e.start > text.length - 40), 'the last sentence is not truncated');
  // identical sentences across window boundaries get identical spans (relative to the sentence)
  const rel = new Set(metformin.map((e) => (e.start - 3) % SENT.length));
  assert.equal(rel.size, 1, `same relative offset everywhere: ${[...rel].join(',')}`);
  await p.dispose();
});

for (const model of MODELS) test(`${model}: odd Unicode, CRLF and empty input`, { skip }, async () => {
  const p = await pipeline({ model, components: ['sentences', 'ner'] });
  const text = 'Cafe\u0301 \u200bnote\r\n한국어 텍스트. Pt took ibuprofen 400\u00a0mg for knee pain.\u0000\r\n𝐀𝐁 fever.';
  const doc = await p.run(text);
  assertConsistent(doc);
  assert.ok(doc.entities.some((e) => e.text === 'ibuprofen'), doc.entities.map((e) => e.text).join(','));
  assert.deepEqual(validateResult(await p.extract(text)), []);
  assert.deepEqual((await p.extract('')).entities, []);
  assert.deepEqual((await p.extract('   \r\n')).entities, []);
  await p.dispose();
});

test('ner-minilm-l4, all types: a tumour that the anatomy head also reads is a DISEASE (clash_wins); asked for anatomy alone it stays there', { skip }, async () => {
  const p = await pipeline({ model: 'ner-minilm-l4', components: ['ner'] });
  const text = 'Atm-deficient mice go on to develop thymomas. Women with breast cancer were studied.';
  const all = (await p.run(text)).entities;
  for (const s of ['thymomas', 'breast cancer']) {
    assert.deepEqual(all.filter((e) => e.text === s).map((e) => e.type), ['DISEASE'], `${s}: ${all.map((e) => `${e.type}:${e.text}`).join(', ')}`);
  }
  // the anatomy head does read them (AnatEM files tumours as anatomy), so the rule, not the model, decided
  const anatomy = (await p.run(text, { entityTypes: ['ANATOMY'] })).entities.map((e) => e.text);
  assert.ok(anatomy.includes('breast cancer'), anatomy.join(', '));
  await p.dispose();
});

test('default pipeline: "contraindicated" is no DISEASE (non-mention rule), so the CONTRAINDICATES pattern reads it', { skip }, async () => {
  const p = await pipeline();
  const text = 'Aspirin is contraindicated due to active gastrointestinal bleeding.';
  const r = await p.extract(text);
  assert.ok(!r.entities.some((e) => /contraindicat/i.test(e.text)), r.entities.map((e) => `${e.type}:${e.text}`).join(', '));
  const byId = new Map(r.entities.map((e) => [e.id, e.text]));
  const found = r.relations.map((x) => `${byId.get(x.subject)} ${x.predicate} ${byId.get(x.object)}`);
  assert.ok(found.some((x) => /^Aspirin CONTRAINDICATES .*gastrointestinal bleeding$/.test(x)), found.join('; '));
  await p.dispose();
});
