/** The library entry point: pipeline(options).extract/run, with the always-available baseline model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDoc } from '../src/core/doc.js';
import { assertConsistent, MedicalNerError, pipeline, validateResult } from '../src/index.js';

const NOTE =
  'HPI: 62 y.o. woman with type 2 diabetes and hypertension.\r\n' +
  'MEDICATIONS:\r\n- metformin 1,000 mg b.i.d.\r\n- lisinopril 10 mg daily for 3 months\r\n' +
  'LABS: HbA1c 8.2%, creatinine 1.1 mg/dL. Severe headache since Tuesday.\r\n';

test('baseline pipeline: schema-valid output, exact offsets, every type family found', async () => {
  const p = await pipeline({ model: 'baseline' });
  const doc = await p.run(NOTE);
  assertConsistent(doc);
  const result = await p.extract(NOTE);
  assert.deepEqual(validateResult(result), []);
  const types = new Set(result.entities.map((e) => e.type));
  for (const t of ['DISEASE', 'DRUG', 'DOSAGE', 'DURATION', 'LAB_VALUE', 'SEVERITY']) assert.ok(types.has(t as never), `${t} found`);
  const dose = result.entities.find((e) => e.text === '1,000 mg');
  assert.equal(dose?.type, 'DOSAGE');
  assert.equal(result.entities.find((e) => e.text === '1.1 mg/dL')?.type, 'LAB_VALUE');
  assert.equal(result.entities.find((e) => e.text === '3 months')?.type, 'DURATION');
  await p.dispose();
});

test('entity-type filter, empty and whitespace text, length limit', async () => {
  const p = await pipeline({ model: 'baseline', maxTextLength: 1000 });
  const drugs = await p.extract(NOTE, { entityTypes: ['DRUG'] });
  assert.ok(drugs.entities.length >= 2 && drugs.entities.every((e) => e.type === 'DRUG'));
  assert.deepEqual(await p.extract(''), { entities: [], relations: [], triples: [] });
  assert.deepEqual((await p.extract('\r\n \t')).entities, []);
  await assert.rejects(p.extract('a'.repeat(1001)), (e: unknown) => e instanceof MedicalNerError && e.code === 'INPUT_TOO_LARGE');
  await assert.rejects(p.extract(42 as unknown as string), (e: unknown) => e instanceof MedicalNerError && e.code === 'INVALID_INPUT');
  await p.dispose();
});

test('odd Unicode keeps offsets exact: astral characters, combining marks, lone surrogates, NUL', async () => {
  const p = await pipeline({ model: 'baseline' });
  const text = '🩺😀 Pt on aspirin 81 mg. Cafe\u0301 au lait spots. \ud800 lone surrogate; NUL\u0000 byte; ﬁbrosis of the lung.';
  const doc = await p.run(text);
  assertConsistent(doc);
  assert.ok(doc.entities.some((e) => e.text === 'aspirin'));
  await p.dispose();
});

test('steps that read unrequested types (site-diseases: ANATOMY, dose-drugs: DOSAGE) get them; the output keeps the requested types', async () => {
  const p = await pipeline({});
  const text = 'Chest x-ray showed mild pulmonary edema and a bladder tumor.\r\nGiven Versed 2 mg IV and fentanyl 50 mcg; no hepatitis.';
  const show = (d: { entities: { type: string; text: string }[] }) => d.entities.map((e) => `${e.type}:${e.text}`);
  const all = await p.run(text);
  const asked = await p.run(text, { entityTypes: ['DISEASE', 'DRUG'] });
  assert.ok(show(asked).includes('DISEASE:pulmonary edema') && show(asked).includes('DRUG:Versed'), show(asked).join(' | '));
  assert.deepEqual(show(asked), show(all).filter((s) => s.startsWith('DISEASE:') || s.startsWith('DRUG:')), 'as in the full call, filtered');
  assert.deepEqual(asked.entities.map((e) => e.id), asked.entities.map((_, i) => `T${i + 1}`));
  for (const r of asked.relations) assert.ok(asked.entities.some((e) => e.id === r.subject) && asked.entities.some((e) => e.id === r.object));
  // the helpers change no requested entity of the model: the ner step with and without them
  const ner = p.steps.find((s) => s.name === 'ner') as import('../src/ner/model.js').NerComponent;
  const helpers = ner.helperTypes;
  assert.deepEqual([...helpers].sort(), ['ANATOMY', 'DOSAGE']);
  const nerOnly = async () => {
    const doc = createDoc(text);
    await ner.process(doc, { entityTypes: ['DISEASE', 'DRUG'] });
    return show(doc).filter((s) => s.startsWith('DISEASE:') || s.startsWith('DRUG:'));
  };
  const withHelpers = await nerOnly();
  ner.helperTypes = new Set();
  assert.deepEqual(await nerOnly(), withHelpers);
  ner.helperTypes = helpers;
  await p.dispose();
});
