/** The `dose-drugs` component: a drug name right before or after a dose becomes a DRUG when the lexicon names it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doseDrugsComponent } from '../src/linking/dose-drugs.js';
import { assertExactAndNumbered, docWith } from './helpers/docs.js';

test('dose-drugs: names before and after a dose become DRUG entities, other words do not', async () => {
  const text = '🩺 Given Versed 2 mg and 50 mcg of Fentanyl.\r\nXanax 0.5 q.4h, in 3 mg, with 10 mg daily, Lasix 40 mg; 3 months duration.';
  const doc = docWith(text, [
    ['2 mg', 'DOSAGE'],
    ['50 mcg', 'DOSAGE'],
    ['0.5 q.4h', 'DOSAGE'],
    ['3 mg', 'DOSAGE'],
    ['10 mg daily', 'DOSAGE'],
    ['Lasix', 'DRUG'],
    ['40 mg', 'DOSAGE'],
    ['3 months', 'DOSAGE'],
  ]);
  await doseDrugsComponent().process(doc, {});
  assert.deepEqual(
    doc.entities.map((e) => [e.text, e.type, e.attributes?.source]),
    [
      ['Versed', 'DRUG', 'dose-drugs'],
      ['2 mg', 'DOSAGE', undefined],
      ['50 mcg', 'DOSAGE', undefined],
      ['Fentanyl', 'DRUG', 'dose-drugs'], // after "of"
      ['Xanax', 'DRUG', 'dose-drugs'],
      ['0.5 q.4h', 'DOSAGE', undefined],
      ['3 mg', 'DOSAGE', undefined], // "in" is no drug (indium is not named by a lower-case two-letter word)
      ['10 mg daily', 'DOSAGE', undefined], // "with" is no drug
      ['Lasix', 'DRUG', undefined], // already found: not doubled
      ['40 mg', 'DOSAGE', undefined],
      ['3 months', 'DOSAGE', undefined], // "duration" names a brand of phenylephrine, but is written in lower case
    ],
  );
  assertExactAndNumbered(doc, text);
});

test('dose-drugs: an entity of another type inside the name gives way; DRUG not requested, nothing changes', async () => {
  const text = 'Versed 2 mg IV.';
  const doc = docWith(text, [
    ['Versed', 'DISEASE'],
    ['2 mg', 'DOSAGE'],
  ]);
  await doseDrugsComponent().process(doc, {});
  assert.deepEqual(doc.entities.map((e) => [e.text, e.type]), [['Versed', 'DRUG'], ['2 mg', 'DOSAGE']]);
  const word = docWith('the percentage of GnRH neurons', [['percentage', 'DOSAGE']]);
  await doseDrugsComponent().process(word, {});
  assert.deepEqual(word.entities.map((e) => e.text), ['percentage'], 'a "dose" with no number, count or form word has no drug');
  const other = docWith(text, [['2 mg', 'DOSAGE']]);
  await doseDrugsComponent().process(other, { entityTypes: ['DOSAGE'] });
  assert.deepEqual(other.entities.map((e) => e.text), ['2 mg']);
});

test('dose-drugs: a dose that took the drug name in gives it up', async () => {
  const text = 'Medications: Minipress 2 mg daily, Bactrim DS 1 tab b.i.d., daily 5 mg.';
  const doc = docWith(text, [
    ['Minipress 2 mg daily', 'DOSAGE'],
    ['Bactrim DS 1 tab b.i.d.', 'DOSAGE'],
    ['daily 5 mg', 'DOSAGE'],
  ]);
  await doseDrugsComponent().process(doc, {});
  assert.deepEqual(doc.entities.map((e) => [e.text, e.type]), [
    ['Minipress', 'DRUG'],
    ['2 mg daily', 'DOSAGE'],
    ['Bactrim DS', 'DRUG'],
    ['1 tab b.i.d.', 'DOSAGE'],
    ['daily 5 mg', 'DOSAGE'], // "daily" names no drug
  ]);
  for (const e of doc.entities) assert.equal(e.text, text.slice(e.start, e.end));
});
