/** The library entry point: pipeline(options).extract/run, with the always-available baseline model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
