import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDoc, makeEntity } from '../src/core/doc.js';
import type { EntityType } from '../src/core/types.js';
import { compileNonMentionRules, dropNonMentions } from '../src/ner/non-mentions.js';

const TEXT = 'Closed with 4-0 Vicryl; 500 mg given; 10-0 nylon; scores 0-0-3-0.';

/** Entities of the given types at the first occurrence of each text. */
function entities(spans: readonly (readonly [string, EntityType])[], text = TEXT) {
  const doc = createDoc(text);
  return spans.map(([s, type]) => {
    const start = text.indexOf(s);
    return makeEntity(doc, { start, end: start + s.length }, type, 0.9);
  });
}

describe('non-mention rules', () => {
  it('drops DOSAGE / LAB_VALUE inside a suture size, keeps other types, real doses and longer number runs', () => {
    const ents = entities([['4-0', 'DOSAGE'], ['Vicryl', 'DRUG'], ['500 mg', 'DOSAGE'], ['10-0', 'LAB_VALUE'], ['0-0-3-0', 'LAB_VALUE']]);
    // "Vicryl" goes too: a suture is no drug (the next test)
    assert.deepEqual(dropNonMentions(TEXT, ents).map((e) => e.text), ['500 mg', '0-0-3-0']);
    const part = entities([['4', 'DOSAGE']]); // the model's "4" of "4-0"
    assert.equal(dropNonMentions(TEXT, part).length, 0);
    const value = entities([['10-0 nylon', 'LAB_VALUE']]); // an entity reaching past the size is not inside it
    assert.equal(dropNonMentions(TEXT, value).length, 1);
  });
  it('drops DRUG inside the name of a surgical supply or instrument, any case, keeps real drugs and longer words', () => {
    const text = 'Closed with 4-0 VICRYL and Steri-Strips; Bovie cautery; Gelfoam, then Floseal; Marcaine; vicrylate gel.';
    const ents = entities(['4-0 VICRYL', 'Steri-Strips', 'Bovie', 'Gelfoam', 'Floseal', 'Marcaine', 'vicrylate gel'].map((s) => [s, 'DRUG'] as const), text);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => e.text), ['Floseal', 'Marcaine', 'vicrylate gel']);
    assert.equal(dropNonMentions(text, entities([['Bovie cautery', 'PROCEDURE']], text)).length, 1, 'not PROCEDURE: "Bovie electrocautery" is the operative step');
    assert.equal(dropNonMentions(text, entities([['Bovie', 'ANATOMY'], ['Gelfoam', 'GENE']], text)).length, 0, 'nor ANATOMY or GENE');
    const pendred = 'Pendred syndrome (PDS) with goitre.';
    assert.equal(dropNonMentions(pendred, entities([['PDS', 'DISEASE']], pendred)).length, 1, 'PDS is also Pendred syndrome: DISEASE is not ruled');
  });
  it('drops an instrument, supply or hospital unit of any type, keeps longer spans that hold one', () => {
    const text = 'The trocar was placed; sponge and needle counts were correct; tourniquet time 40 minutes; 4 x 4\'s; taken to the PACU.';
    const ents = entities([['trocar', 'GENE'], ['sponge', 'LAB_TEST'], ['needle counts', 'LAB_TEST'], ['tourniquet time', 'LAB_TEST'], ['4 x 4', 'DOSAGE'], ['PACU', 'DRUG'], ['40 minutes', 'DURATION']], text);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => e.text), ['tourniquet time', '40 minutes']);
  });
  it('drops GENE inside spinal level ranges and listed heart sounds, not single symbols', () => {
    const text = 'Disc bulge at C5-C6 and L5-S1; S1 and S2 normal, no S3 or S4; C5 deficiency; S1 protein.';
    const doc = createDoc(text);
    // [text, search from]: the S1 of "S1 and S2", the C5 of "C5 deficiency"
    const genes = ([['C5-C6', 0], ['L5-', 0], ['S1', 25], ['S4', 0], ['C5', 60], ['S1 protein', 0]] as const).map(([s, from]) => {
      const start = text.indexOf(s, from);
      return makeEntity(doc, { start, end: start + s.length }, 'GENE', 0.9);
    });
    assert.deepEqual(genes.map((e) => e.start), [14, 24, 27, 58, 62, 77]);
    assert.deepEqual(dropNonMentions(text, genes).map((e) => e.text), ['C5', 'S1 protein']);
  });
  it('drops values, durations and doses inside a date, keeps ratios and blood pressures', () => {
    const text = 'Seen 1/25/93 and 03/12/2008; BP 120/80; ratio 1/2; 13/40/2000.';
    const doc = createDoc(text);
    const vals = ['1/25/93', '03/12/2008', '120/80', '1/2;', '13/40/2000'].map((s) => {
      const start = text.indexOf(s);
      if (s.endsWith(';')) s = s.slice(0, -1); // the ratio, not the start of 1/25/93
      return makeEntity(doc, { start, end: start + s.length }, 'LAB_VALUE', 0.9);
    });
    assert.deepEqual(dropNonMentions(text, vals).map((e) => e.text), ['120/80', '1/2', '13/40/2000']);
  });
  it('drops de-identification placeholders of any type but GENE, keeps entities reaching past them', () => {
    const text = 'Seen by Dr. ABCD at XYZ Hospital; the XXX eye; ABC transporter.';
    const doc = createDoc(text);
    const ents = ([['ABCD', 'DISEASE'], ['XYZ', 'DRUG'], ['XXX eye', 'ANATOMY'], ['ABC', 'GENE']] as const).map(([s, type]) => {
      const start = s === 'ABC' ? text.indexOf('ABC transporter') : text.indexOf(s);
      return makeEntity(doc, { start, end: start + s.length }, type, 0.9);
    });
    assert.deepEqual(dropNonMentions(text, ents).map((e) => e.text), ['XXX eye', 'ABC']);
  });
  it("drops a person's name after a title, keeps an eponym that reaches past it", () => {
    const text = "Seen by Dr. Kaczander; Murphy's sign; Mr. Smith's pain.";
    const ents = entities([['Kaczander', 'DRUG'], ["Murphy's sign", 'LAB_TEST'], ['Smith', 'DISEASE'], ['pain', 'DISEASE']] as const, text);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => e.text), ["Murphy's sign", 'pain']);
  });
  it('drops a DISEASE that is only a word of a normal examination or an operative step, keeps longer spans and other types', () => {
    const text = 'Alert and oriented; abdomen soft; hemostasis was obtained; soft tissue mass; Hemostasis LAB.';
    const ents = entities([['Alert', 'DISEASE'], ['oriented', 'DISEASE'], ['soft', 'DISEASE'], ['hemostasis', 'DISEASE'], ['soft tissue mass', 'DISEASE'], ['Hemostasis', 'PROCEDURE']] as const, text);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => `${e.type}:${e.text}`), ['DISEASE:soft tissue mass', 'PROCEDURE:Hemostasis']);
  });
  it('drops a DISEASE "infiltrated" that is the injection of an anaesthetic, keeps tissue infiltrated by cells', () => {
    const text = 'Xylocaine was infiltrated. The skin infiltrated with lidocaine. The lamina propria was infiltrated by PMNCs. Cells were infiltrated into the wall.';
    const doc = createDoc(text);
    const ents = [...text.matchAll(/infiltrated/g)].map((m) => makeEntity(doc, { start: m.index!, end: m.index! + 11 }, 'DISEASE', 0.9));
    assert.equal(ents.length, 4);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => e.start), [ents[2]!.start, ents[3]!.start]);
  });
  it('drops a DISEASE that is only the word contraindicated/contraindication, keeps other types and longer spans', () => {
    const text = 'Aspirin is contraindicated due to bleeding; Contraindications to MRI; absolute contraindication.';
    const ents = entities([['contraindicated', 'DISEASE'], ['bleeding', 'DISEASE'], ['Contraindications to MRI', 'DISEASE'], ['absolute contraindication', 'DISEASE'], ['contraindicated', 'LAB_VALUE']] as const, text);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => `${e.type}:${e.text}`), ['DISEASE:bleeding', 'DISEASE:Contraindications to MRI', 'LAB_VALUE:contraindicated']);
  });
  it('drops a side on its own ("Right", "left", "bilaterally"), keeps the spans it is part of', () => {
    const text = 'Right olecranon bursitis; left total knee arthroplasty; swelling bilaterally; Bright red blood.';
    const ents = entities([['Right', 'DISEASE'], ['olecranon bursitis', 'DISEASE'], ['left', 'ANATOMY'], ['left total knee arthroplasty', 'PROCEDURE'], ['bilaterally', 'PROCEDURE'], ['Bright red blood', 'DISEASE']] as const, text);
    assert.deepEqual(dropNonMentions(text, ents).map((e) => e.text), ['olecranon bursitis', 'left total knee arthroplasty', 'Bright red blood']);
  });
  it('rules are data: custom rules, unknown types refused', () => {
    const rules = compileNonMentionRules([{ types: ['DRUG'], pattern: 'Vicryl', why: 'a suture' }]);
    assert.deepEqual(dropNonMentions(TEXT, entities([['4-0', 'DOSAGE'], ['Vicryl', 'DRUG']]), rules).map((e) => e.text), ['4-0']);
    assert.throws(() => compileNonMentionRules([{ types: ['SUTURE'], pattern: 'x', why: '' }]), /unknown entity type "SUTURE"/);
  });
});
