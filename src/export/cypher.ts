/**
 * The patient graph as a Cypher script.
 *
 * `dialect: 'neo4j'` (the product output) is an idempotent Neo4j 5 script: uniqueness constraints,
 * then `MERGE` on the stable `uid`s and `SET` of every property, so running it twice (or after a
 * newer export of the same patient) leaves one node per concept and one relationship per edge.
 * Concepts carry the label `Concept` plus one label per entity type (`Drug`, `Disease`, `LabTest`, …);
 * relationships are typed by predicate (`TREATS`, `DOSAGE_OF`, …).
 *
 * `dialect: 'kuzu'` is the same statements for the embedded kuzu engine (used by the tests). What differs:
 *  1. Schema: kuzu needs `CREATE NODE TABLE … PRIMARY KEY(uid)` / `CREATE REL TABLE (FROM … TO …)`
 *     (all with `IF NOT EXISTS`) where Neo4j has `CREATE CONSTRAINT … REQUIRE … IS UNIQUE`.
 *  2. Labels: a kuzu node belongs to exactly one table, so the per-type label clause
 *     `REMOVE c:Disease:Drug:… SET c:Drug,` is left out; the type is in the `entity_type` property
 *     (written in both dialects).
 *  3. String escapes: kuzu reads only `\\` and `\'` inside a string literal (it turns `\n` into `n` and
 *     has no `\uXXXX`), so control characters are written raw; Neo4j gets `\n \r \t \b \f` and
 *     `\uXXXX` for the other control characters and U+2028/U+2029. In both, `\` and `'` are escaped and
 *     unpaired UTF-16 surrogates become U+FFFD; other Unicode is written as is (UTF-8 script).
 * Everything else (MERGE/MATCH/SET statements, property names, list and number literals) is the same
 * text in both dialects.
 */
import { PREDICATES } from '../core/types.js';
import type { PatientGraph } from '../graph/patient-graph.js';
import {
  CONCEPT_COLUMNS,
  EDGE_COLUMNS,
  MENTION_COLUMNS,
  NOTE_COLUMNS,
  TYPE_LABELS,
  graphRows,
  type Column,
  type RowOptions,
  type Value,
} from './graph-rows.js';
import { wellFormed } from './namespaces.js';

export type CypherDialect = 'neo4j' | 'kuzu';

export interface CypherOptions extends RowOptions {
  dialect?: CypherDialect;
}

const NEO4J_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A single-quoted Cypher string literal, safe for any JS string. */
export function cypherString(s: string, dialect: CypherDialect = 'neo4j'): string {
  const clean = wellFormed(s);
  if (dialect === 'kuzu') return `'${clean.replace(/[\\']/g, (c) => '\\' + c)}'`;
  const body = clean.replace(/[\\'\u0000-\u001f\u007f\u2028\u2029]/g, (c) => NEO4J_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${body}'`;
}

function literal(v: Value, type: Column['type'], dialect: CypherDialect): string {
  if (v === null) return 'NULL';
  if (Array.isArray(v)) return `[${v.map((x) => cypherString(x, dialect)).join(', ')}]`;
  switch (type) {
    case 'STRING':
      return cypherString(String(v), dialect);
    case 'BOOLEAN':
      return v ? 'true' : 'false';
    case 'INT64':
      return String(Math.trunc(Number(v)));
    case 'DOUBLE': {
      const n = Number(v);
      if (!Number.isFinite(n)) return 'NULL';
      const s = String(n);
      return /[.eE]/.test(s) ? s : `${s}.0`;
    }
    default:
      return cypherString(String(v), dialect);
  }
}

function setList(variable: string, columns: Column[], props: Record<string, Value>, dialect: CypherDialect): string {
  return columns.map((c) => `${variable}.${c.name} = ${literal(props[c.name] ?? null, c.type, dialect)}`).join(', ');
}

function kuzuColumns(columns: Column[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

/** The schema statements of a dialect (constraints for Neo4j, tables for kuzu). */
export function cypherSchema(dialect: CypherDialect = 'neo4j'): string[] {
  if (dialect === 'neo4j') {
    return [
      'CREATE CONSTRAINT mner_patient_id IF NOT EXISTS FOR (p:Patient) REQUIRE p.id IS UNIQUE',
      'CREATE CONSTRAINT mner_note_uid IF NOT EXISTS FOR (n:Note) REQUIRE n.uid IS UNIQUE',
      'CREATE CONSTRAINT mner_concept_uid IF NOT EXISTS FOR (c:Concept) REQUIRE c.uid IS UNIQUE',
    ];
  }
  return [
    'CREATE NODE TABLE IF NOT EXISTS Patient(id STRING, PRIMARY KEY(id))',
    `CREATE NODE TABLE IF NOT EXISTS Note(uid STRING, ${kuzuColumns(NOTE_COLUMNS)}, PRIMARY KEY(uid))`,
    `CREATE NODE TABLE IF NOT EXISTS Concept(uid STRING, ${kuzuColumns(CONCEPT_COLUMNS)}, PRIMARY KEY(uid))`,
    'CREATE REL TABLE IF NOT EXISTS HAS_NOTE(FROM Patient TO Note)',
    `CREATE REL TABLE IF NOT EXISTS MENTIONED_IN(FROM Concept TO Note, entity STRING, ${kuzuColumns(MENTION_COLUMNS)})`,
    ...PREDICATES.map((p) => `CREATE REL TABLE IF NOT EXISTS ${p}(FROM Concept TO Concept, ${kuzuColumns(EDGE_COLUMNS)})`),
  ];
}

/** The statements of the script, without trailing semicolons: schema first, then data. */
export function cypherStatements(graph: PatientGraph, options: CypherOptions = {}): string[] {
  const d = options.dialect ?? 'neo4j';
  const rows = graphRows(graph, options);
  const q = (s: string) => cypherString(s, d);
  const out = [...cypherSchema(d)];
  out.push(`MERGE (p:Patient {id: ${q(rows.patientId)}})`);
  for (const n of rows.notes) {
    out.push(`MERGE (n:Note {uid: ${q(n.uid)}}) SET ${setList('n', NOTE_COLUMNS, n.props, d)}`);
    out.push(`MATCH (p:Patient {id: ${q(rows.patientId)}}), (n:Note {uid: ${q(n.uid)}}) MERGE (p)-[:HAS_NOTE]->(n)`);
  }
  const relabel = `REMOVE c:${TYPE_LABELS.join(':')} `;
  for (const c of rows.concepts) {
    const labelClause = d === 'neo4j' ? `${relabel}SET c:${c.label}, ` : 'SET ';
    out.push(`MERGE (c:Concept {uid: ${q(c.uid)}}) ${labelClause}${setList('c', CONCEPT_COLUMNS, c.props, d)}`);
  }
  for (const m of rows.mentions) {
    out.push(
      `MATCH (c:Concept {uid: ${q(m.concept)}}), (n:Note {uid: ${q(m.note)}}) ` +
        `MERGE (c)-[m:MENTIONED_IN {entity: ${q(m.entity)}}]->(n) SET ${setList('m', MENTION_COLUMNS, m.props, d)}`,
    );
  }
  for (const e of rows.edges) {
    out.push(
      `MATCH (s:Concept {uid: ${q(e.subject)}}), (o:Concept {uid: ${q(e.object)}}) ` +
        `MERGE (s)-[r:${e.type}]->(o) SET ${setList('r', EDGE_COLUMNS, e.props, d)}`,
    );
  }
  return out;
}

/** The whole script: a header comment, then one statement per line, each ending in `;`. */
export function toCypher(graph: PatientGraph, options: CypherOptions = {}): string {
  const d = options.dialect ?? 'neo4j';
  const header = [
    `// medical-ner patient graph, ${d === 'neo4j' ? 'Neo4j 5' : 'kuzu'} Cypher. Idempotent: MERGE on uid, then SET.`,
    `// patient ${JSON.stringify(graph.patientId)}: ${graph.noteCount} notes, ${graph.nodeCount} concepts, ${graph.edgeCount} relationships.`,
  ];
  if (d === 'neo4j') header.push('// Run with: cypher-shell -f <this file>');
  return `${header.join('\n')}\n${cypherStatements(graph, options).map((s) => `${s};`).join('\n')}\n`;
}
