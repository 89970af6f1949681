import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toResult } from '../src/core/doc.js';
import { parseBioCJson } from '../src/io/bioc.js';
import { parseBrat } from '../src/io/brat.js';
import { parsePubTator } from '../src/io/pubtator.js';
import {
  exportDocFiles,
  exportDocs,
  exportFormats,
  exportGraph,
  exporters,
  graphExportFormats,
  registerExporter,
} from '../src/export/index.js';
import { buildPatientGraph, docFromSpec, exampleNotes } from '../src/graph/index.js';

describe('exporter registry and document formats', () => {
  it('registers every format by name', () => {
    for (const f of ['json', 'fhir', 'cypher', 'turtle', 'bioc', 'pubtator', 'brat']) assert.ok(exportFormats().includes(f), f);
    assert.deepEqual(graphExportFormats().sort(), ['cypher', 'fhir', 'json', 'turtle']);
    assert.throws(() => exportDocs(exampleNotes(), 'yaml'), /unknown export format "yaml"/);
    assert.throws(() => exportGraph(buildPatientGraph(exampleNotes()), 'brat'), /cannot write a patient graph/);
    registerExporter({ name: 'count', description: 'entity count', extension: 'txt', mediaType: 'text/plain', fromDocs: (d) => String(d[0]!.entities.length) });
    assert.equal(exportDocs(exampleNotes(), 'count'), '5');
    assert.equal(exporters.has('count'), true);
  });

  it('json: the single-document result, or the patient graph', () => {
    const [n1] = exampleNotes();
    assert.deepEqual(JSON.parse(exportDocs([n1!], 'json')), JSON.parse(JSON.stringify(toResult(n1!))));
    const graph = JSON.parse(exportGraph(buildPatientGraph(exampleNotes()), 'json'));
    assert.equal(graph.nodes.length, 7);
    assert.equal(graph.edges.length, 3);
    assert.equal(graph.triples.length, 3);
    assert.deepEqual(graph.triples[1], ['metformin', 'TREATS', 'Type 2 diabetes mellitus']);
  });

  it('bioc: reads back with the same mentions, ids and relations', () => {
    const docs = exampleNotes();
    const back = parseBioCJson(exportDocs(docs, 'bioc'));
    assert.equal(back.length, 2);
    back.forEach((b, i) => {
      const d = docs[i]!;
      assert.equal(b.id, d.id);
      assert.equal(b.text, d.text);
      assert.deepEqual(b.mentions.map((m) => [m.start, m.end, m.text, m.label]), d.entities.map((e) => [e.start, e.end, e.text, e.type]));
      assert.equal(b.relations.length, d.relations.length);
    });
    const metformin = back[0]!.mentions[0]!;
    assert.deepEqual(metformin.ids, ['UMLS:C0025598', 'RXNORM:6809', 'MESH:D008687']);
    assert.equal(back[1]!.mentions.find((m) => m.text === 'chest pain')!.attributes?.assertion, 'absent');
    assert.deepEqual(back[0]!.relations.map((r) => r.label).sort(), ['DOSAGE_OF', 'TEST_FOR', 'TREATS']);
  });

  it('pubtator: reads back with the same offsets; relations at concept level', () => {
    const docs = exampleNotes();
    const back = parsePubTator(exportDocs(docs, 'pubtator'));
    assert.equal(back.length, 2);
    back.forEach((b, i) => {
      const d = docs[i]!;
      assert.equal(b.text, d.text);
      assert.deepEqual(b.mentions.map((m) => [m.start, m.end, m.text, m.label]), d.entities.map((e) => [e.start, e.end, e.text, e.type]));
    });
    // relations need codes at both ends: TREATS and TEST_FOR (the dosage has none)
    assert.deepEqual(back[0]!.relations.map((r) => [r.label, r.arg1, r.arg2]).sort(), [
      ['TEST_FOR', 'UMLS:C0474680', 'UMLS:C0011860'],
      ['TREATS', 'UMLS:C0025598', 'UMLS:C0011860'],
    ]);
  });

  it('pubtator: a text holding U+2028 or U+2029 reads back (the reader stopped at them)', () => {
    const text = 'Pain\u2028chest pain.\u2029Aspirin given.';
    const d = docFromSpec('n', text, [
      { text: 'chest pain', type: 'DISEASE' },
      { text: 'Aspirin', type: 'DRUG' },
    ]);
    const [back] = parsePubTator(exportDocs([d], 'pubtator'));
    assert.equal(back!.text, text);
    assert.deepEqual(back!.mentions.map((m) => [m.start, m.end, m.text]), [[5, 15, 'chest pain'], [17, 24, 'Aspirin']]);
  });

  it('brat: one .txt + .ann per document that reads back', () => {
    const docs = exampleNotes();
    const files = exportDocFiles(docs, 'brat');
    assert.deepEqual(files.map((f) => f.name), ['note1.txt', 'note1.ann', 'note2.txt', 'note2.ann']);
    const ann = exportDocs([docs[1]!], 'brat');
    assert.equal(ann, files[3]!.content);
    const back = parseBrat('note2', files[2]!.content, ann);
    assert.deepEqual(back.mentions.map((m) => [m.start, m.end, m.text, m.label]), docs[1]!.entities.map((e) => [e.start, e.end, e.text, e.type]));
    assert.equal(back.mentions.find((m) => m.text === 'breast cancer')!.attributes?.experiencer, 'family');
    const one = parseBrat('note1', files[0]!.content, files[1]!.content);
    assert.deepEqual(one.relations.map((r) => r.label).sort(), ['DOSAGE_OF', 'TEST_FOR', 'TREATS']);
    assert.deepEqual(one.mentions[0]!.ids, ['UMLS:C0025598', 'RXNORM:6809', 'MESH:D008687']);
    assert.throws(() => exportDocs(docs, 'brat'), /one \.ann per document/);
  });
});
