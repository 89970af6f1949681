import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertConsistent, createDoc, makeEntity, renumberEntities, toResult } from '../src/core/doc.js';
import { validateResult } from '../src/core/schema.js';
import { Registry } from '../src/core/registry.js';

test('makeEntity takes its text from the document and rejects bad spans', () => {
  const doc = createDoc('Metformin 500 mg');
  const e = makeEntity(doc, { start: 0, end: 9 }, 'DRUG', 0.912345);
  assert.equal(e.text, 'Metformin');
  assert.equal(e.confidence, 0.9123);
  assert.throws(() => makeEntity(doc, { start: 5, end: 5 }, 'DRUG', 1), /bad span/);
  assert.throws(() => makeEntity(doc, { start: 0, end: 99 }, 'DRUG', 1), /bad span/);
  assert.throws(() => makeEntity(doc, { start: 1.5, end: 3 }, 'DRUG', 1), /bad span/);
});

test('renumbering sorts entities and keeps relations pointing at the same entities', () => {
  const doc = createDoc('aspirin for headache');
  const a = { ...makeEntity(doc, { start: 12, end: 20 }, 'DISEASE', 0.9), id: 'x1' };
  const b = { ...makeEntity(doc, { start: 0, end: 7 }, 'DRUG', 0.9), id: 'x2' };
  doc.entities.push(a, b);
  doc.relations.push({ id: 'R1', subject: 'x2', predicate: 'TREATS', object: 'x1', confidence: 0.8 });
  renumberEntities(doc);
  assert.deepEqual(doc.entities.map((e) => [e.id, e.text]), [['T1', 'aspirin'], ['T2', 'headache']]);
  assert.deepEqual(doc.relations[0], { id: 'R1', subject: 'T1', predicate: 'TREATS', object: 'T2', confidence: 0.8 });
  const result = toResult(doc);
  assert.deepEqual(result.triples, [['aspirin', 'TREATS', 'headache']]);
  assert.deepEqual(validateResult(result), []);
  assertConsistent(doc);
});

test('the JSON schema rejects malformed results', () => {
  assert.notDeepEqual(validateResult({ entities: [] }), []);
  const bad = { entities: [{ id: 'T1', text: 'x', type: 'ALIEN', start: 0, end: 1, confidence: 0.5 }], relations: [], triples: [] };
  assert.ok(validateResult(bad).some((e) => e.includes('/entities/0/type')));
  const badConf = { entities: [{ id: 'T1', text: 'x', type: 'DRUG', start: 0, end: 1, confidence: 1.5 }], relations: [], triples: [] };
  assert.notDeepEqual(validateResult(badConf), []);
  const badTriple = { entities: [], relations: [], triples: [['a', 'LIKES', 'b']] };
  assert.notDeepEqual(validateResult(badTriple), []);
});

test('assertConsistent catches an entity whose text drifted from its offsets', () => {
  const doc = createDoc('chest pain');
  doc.entities.push({ id: 'T1', text: 'chest', type: 'ANATOMY', start: 1, end: 6, confidence: 1 });
  assert.throws(() => assertConsistent(doc), /text/);
});

test('registries name what is available when asked for something unknown', () => {
  const r = new Registry<number>('widget');
  r.register('one', () => 1);
  assert.equal(r.create('one'), 1);
  assert.throws(() => r.create('two'), /Unknown widget "two". Available: one/);
});

test('the published schema file is the schema the code validates with', async () => {
  const { readFileSync } = await import('node:fs');
  const { extractionSchema } = await import('../src/core/schema.js');
  const published = JSON.parse(readFileSync(new URL('../schema/extraction.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(published, JSON.parse(JSON.stringify(extractionSchema)), 'run `medical-ner schema --out schema/extraction.schema.json`');
});
