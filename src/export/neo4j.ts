/**
 * `pushToNeo4j(graph, uri, auth)`: write the patient graph into a running Neo4j with the official driver.
 * Same model and `MERGE` keys as the Cypher script (see cypher.ts), but every value is a query parameter
 * (batched with `UNWIND $rows`), so nothing is spliced into query text. Labels and relationship types
 * cannot be parameters in Cypher; they come from the fixed entity-type and predicate lists only.
 */
import { PREDICATES } from '../core/types.js';
import type { PatientGraph } from '../graph/patient-graph.js';
import { cypherSchema } from './cypher.js';
import { CONCEPT_COLUMNS, EDGE_COLUMNS, MENTION_COLUMNS, NOTE_COLUMNS, TYPE_LABELS, graphRows, type Column, type RowOptions, type Value } from './graph-rows.js';

export interface Neo4jAuth {
  user: string;
  password: string;
}

export interface PushOptions extends RowOptions {
  /** Database name (Neo4j 4+/5 multi-database); default: the server's default database. */
  database?: string;
  /** Rows per UNWIND batch. Default 500. */
  batchSize?: number;
}

export interface PushSummary {
  notes: number;
  concepts: number;
  mentions: number;
  relationships: number;
}

export async function pushToNeo4j(graph: PatientGraph, uri: string, auth: Neo4jAuth, options: PushOptions = {}): Promise<PushSummary> {
  const neo4j = (await import('neo4j-driver')).default;
  const toParam = (columns: Column[], props: Record<string, Value>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const v = props[c.name] ?? null;
      out[c.name] = c.type === 'INT64' && typeof v === 'number' ? neo4j.int(v) : v;
    }
    return out;
  };
  const rows = graphRows(graph, options);
  const batch = Math.max(1, options.batchSize ?? 500);
  const driver = neo4j.driver(uri, neo4j.auth.basic(auth.user, auth.password));
  const session = driver.session(options.database ? { database: options.database } : {});
  const run = async (query: string, all: Record<string, unknown>[]) => {
    for (let i = 0; i < all.length; i += batch) {
      const chunk = all.slice(i, i + batch);
      await session.executeWrite((tx) => tx.run(query, { rows: chunk }));
    }
  };
  try {
    for (const s of cypherSchema('neo4j')) await session.run(s);
    await session.executeWrite((tx) => tx.run('MERGE (p:Patient {id: $id})', { id: rows.patientId }));
    await run(
      'UNWIND $rows AS row MERGE (n:Note {uid: row.uid}) SET n += row.props ' +
        'WITH n, row MATCH (p:Patient {id: row.props.patient_id}) MERGE (p)-[:HAS_NOTE]->(n)',
      rows.notes.map((n) => ({ uid: n.uid, props: toParam(NOTE_COLUMNS, n.props) })),
    );
    for (const label of TYPE_LABELS) {
      const concepts = rows.concepts.filter((c) => c.label === label);
      if (!concepts.length) continue;
      await run(
        `UNWIND $rows AS row MERGE (c:Concept {uid: row.uid}) REMOVE c:${TYPE_LABELS.join(':')} SET c:${label} SET c += row.props`,
        concepts.map((c) => ({ uid: c.uid, props: toParam(CONCEPT_COLUMNS, c.props) })),
      );
    }
    await run(
      'UNWIND $rows AS row MATCH (c:Concept {uid: row.concept}), (n:Note {uid: row.note}) ' +
        'MERGE (c)-[m:MENTIONED_IN {entity: row.entity}]->(n) SET m += row.props',
      rows.mentions.map((m) => ({ concept: m.concept, note: m.note, entity: m.entity, props: toParam(MENTION_COLUMNS, m.props) })),
    );
    const types = PREDICATES.filter((p) => rows.edges.some((e) => e.type === p));
    for (const type of types) {
      await run(
        `UNWIND $rows AS row MATCH (s:Concept {uid: row.subject}), (o:Concept {uid: row.object}) MERGE (s)-[r:${type}]->(o) SET r += row.props`,
        rows.edges.filter((e) => e.type === type).map((e) => ({ subject: e.subject, object: e.object, props: toParam(EDGE_COLUMNS, e.props) })),
      );
    }
  } finally {
    await session.close();
    await driver.close();
  }
  return { notes: rows.notes.length, concepts: rows.concepts.length, mentions: rows.mentions.length, relationships: rows.edges.length };
}
