import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDoc, makeEntity, renumberEntities } from '../src/core/doc.js';
import type { Doc, EntityType } from '../src/core/types.js';
import { lexiconCheckComponent } from '../src/linking/check.js';
import { nerModels } from '../src/ner/model.js';
import type { NerModel } from '../src/ner/model.js';
import { pipeline } from '../src/pipeline.js';

const TEXT = 'She complained of hypertension and zorblaxia syndrome.';

/** A Doc with the given [text, type, confidence] entities at their first occurrence. */
function docWith(entities: [string, EntityType, number][]): Doc {
  const doc = createDoc(TEXT);
  for (const [s, type, confidence] of entities) {
    const start = TEXT.indexOf(s);
    doc.entities.push(makeEntity(doc, { start, end: start + s.length }, type, confidence));
  }
  renumberEntities(doc);
  return doc;
}

const ENTITIES: [string, EntityType, number][] = [
  ['complained', 'DISEASE', 0.5], // unsure and no concept: dropped
  ['hypertension', 'DISEASE', 0.5], // unsure but the lexicon knows it: kept
  ['zorblaxia syndrome', 'DISEASE', 0.95], // unknown to the lexicon but confident: kept
  ['She', 'DRUG', 0.1], // a type without a value is never checked
];

describe('lexicon check', () => {
  it('drops an unsure entity the lexicon cannot link, keeps linkable or confident ones, renumbers', async () => {
    const doc = docWith(ENTITIES);
    await lexiconCheckComponent({ DISEASE: 0.6 }).process(doc, {});
    assert.deepEqual(
      doc.entities.map((e) => [e.id, e.text]),
      [['T1', 'She'], ['T2', 'hypertension'], ['T3', 'zorblaxia syndrome']],
    );
  });
  it('does nothing when off or without values; refuses values it cannot apply', async () => {
    for (const check of [false, undefined, {}] as const) {
      const doc = docWith(ENTITIES);
      await lexiconCheckComponent(check).process(doc, {});
      assert.equal(doc.entities.length, 4);
    }
    assert.throws(() => lexiconCheckComponent({ DOSAGE: 0.5 }), /not a type the lexicon links/);
    assert.throws(() => lexiconCheckComponent({ DISEASE: 2 }), /number in \[0, 1\]/);
  });
  it('takes its values from the NER model unless the pipeline options set them', async () => {
    const model: NerModel = {
      name: 'fixed-for-check',
      types: ['DISEASE', 'DRUG'],
      lexiconCheck: { DISEASE: 0.6 },
      predict: async () => docWith(ENTITIES).entities.map((e) => ({ ...e, id: '' })),
    };
    nerModels.register('fixed-for-check', async () => model, 'test model');
    const texts = async (o: { lexiconCheck?: false | { DISEASE: number } }) =>
      (await (await pipeline({ model: 'fixed-for-check', components: ['ner', 'lexicon-check'], ...o })).run(TEXT)).entities.map((e) => e.text);
    assert.deepEqual(await texts({}), ['She', 'hypertension', 'zorblaxia syndrome']);
    assert.deepEqual(await texts({ lexiconCheck: false }), ['She', 'complained', 'hypertension', 'zorblaxia syndrome']);
    assert.deepEqual(await texts({ lexiconCheck: { DISEASE: 0.99 } }), ['She', 'hypertension']);
  });
  it('settles a type clash the model left to the lexicon: the other type only where the lexicon knows it as such', async () => {
    const text = 'C-reactive protein, c-jun and HBsAg were measured.';
    const doc = createDoc(text);
    for (const s of ['C-reactive protein', 'c-jun', 'HBsAg']) {
      const start = text.indexOf(s);
      doc.entities.push(makeEntity(doc, { start, end: start + s.length }, 'LAB_TEST', 0.9, { attributes: { source: 'm', alt_type: 'GENE', alt_confidence: 0.8 } }));
    }
    await lexiconCheckComponent({ DISEASE: 0.6 }).process(doc, {});
    assert.deepEqual(
      doc.entities.map((e) => [e.text, e.type, e.confidence, e.attributes]),
      [
        ['C-reactive protein', 'LAB_TEST', 0.9, { source: 'm' }], // a LOINC test: stays a lab test
        ['c-jun', 'GENE', 0.8, { source: 'm' }], // no lab test, but the gene JUN: becomes a gene
        ['HBsAg', 'LAB_TEST', 0.9, { source: 'm' }], // neither (a MeSH antigen): the model's choice stands
      ],
    );
  });
  it('makes an organ tagged DISEASE an ANATOMY, or drops it when ANATOMY was not asked for', async () => {
    const text = 'The testis and the liver; hepatitis of the liver.';
    const make = () => {
      const doc = createDoc(text);
      for (const [s, from] of [['testis', 0], ['liver', 0], ['hepatitis', 0]] as const) {
        const start = text.indexOf(s, from);
        doc.entities.push(makeEntity(doc, { start, end: start + s.length }, 'DISEASE', 0.9));
      }
      return doc;
    };
    const all = make();
    await lexiconCheckComponent({ DISEASE: 0.6 }).process(all, {});
    assert.deepEqual(all.entities.map((e) => [e.text, e.type]), [['testis', 'ANATOMY'], ['liver', 'ANATOMY'], ['hepatitis', 'DISEASE']]);
    const diseases = make();
    await lexiconCheckComponent({ DISEASE: 0.6 }).process(diseases, { entityTypes: ['DISEASE'] });
    assert.deepEqual(diseases.entities.map((e) => [e.id, e.text, e.type]), [['T1', 'hepatitis', 'DISEASE']]);
  });
});
