import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliCommands } from '../src/cli/command.js';
import '../src/cli/commands/graph.js';
import type { Doc } from '../src/core/types.js';
import { PatientGraph, buildPatientGraph, conceptKey, docFromSpec, exampleNotes, noisyOr, normaliseText } from '../src/graph/index.js';
import type { PatientGraphJSON } from '../src/graph/index.js';

/** The graph without provenance order details: what must not depend on note order. */
function summary(j: PatientGraphJSON) {
  return {
    nodes: j.nodes.map((n) => [n.id, n.type, n.label, n.confidence, n.mention_count, [...n.note_ids].sort(), n.codes]),
    edges: j.edges.map((e) => [e.id, e.confidence, e.evidence_count, [...e.note_ids].sort(), e.negated]),
  };
}

describe('patient graph', () => {
  it('merges the two example notes: 7 nodes, 3 edges, provenance for each', () => {
    const docs = exampleNotes();
    const g = buildPatientGraph(docs);
    const j = g.toJSON();
    assert.deepEqual(j.stats, { notes: 2, nodes: 7, edges: 3, mentions: 8, relation_mentions: 3 });
    assert.equal(j.aggregation, 'noisy-or');
    const metformin = j.nodes.find((n) => n.id === 'umls:C0025598')!;
    assert.equal(metformin.type, 'DRUG');
    assert.equal(metformin.label, 'metformin');
    assert.deepEqual(metformin.note_ids, ['note1', 'note2']);
    assert.equal(metformin.mention_count, 2);
    assert.equal(metformin.confidence, noisyOr([0.95, 0.9]));
    assert.equal(metformin.confidence, 0.995);
    assert.deepEqual(metformin.codes, { mesh: 'D008687', rxnorm: '6809', umls_cui: 'C0025598' });
    // every provenance record points at the exact text of its note
    const byId = new Map(docs.map((d) => [d.id!, d]));
    for (const n of j.nodes) {
      for (const p of n.provenance) {
        assert.equal(byId.get(p.note)!.text.slice(p.start, p.end), p.text);
        assert.ok(p.sentence && p.sentence.start <= p.start && p.end <= p.sentence.end, `sentence of ${p.text}`);
      }
    }
    for (const e of j.edges) {
      assert.ok(e.provenance.length > 0);
      for (const p of e.provenance) {
        const t = byId.get(p.note)!.text;
        assert.equal(t.slice(p.subject.start, p.subject.end), p.subject.text);
        assert.equal(t.slice(p.object.start, p.object.end), p.object.text);
        assert.equal(t.slice(p.evidence!.start, p.evidence!.end), p.evidence!.text);
      }
    }
    assert.deepEqual(
      new Set(j.triples.map((t) => t.join(' '))),
      new Set(['metformin TREATS Type 2 diabetes mellitus', '500mg DOSAGE_OF metformin', 'Hemoglobin A1c TEST_FOR Type 2 diabetes mellitus']),
    );
    const chest = j.nodes.find((n) => n.id === 'umls:C0008031')!;
    assert.deepEqual(chest.assertion, { absent: 1 });
    const cancer = j.nodes.find((n) => n.id === 'umls:C0006142')!;
    assert.deepEqual(cancer.experiencer, { family: 1 });
    assert.deepEqual(cancer.temporality, { historical: 1 });
  });

  it('adding the same note twice loses and duplicates nothing', () => {
    const [n1, n2] = exampleNotes() as [Doc, Doc];
    const g = buildPatientGraph([n1, n2]);
    const before = JSON.stringify(g.toJSON());
    assert.equal(g.addNote(n1, 'note1').status, 'unchanged');
    assert.equal(g.addNote(structuredClone(n2), 'note2').status, 'unchanged');
    assert.equal(JSON.stringify(g.toJSON()), before);

    // same id, new content: the old version is replaced, not added to
    const edited = structuredClone(n1);
    edited.entities = edited.entities.filter((e) => e.type !== 'LAB_VALUE');
    const r = g.addNote(edited, 'note1');
    assert.equal(r.status, 'replaced');
    const j = g.toJSON();
    assert.equal(j.stats.nodes, 6);
    assert.equal(j.nodes.find((n) => n.id === 'umls:C0025598')!.mention_count, 2);
    assert.deepEqual(j, buildPatientGraph([edited, n2]).toJSON());
    // and back again
    g.addNote(n1, 'note1');
    assert.equal(JSON.stringify(g.toJSON()), before);
  });

  it('honours the duplicate policy', () => {
    const [n1, n2] = exampleNotes() as [Doc, Doc];
    const ignore = new PatientGraph({ onDuplicate: 'ignore' });
    ignore.addNote(n1, 'a');
    assert.equal(ignore.addNote(n2, 'a').status, 'ignored');
    assert.equal(ignore.noteCount, 1);
    assert.equal(ignore.nodeCount, 5);
    const strict = new PatientGraph({ onDuplicate: 'error' });
    strict.addNote(n1, 'a');
    assert.equal(strict.addNote(n1, 'a').status, 'unchanged');
    assert.throws(() => strict.addNote(n2, 'a'), /already in the graph/);
    assert.equal(strict.addNote(n2, 'a', { onDuplicate: 'replace' }).status, 'replaced');
  });

  it('is incremental: note by note equals all at once; note order changes no aggregate', () => {
    const docs = exampleNotes();
    const g = new PatientGraph();
    for (const d of docs) assert.equal(g.addNote(d, d.id).status, 'added');
    assert.deepEqual(g.toJSON(), buildPatientGraph(docs).toJSON());
    assert.deepEqual(summary(buildPatientGraph([...docs].reverse()).toJSON()), summary(g.toJSON()));
  });

  it('removes a note and what only it supported', () => {
    const g = buildPatientGraph(exampleNotes());
    assert.equal(g.removeNote('note2'), true);
    assert.equal(g.removeNote('note2'), false);
    const j = g.toJSON();
    assert.equal(j.stats.nodes, 5);
    assert.equal(j.stats.edges, 3);
    assert.equal(j.nodes.find((n) => n.id === 'umls:C0025598')!.mention_count, 1);
    assert.equal(j.nodes.find((n) => n.id === 'umls:C0008031'), undefined);
  });

  it('counts any attribute value, even one named like an Object.prototype member', () => {
    const doc = docFromSpec('n', 'Cough. Cough. Cough.', [
      { text: 'Cough', type: 'DISEASE', attributes: { assertion: 'constructor' } },
      { text: 'Cough', type: 'DISEASE', after: 1, attributes: { assertion: '__proto__' } },
      { text: 'Cough', type: 'DISEASE', after: 8, attributes: { assertion: 'constructor' } },
    ]);
    const node = buildPatientGraph([doc]).toJSON().nodes[0]!;
    assert.deepEqual({ ...node.assertion }, { constructor: 2, ['__proto__']: 1 });
    assert.equal(JSON.stringify(node.assertion), '{"constructor":2,"__proto__":1}');
  });
  it('keys nodes by CUI, else another code, else normalised text + type', () => {
    assert.equal(conceptKey('DRUG', 'Metformin', { umls_cui: 'C0025598', rxnorm: '6809' }), 'umls:C0025598');
    assert.equal(conceptKey('DRUG', 'Metformin', { rxnorm: '6809' }), 'rxnorm:6809');
    assert.equal(conceptKey('DISEASE', 'Chest  Pain.', {}), 'text:DISEASE:chest pain');
    assert.equal(normaliseText('  “Chest\tPAIN” '), '“chest pain”');
    assert.notEqual(conceptKey('DISEASE', 'cold'), conceptKey('SEVERITY', 'cold'));
    assert.equal(conceptKey('DISEASE', 'a|TREATS|b'), 'text:DISEASE:a%7Ctreats%7Cb');

    const a = docFromSpec('a', 'Chest pain today.', [{ text: 'Chest pain', type: 'DISEASE' }]);
    const b = docFromSpec('b', 'No more chest  pain.', [{ text: 'chest  pain', type: 'DISEASE' }]);
    const g = buildPatientGraph([a, b]);
    assert.equal(g.nodeCount, 1);
    const n = g.nodes()[0]!;
    assert.deepEqual(n.texts, ['Chest pain', 'chest  pain']);
    assert.equal(n.label, 'Chest pain');
  });

  it('merges edges per (subject, predicate, object) with noisy-OR confidence; flags negated participants', () => {
    const a = docFromSpec(
      'a',
      'Aspirin for headache. No aspirin for migraine.',
      [
        { text: 'Aspirin', type: 'DRUG', codes: { umls_cui: 'C0004057' } },
        { text: 'headache', type: 'DISEASE', codes: { umls_cui: 'C0018681' } },
        { text: 'aspirin', type: 'DRUG', codes: { umls_cui: 'C0004057' }, attributes: { assertion: 'absent' } },
        { text: 'migraine', type: 'DISEASE', codes: { umls_cui: 'C0149931' } },
      ],
      [
        [0, 'TREATS', 1, 0.6],
        [2, 'TREATS', 3, 0.7],
      ],
    );
    const b = docFromSpec(
      'b',
      'Aspirin helps her headache.',
      [
        { text: 'Aspirin', type: 'DRUG', codes: { umls_cui: 'C0004057' } },
        { text: 'headache', type: 'DISEASE', codes: { umls_cui: 'C0018681' } },
      ],
      [[0, 'TREATS', 1, 0.5]],
    );
    const g = buildPatientGraph([a, b]);
    const headache = g.edge('umls:C0004057|TREATS|umls:C0018681')!;
    assert.equal(headache.evidence_count, 2);
    assert.equal(headache.confidence, 0.8); // 1 - 0.4 * 0.5
    assert.deepEqual(headache.note_ids, ['a', 'b']);
    assert.equal(headache.negated, false);
    const migraine = g.edge('umls:C0004057|TREATS|umls:C0149931')!;
    assert.equal(migraine.negated, true);
    assert.equal(migraine.negated_count, 1);
    assert.deepEqual(migraine.provenance[0]!.negated_participants, ['subject']);
    assert.equal(g.edgeCount, 2);
  });

  it('skips relations naming unknown entities and filtered types, and counts them', () => {
    const d = docFromSpec('d', 'Metformin 500 mg daily.', [
      { text: 'Metformin', type: 'DRUG' },
      { text: '500 mg', type: 'DOSAGE' },
    ], [[1, 'DOSAGE_OF', 0]]);
    d.relations.push({ id: 'R9', subject: 'T1', predicate: 'TREATS', object: 'T99', confidence: 0.5 });
    const g = new PatientGraph({ entityTypes: ['DRUG'] });
    g.addNote(d);
    assert.equal(g.nodeCount, 1);
    assert.equal(g.edgeCount, 0);
    assert.equal(g.notes()[0]!.skipped, 3);
    assert.equal(g.notes()[0]!.id, 'd');
  });

  it('builds 1,000 synthetic notes', () => {
    const drugs = ['metformin', 'lisinopril', 'aspirin', 'atorvastatin'];
    const docs: Doc[] = [];
    for (let i = 0; i < 1000; i++) {
      const drug = drugs[i % drugs.length]!;
      docs.push(
        docFromSpec(`n${i}`, `Patient takes ${drug} for condition ${i % 50}.`, [
          { text: drug, type: 'DRUG', codes: { umls_cui: `C${drugs.indexOf(drug)}` } },
          { text: `condition ${i % 50}`, type: 'DISEASE' },
        ], [[0, 'TREATS', 1]]),
      );
    }
    const g = buildPatientGraph(docs);
    assert.equal(g.noteCount, 1000);
    assert.equal(g.nodeCount, 54);
    assert.equal(g.edgeCount, 100); // drug i%4 with condition i%50: lcm(4, 50) = 100 pairs
    assert.equal(g.toJSON().stats.mentions, 2000);
  });

  it('medical-ner graph --example writes the graph in the requested format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mner-graph-'));
    const write = process.stderr.write;
    try {
      process.stderr.write = () => true;
      const out = join(dir, 'g.json');
      assert.equal(await cliCommands.create('graph').run(['--example', '--format', 'json', '--out', out, '--patient-id', 'p7']), 0);
      const j = JSON.parse(readFileSync(out, 'utf8')) as PatientGraphJSON;
      assert.equal(j.patient_id, 'p7');
      assert.deepEqual([j.stats.notes, j.stats.nodes, j.stats.edges], [2, 7, 3]);
      const cy = join(dir, 'g.cypher');
      assert.equal(await cliCommands.create('graph').run(['--example', '--format', 'cypher', '--dialect', 'kuzu', '--out', cy]), 0);
      assert.match(readFileSync(cy, 'utf8'), /CREATE NODE TABLE IF NOT EXISTS Concept/);
      await assert.rejects(cliCommands.create('graph').run(['--example', '--format', 'bioc']), /unknown --format "bioc"/);
      await assert.rejects(cliCommands.create('graph').run([]), /usage/);
    } finally {
      process.stderr.write = write;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
