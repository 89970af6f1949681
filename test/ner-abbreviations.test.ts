import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDoc, makeEntity } from '../src/core/doc.js';
import type { Entity, EntityType } from '../src/core/types.js';
import { abbreviationConsistency } from '../src/ner/abbreviations.js';

/** Entities for the given [text, type] pairs, at their first occurrence in `text`. */
function entities(text: string, pairs: [string, EntityType][]): Entity[] {
  const doc = createDoc(text);
  return pairs.map(([s, type]) => {
    const start = text.indexOf(s);
    assert.ok(start >= 0, `"${s}" occurs in the text`);
    return makeEntity(doc, { start, end: start + s.length }, type, 0.9);
  });
}

const spans = (text: string, es: Entity[]) => es.map((e) => `${e.type}:${e.start}-${e.end}:${text.slice(e.start, e.end)}`).sort();

describe('abbreviation consistency', () => {
  it('gives every free occurrence of a short form the type of its tagged long form', () => {
    const text = 'Patients with hepatocellular carcinoma (HCC) were treated. HCC recurred in 3; HCCs were small.';
    const out = abbreviationConsistency(text, entities(text, [['hepatocellular carcinoma', 'DISEASE']]));
    const hcc = out.filter((e) => e.text === 'HCC');
    assert.equal(hcc.length, 2, 'both whole-word occurrences of HCC, not the one inside "HCCs"');
    for (const e of out) assert.equal(text.slice(e.start, e.end), e.text, 'offsets are exact');
    assert.ok(hcc.every((e) => e.type === 'DISEASE' && e.attributes?.abbreviation_of === 'hepatocellular carcinoma'), 'type and provenance come from the long form');
  });
  it('leaves short forms that are already inside an entity alone', () => {
    const text = 'Tumor necrosis factor (TNF) rises; TNF-alpha receptor was measured.';
    const input = entities(text, [['Tumor necrosis factor', 'GENE'], ['TNF-alpha receptor', 'GENE']]);
    const out = abbreviationConsistency(text, input);
    assert.deepEqual(spans(text, out), spans(text, [...input, ...entities(text, [['TNF', 'GENE']])]), 'only the short form in parentheses is added');
  });
  it('gives a short form tagged as another naming type the type of its long form, but leaves values alone', () => {
    const text = 'Schwartz-Jampel syndrome (SJS) is rare. SJS is recessive; 5 mg (SJS dose) was given.';
    const input = entities(text, [['Schwartz-Jampel syndrome', 'DISEASE'], ['SJS', 'GENE']]);
    const second = text.indexOf('SJS is');
    input.push(makeEntity(createDoc(text), { start: second, end: second + 3 }, 'GENE', 0.95));
    input.push(...entities(text, [['5 mg', 'DOSAGE']]));
    const out = abbreviationConsistency(text, input);
    assert.deepEqual(out.filter((e) => e.text === 'SJS').map((e) => `${e.type}:${e.start}`), [`DISEASE:${text.indexOf('SJS')}`, `DISEASE:${second}`, `DISEASE:${text.lastIndexOf('SJS')}`]);
    assert.ok(out.some((e) => e.type === 'DOSAGE' && e.text === '5 mg'));
  });
  it('drops short-form entities whose long form is not an entity', () => {
    const text = 'We used computed tomography (CT). CT showed a mass in the liver.';
    const input = entities(text, [['CT', 'DISEASE'], ['liver', 'ANATOMY']]);
    assert.deepEqual(spans(text, abbreviationConsistency(text, input)), spans(text, entities(text, [['liver', 'ANATOMY']])));
  });
  it('does not propagate values, doses or durations, and changes nothing without definitions', () => {
    const text = 'Dose was 500 mg (D1) daily; D1 again.';
    const input = entities(text, [['500 mg', 'DOSAGE']]);
    assert.deepEqual(spans(text, abbreviationConsistency(text, input)), spans(text, input));
    const plain = 'Aspirin for headache.';
    const none = entities(plain, [['Aspirin', 'DRUG'], ['headache', 'DISEASE']]);
    assert.deepEqual(abbreviationConsistency(plain, none), none);
    assert.deepEqual(abbreviationConsistency(plain, []), []);
  });
});
