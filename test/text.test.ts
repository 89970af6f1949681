import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitSentences } from '../src/text/sentences.js';
import { tokenize } from '../src/text/tokens.js';

const sents = (t: string) => splitSentences(t).map((s) => t.slice(s.start, s.end));

test('sentences: abbreviations, decimals and doses do not end a sentence', () => {
  assert.deepEqual(sents('Seen by Dr. Smith today. HbA1c was 7.2%. Take 1,000 mg b.i.d. with food. Stable.'), [
    'Seen by Dr. Smith today.',
    'HbA1c was 7.2%.',
    'Take 1,000 mg b.i.d. with food.',
    'Stable.',
  ]);
});

test('sentences: headings, bullets, blank lines and CRLF', () => {
  const t = 'HPI: 45 y.o. male with cough.\r\n\r\nMEDICATIONS:\r\n- aspirin 81 mg daily\r\n- lisinopril 10 mg\r\nPLAN:\r\nFollow up in 2 weeks';
  assert.deepEqual(sents(t), ['HPI:', '45 y.o. male with cough.', 'MEDICATIONS:', '- aspirin 81 mg daily', '- lisinopril 10 mg', 'PLAN:', 'Follow up in 2 weeks']);
  for (const s of splitSentences(t)) assert.ok(!/^\s|\s$/.test(t.slice(s.start, s.end)));
});

test('sentences: a lost line break (".," then a capital) ends a sentence, but not after e.g. or U.S.', () => {
  assert.deepEqual(sents('Bowel sounds positive.,EXTREMITIES:  No swelling.,NEUROLOGIC:  Alert.'), [
    'Bowel sounds positive.,',
    'EXTREMITIES:  No swelling.,',
    'NEUROLOGIC:  Alert.',
  ]);
  assert.deepEqual(sents('Use NSAIDs (e.g., Ibuprofen) in the U.S., Canada.'), ['Use NSAIDs (e.g., Ibuprofen) in the U.S., Canada.']);
});

test('sentences: a wrapped line without punctuation stays one sentence; empty text gives none', () => {
  assert.deepEqual(sents('The patient was\nseen today.'), ['The patient was\nseen today.']);
  assert.deepEqual(splitSentences(''), []);
  assert.deepEqual(splitSentences(' \n\r\n '), []);
});

test('tokens keep clinical units whole and offsets exact, also after astral characters', () => {
  const t = '😀 metformin 1,000 mg b.i.d.; HbA1c 7.2% mg/dL COVID-19';
  const toks = tokenize(t);
  assert.deepEqual(toks.map((x) => x.text), ['😀', 'metformin', '1,000', 'mg', 'b.i.d.', ';', 'HbA1c', '7.2%', 'mg/dL', 'COVID-19']);
  for (const k of toks) assert.equal(t.slice(k.start, k.end), k.text);
});
