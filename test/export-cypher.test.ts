import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection, Database } from 'kuzu';
import { PREDICATES } from '../src/core/types.js';
import { cypherStatements, cypherString, exportGraph, toCypher } from '../src/export/index.js';
import { buildPatientGraph, docFromSpec, exampleNotes, type PatientGraph } from '../src/graph/index.js';

const NASTY_TEXT =
  `O'Brien's "disease" \\ back\\slash\nline two\r\n\ttab é ü 中文 😀 \u2028sep \u0001ctl end.\nx'}) DETACH DELETE n // — lone \uD800 surrogate.`;

function nastyGraph(): PatientGraph {
  const d = docFromSpec(
    `note "quoted" \\ 'single'\n2`,
    NASTY_TEXT,
    [
      { text: `O'Brien's "disease" \\ back\\slash\nline two`, type: 'DISEASE', preferred_name: `Name with 'quote' and \\` },
      { text: `x'}) DETACH DELETE n //`, type: 'DRUG' },
      { text: '中文 😀', type: 'ANATOMY' },
    ],
    [[1, 'TREATS', 0]],
  );
  return buildPatientGraph([d], { patientId: `p'1\\` });
}

/** Reads the single-quoted string literals of a Cypher statement with the given escape reader. */
function literals(stmt: string, dialect: 'neo4j' | 'kuzu'): { values: string[]; skeleton: string } {
  const values: string[] = [];
  let skeleton = '';
  let i = 0;
  while (i < stmt.length) {
    const c = stmt[i]!;
    if (c !== "'") {
      skeleton += c;
      i++;
      continue;
    }
    let v = '';
    i++;
    for (;;) {
      const ch = stmt[i];
      assert.ok(ch !== undefined, `unterminated literal in ${stmt.slice(0, 80)}`);
      if (ch === "'") break;
      if (ch === '\\') {
        const n = stmt[i + 1]!;
        if (dialect === 'kuzu') {
          assert.ok(n === '\\' || n === "'", `kuzu has no escape \\${n}`);
          v += n;
          i += 2;
          continue;
        }
        const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
        if (n === 'u') {
          const hex = stmt.slice(i + 2, i + 6);
          assert.match(hex, /^[0-9a-f]{4}$/i);
          v += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          assert.ok(n in simple, `unknown Neo4j escape \\${n}`);
          v += simple[n];
          i += 2;
        }
        continue;
      }
      if (dialect === 'neo4j') assert.ok(!/[\u0000-\u001f\u2028\u2029]/.test(ch), `raw control character in a Neo4j literal`);
      v += ch;
      i++;
    }
    i++;
    values.push(v);
    skeleton += '?';
  }
  return { values, skeleton };
}

/** Runs a query (or a script of several) and returns the last result's rows; closes every result (kuzu crashes at exit otherwise). */
async function all(conn: Connection, q: string): Promise<Record<string, unknown>[]> {
  const r = await conn.query(q);
  const results = Array.isArray(r) ? r : [r];
  try {
    return await results[results.length - 1]!.getAll();
  } finally {
    for (const x of results) x.close();
  }
}

async function counts(conn: Connection) {
  const one = async (q: string) => Number((await all(conn, q))[0]!.n);
  const rels: Record<string, number> = {};
  for (const p of PREDICATES) rels[p] = await one(`MATCH (:Concept)-[r:${p}]->(:Concept) RETURN count(r) AS n`);
  return {
    concepts: await one('MATCH (c:Concept) RETURN count(c) AS n'),
    edges: Object.values(rels).reduce((a, b) => a + b, 0),
    rels,
    notes: await one('MATCH (n:Note) RETURN count(n) AS n'),
    hasNote: await one('MATCH (:Patient)-[r:HAS_NOTE]->(:Note) RETURN count(r) AS n'),
    mentions: await one('MATCH (:Concept)-[m:MENTIONED_IN]->(:Note) RETURN count(m) AS n'),
  };
}

describe('Cypher export', () => {
  let db: Database;
  let conn: Connection;
  before(() => {
    db = new Database(':memory:');
    conn = new Connection(db);
  });
  after(async () => {
    await conn.close();
    await db.close();
  });

  it('loads into kuzu with the same node and edge counts, idempotently', async () => {
    const g = buildPatientGraph(exampleNotes());
    const j = g.toJSON();
    const script = toCypher(g, { dialect: 'kuzu' });
    await all(conn, script);
    const expected = {
      concepts: j.stats.nodes,
      edges: j.stats.edges,
      rels: Object.fromEntries(PREDICATES.map((p) => [p, j.edges.filter((e) => e.predicate === p).length])),
      notes: 2,
      hasNote: 2,
      mentions: j.stats.mentions,
    };
    assert.deepEqual(await counts(conn), expected);
    assert.equal(expected.concepts, 7);
    assert.equal(expected.edges, 3);
    // running it again changes nothing
    await all(conn, script);
    assert.deepEqual(await counts(conn), expected);

    const [m] = await all(conn, "MATCH (c:Concept {key: 'umls:C0025598'}) RETURN c.rxnorm AS rx, c.note_ids AS notes, c.confidence AS conf, c.entity_type AS t, c.provenance AS prov");
    assert.equal(m!.rx, '6809');
    assert.deepEqual(m!.notes, ['note1', 'note2']);
    assert.equal(m!.conf, 0.995);
    assert.equal(m!.t, 'DRUG');
    assert.equal(JSON.parse(m!.prov as string).length, 2);
    const treats = await all(conn, 'MATCH (s:Concept)-[r:TREATS]->(o:Concept) RETURN s.name AS s, o.name AS o, r.confidence AS c, r.evidence AS ev, r.negated AS neg');
    assert.deepEqual(treats, [{ s: 'metformin', o: 'Type 2 diabetes mellitus', c: 0.85, ev: ['Patient started on metformin 500mg for type 2 diabetes.'], neg: false }]);
    const chest = await all(conn, "MATCH (c:Concept)-[m:MENTIONED_IN]->(n:Note) WHERE c.key = 'umls:C0008031' RETURN m.assertion AS a, n.id AS note, m.start_offset AS s, m.end_offset AS e");
    assert.deepEqual(chest, [{ a: 'absent', note: 'note2', s: 36, e: 46 }]);
  });

  it('escapes quotes, backslashes, newlines and Unicode safely (kuzu round trip)', async () => {
    const g = nastyGraph();
    const db2 = new Database(':memory:');
    const c2 = new Connection(db2);
    try {
      await all(c2, toCypher(g, { dialect: 'kuzu' }));
      const notes = await all(c2, 'MATCH (n:Note) RETURN n.text AS text, n.id AS id, n.patient_id AS pid');
      assert.equal(notes.length, 1);
      assert.equal(notes[0]!.text, NASTY_TEXT.replace('\uD800', '\uFFFD'));
      assert.equal(notes[0]!.id, `note "quoted" \\ 'single'\n2`);
      assert.equal(notes[0]!.pid, `p'1\\`);
      const names = (await all(c2, 'MATCH (c:Concept) RETURN c.name AS name ORDER BY c.name')).map((r) => r.name);
      assert.deepEqual(names.sort(), g.nodes().map((n) => n.label).sort());
      assert.equal(Number((await all(c2, 'MATCH (c:Concept) RETURN count(c) AS n'))[0]!.n), 3);
      assert.equal(Number((await all(c2, 'MATCH (:Concept)-[r:TREATS]->(:Concept) RETURN count(r) AS n'))[0]!.n), 1);
    } finally {
      await c2.close();
      await db2.close();
    }
  });

  it('writes the Neo4j script as the kuzu one plus only the documented differences', () => {
    for (const g of [buildPatientGraph(exampleNotes()), nastyGraph()]) {
      const neo = cypherStatements(g, { dialect: 'neo4j' });
      const kz = cypherStatements(g, { dialect: 'kuzu' });
      const neoData = neo.filter((s) => !s.startsWith('CREATE CONSTRAINT'));
      const kzData = kz.filter((s) => !s.startsWith('CREATE NODE TABLE') && !s.startsWith('CREATE REL TABLE'));
      assert.equal(neo.length - neoData.length, 3);
      assert.equal(neoData.length, kzData.length);
      neoData.forEach((s, i) => {
        const a = literals(s, 'neo4j');
        const b = literals(kzData[i]!, 'kuzu');
        // the same values, decoded with each engine's own escape rules
        assert.deepEqual(a.values, b.values);
        // the same statement apart from the per-type label clause
        assert.equal(a.skeleton.replace(/ REMOVE c:[A-Za-z:]+ SET c:[A-Za-z]+,/, ' SET'), b.skeleton);
      });
      const script = toCypher(g);
      // one statement per line: no raw line breaks inside a Neo4j statement
      const lines = script.trimEnd().split('\n').filter((l) => !l.startsWith('//'));
      assert.equal(lines.length, neo.length);
      for (const l of lines) assert.ok(l.endsWith(';'));
      assert.ok(script.includes('MERGE (c:Concept {uid: '));
    }
    const neo = exportGraph(buildPatientGraph(exampleNotes()), 'cypher');
    assert.match(neo, /SET c:Drug, c\.key = 'umls:C0025598'/);
    assert.match(neo, /MERGE \(s\)-\[r:TREATS\]->\(o\)/);
    assert.match(neo, /CREATE CONSTRAINT mner_concept_uid IF NOT EXISTS FOR \(c:Concept\) REQUIRE c\.uid IS UNIQUE/);
  });

  it('escapes string literals per dialect', () => {
    assert.equal(cypherString(`a'b\\c\nd"e`), `'a\\'b\\\\c\\nd"e'`);
    assert.equal(cypherString('\u0001\u2028é😀'), `'\\u0001\\u2028é😀'`);
    assert.equal(cypherString('x\uDC00y'), `'x\uFFFDy'`);
    assert.equal(cypherString(`a'b\\c\nd`, 'kuzu'), `'a\\'b\\\\c\nd'`);
  });
});
