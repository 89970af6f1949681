import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser, type Quad } from 'n3';
import * as oxigraph from 'oxigraph';
import { MNER_NS, exportGraph, toTurtle, turtleString } from '../src/export/index.js';
import { buildPatientGraph, docFromSpec, exampleNotes } from '../src/graph/index.js';

const PREFIXES = `PREFIX mner: <${MNER_NS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX umls: <http://linkedlifedata.com/resource/umls/id/>
`;

function load(ttl: string): { quads: Quad[]; store: oxigraph.Store } {
  const quads = new Parser({ format: 'text/turtle' }).parse(ttl);
  const store = new oxigraph.Store();
  store.load(ttl, { format: 'text/turtle' });
  return { quads, store };
}

function select(store: oxigraph.Store, query: string): Record<string, string>[] {
  const rows = store.query(PREFIXES + query) as Map<string, oxigraph.Term>[];
  return rows.map((m) => Object.fromEntries([...m].map(([k, v]) => [k, v.value])));
}

const count = (store: oxigraph.Store, where: string) => Number(select(store, `SELECT (COUNT(*) AS ?n) WHERE { ${where} }`)[0]!.n);

describe('Turtle export', () => {
  it('parses with n3, loads into oxigraph and answers SPARQL with the same node and edge counts', () => {
    const g = buildPatientGraph(exampleNotes());
    const j = g.toJSON();
    const ttl = exportGraph(g, 'turtle');
    const { quads, store } = load(ttl);
    assert.equal(quads.length, store.size, 'n3 and oxigraph read the same triples');

    assert.equal(count(store, '?c a mner:Concept'), j.stats.nodes);
    assert.equal(count(store, '?e a mner:Relation'), j.stats.edges);
    assert.equal(count(store, '?s ?p ?o . ?p a mner:Predicate . ?s a mner:Concept . ?o a mner:Concept'), j.stats.edges);
    assert.equal(count(store, '?m a mner:Mention'), j.stats.mentions);
    assert.equal(count(store, '?n a mner:Note'), 2);
    assert.equal(count(store, '?p a mner:Patient ; mner:hasConcept ?c'), j.stats.nodes);

    // the seed's vocabulary: umls: resources with rdfs:label and project predicates
    const treats = select(store, 'SELECT ?label WHERE { ?d mner:TREATS umls:C0011860 ; rdfs:label ?label }');
    assert.deepEqual(treats, [{ label: 'metformin' }]);
    // SNOMED / RxNorm / MeSH IRIs
    assert.equal(count(store, 'umls:C0025598 skos:exactMatch <http://purl.bioontology.org/ontology/RXNORM/6809>'), 1);
    assert.equal(count(store, 'umls:C0025598 skos:exactMatch <http://id.nlm.nih.gov/mesh/D008687>'), 1);
    assert.equal(count(store, 'umls:C0011860 skos:exactMatch <http://snomed.info/id/44054006> ; mner:snomed "44054006"'), 1);
    // provenance: a negated mention in note2 with its sentence and offsets
    const chest = select(
      store,
      'SELECT ?note ?start ?end ?a ?sentence WHERE { ?m mner:mentionOf umls:C0008031 ; mner:inNote ?n ; mner:start ?start ; mner:end ?end ; mner:assertion ?a ; mner:sentence ?sentence . ?n mner:noteId ?note }',
    );
    assert.deepEqual(chest, [{ note: 'note2', start: '36', end: '46', a: 'absent', sentence: 'Denies chest pain.' }]);
    // provenance of an edge: the reified statement, its confidence and its evidence sentence
    const edge = select(
      store,
      'SELECT ?conf ?text ?note WHERE { ?e a mner:Relation ; rdf:subject umls:C0025598 ; rdf:predicate mner:TREATS ; rdf:object umls:C0011860 ; mner:confidence ?conf ; prov:wasDerivedFrom ?n ; mner:evidence ?r . ?r mner:evidenceText ?text . ?n mner:noteId ?note }',
    );
    assert.deepEqual(edge, [{ conf: '0.85', text: 'Patient started on metformin 500mg for type 2 diabetes.', note: 'note1' }]);
    // metformin comes from both notes
    assert.equal(count(store, 'umls:C0025598 prov:wasDerivedFrom ?n'), 2);
    // a text-only concept gets an IRI under the data base
    assert.equal(count(store, '?c a mner:Dosage ; rdfs:label "500mg"'), 1);
  });

  it('keeps any string intact (quotes, backslashes, newlines, Unicode) and any note id', () => {
    const text = `Pt said "it's \\ fine"\nthen\ttabbed é 😀 \u2028 \u0001. O'Neil syndrome.`;
    const d = docFromSpec(`note <1> "x" {y}|z^\`\\ é`, text, [
      { text: `"it's \\ fine"\nthen`, type: 'DISEASE' },
      { text: `O'Neil syndrome`, type: 'DISEASE', codes: { snomed: '123 456' } },
    ]);
    const g = buildPatientGraph([d], { patientId: 'p 1/ä' });
    const { quads, store } = load(toTurtle(g));
    assert.equal(quads.length, store.size);
    const notes = select(store, 'SELECT ?id ?text WHERE { ?n mner:noteId ?id ; mner:text ?text }');
    assert.deepEqual(notes, [{ id: d.id, text }]);
    const labels = select(store, 'SELECT ?l WHERE { ?c a mner:Concept ; rdfs:label ?l } ORDER BY ?l').map((r) => r.l);
    assert.deepEqual(labels.sort(), [`"it's \\ fine"\nthen`, `O'Neil syndrome`].sort());
    assert.equal(count(store, '?c a mner:Concept ; mner:snomed "123 456"'), 1);
    assert.equal(turtleString('a"b\\c\nd\u0001\uD800'), '"a\\"b\\\\c\\nd\\u0001\uFFFD"');
  });
  it('names a text-only concept, note and entity even when the text holds a lone surrogate (encodeURIComponent threw)', () => {
    const text = 'Pain\uD800ful lump. Denies lump\uDC00.';
    const d = docFromSpec('note \uD800', text, [
      { text: 'Pain\uD800ful lump', type: 'DISEASE' },
      { text: 'lump\uDC00', type: 'DISEASE' },
    ]);
    const { quads, store } = load(toTurtle(buildPatientGraph([d], { patientId: 'p\uDBFF' })));
    assert.equal(quads.length, store.size);
    const labels = select(store, 'SELECT ?l WHERE { ?c a mner:Concept ; rdfs:label ?l }').map((r) => r.l);
    assert.deepEqual(labels.sort(), ['Pain\uFFFDful lump', 'lump\uFFFD'].sort());
  });
});
