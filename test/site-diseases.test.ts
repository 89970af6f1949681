/** The `site-diseases` component: a site right before a disease word joins it when the two name one disease concept. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { siteDiseasesComponent } from '../src/linking/site-diseases.js';
import { assertExactAndNumbered, docWith } from './helpers/docs.js';

test('site-diseases: "pulmonary" + "edema" become the DISEASE "pulmonary edema", the ANATOMY stays nested', async () => {
  const text = '🩺 Chest x-ray showed mild pulmonary edema.\r\nLeft edema of the ankle; lung abscess and liver   failure.';
  const doc = docWith(text, [
    ['pulmonary', 'ANATOMY'],
    ['edema', 'DISEASE'],
    ['Left', 'ANATOMY'],
    ['edema', 'DISEASE', text.indexOf('Left')],
    ['lung', 'ANATOMY'],
    ['abscess', 'DISEASE'],
    ['liver', 'ANATOMY'],
    ['failure', 'DISEASE'],
  ]);
  await siteDiseasesComponent().process(doc, {});
  const got = doc.entities.map((e) => [e.text, e.type]);
  assert.deepEqual(got, [
    ['pulmonary edema', 'DISEASE'],
    ['pulmonary', 'ANATOMY'],
    ['Left', 'ANATOMY'],
    ['edema', 'DISEASE'], // "Left edema" names no concept
    ['lung abscess', 'DISEASE'],
    ['lung', 'ANATOMY'],
    ['liver', 'ANATOMY'],
    ['failure', 'DISEASE'], // three spaces between: not one name as written
  ]);
  assertExactAndNumbered(doc, text);
});

test('site-diseases: nothing to do without a site, and a disease already spanning the pair is not doubled', async () => {
  const text = 'Known pulmonary embolism and pulmonary embolism.';
  const doc = docWith(text, [
    ['pulmonary embolism', 'DISEASE'],
    ['pulmonary', 'ANATOMY'],
    ['embolism', 'DISEASE'],
  ]);
  await siteDiseasesComponent().process(doc, {});
  assert.deepEqual(doc.entities.map((e) => e.text), ['pulmonary embolism', 'pulmonary', 'embolism']);
  const none = docWith('Severe edema.', [['edema', 'DISEASE']]);
  await siteDiseasesComponent().process(none, {});
  assert.deepEqual(none.entities.map((e) => e.text), ['edema']);
});
