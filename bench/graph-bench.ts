/**
 * Patient-graph benchmark: builds graphs from 250, 500 and 1,000 synthetic notes (hand-made Docs with
 * codes, sentences and relations, so no model runs) and prints JSON figures: build time (addNote for
 * every note), re-adding every note (the same-id no-op path), toJSON and each export's time, and the
 * graph's size. Linear time shows as a constant `build_us_per_note` and `build_ratio_vs_smallest`
 * close to notes / smallest notes.
 *
 *   node --import tsx bench/graph-bench.ts [--sizes 250,500,1000] [--repeat 5]
 */
import { parseArgs } from 'node:util';
import type { Doc, Entity, EntityType, Predicate, Relation } from '../src/core/types.js';
import { exportGraph } from '../src/export/registry.js';
import { PatientGraph } from '../src/graph/patient-graph.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '250,500,1000' }, repeat: { type: 'string', default: '5' } } });
const sizes = values.sizes!.split(',').map(Number);
const repeat = Math.max(1, Number(values.repeat));

/** A deterministic pseudo-random generator (mulberry32), so every run sees the same notes. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DRUGS = Array.from({ length: 80 }, (_, i) => [`drug${i}`, `C1${String(i).padStart(6, '0')}`] as const);
const DISEASES = Array.from({ length: 120 }, (_, i) => [`disease${i}`, `C2${String(i).padStart(6, '0')}`] as const);
const TESTS = Array.from({ length: 30 }, (_, i) => [`test${i}`, `C3${String(i).padStart(6, '0')}`] as const);

function syntheticNote(i: number): Doc {
  const r = rng(i + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  let text = '';
  const entities: Entity[] = [];
  const relations: Relation[] = [];
  const sentences: { start: number; end: number }[] = [];
  const ent = (s: string, type: EntityType, cui?: string, attributes?: Record<string, unknown>): Entity => {
    const start = text.length;
    text += s;
    const e: Entity = { id: `T${entities.length + 1}`, text: s, type, start, end: text.length, confidence: 0.5 + r() / 2 };
    if (cui) e.codes = { umls_cui: cui };
    if (attributes) e.attributes = attributes;
    entities.push(e);
    return e;
  };
  const rel = (s: Entity, p: Predicate, o: Entity, sentStart: number) => {
    relations.push({ id: `R${relations.length + 1}`, subject: s.id, predicate: p, object: o.id, confidence: 0.5 + r() / 2, evidence: { start: sentStart, end: text.length, text: text.slice(sentStart) } });
  };
  for (let k = 0; k < 4; k++) {
    const s0 = text.length;
    text += 'Patient takes ';
    const [dn, dc] = pick(DRUGS);
    const d = ent(dn, 'DRUG', dc);
    text += ' ';
    const dose = ent(`${Math.ceil(r() * 10) * 100}mg`, 'DOSAGE');
    text += ' for ';
    const [xn, xc] = pick(DISEASES);
    const x = ent(xn, 'DISEASE', xc, r() < 0.2 ? { assertion: 'absent' } : r() < 0.1 ? { experiencer: 'family' } : undefined);
    text += '.';
    rel(d, 'TREATS', x, s0);
    rel(dose, 'DOSAGE_OF', d, s0);
    sentences.push({ start: s0, end: text.length });
    text += ' ';
    const s1 = text.length;
    const [tn, tc] = pick(TESTS);
    const t = ent(tn, 'LAB_TEST', tc);
    text += ' was ';
    ent(`${(r() * 10).toFixed(1)}%`, 'LAB_VALUE');
    text += '.';
    rel(t, 'TEST_FOR', x, s1);
    sentences.push({ start: s1, end: text.length });
    text += ' ';
  }
  return { id: `note-${i}`, text: text.trimEnd(), entities, relations, sentences };
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Best of the repeats: the least disturbed by other load on a shared machine. */
const best = (xs: number[]) => Math.min(...xs);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const allDocs = Array.from({ length: Math.max(...sizes) }, (_, i) => syntheticNote(i));
// warm-up (JIT)
{
  const g = new PatientGraph();
  for (const d of allDocs.slice(0, 200)) g.addNote(d);
  g.toJSON();
}

const results: Record<string, unknown>[] = [];
for (const n of sizes) {
  const docs = allDocs.slice(0, n);
  const build: number[] = [];
  const readd: number[] = [];
  const json: number[] = [];
  const exportsMs: Record<string, number[]> = { cypher: [], turtle: [], fhir: [] };
  let graph!: PatientGraph;
  for (let k = 0; k < repeat; k++) {
    graph = new PatientGraph();
    const g = graph;
    build.push(time(() => docs.forEach((d) => g.addNote(d, d.id))));
    readd.push(time(() => docs.forEach((d) => g.addNote(d, d.id))));
    json.push(time(() => JSON.stringify(g.toJSON())));
    for (const f of Object.keys(exportsMs)) exportsMs[f]!.push(time(() => exportGraph(g, f)));
  }
  const s = graph.toJSON().stats;
  results.push({
    notes: n,
    entities: docs.reduce((a, d) => a + d.entities.length, 0),
    relations: docs.reduce((a, d) => a + d.relations.length, 0),
    nodes: s.nodes,
    edges: s.edges,
    build_ms: round(best(build)),
    build_us_per_note: round((best(build) * 1000) / n, 1),
    readd_same_notes_ms: round(best(readd)),
    to_json_ms: round(best(json)),
    export_ms: Object.fromEntries(Object.entries(exportsMs).map(([f, xs]) => [f, round(best(xs))])),
  });
}
const base = results[0]!;
for (const r of results) {
  r.build_ratio_vs_smallest = round((r.build_ms as number) / (base.build_ms as number));
  r.notes_ratio_vs_smallest = round((r.notes as number) / (base.notes as number));
}
process.stdout.write(JSON.stringify({ bench: 'patient-graph', node: process.version, repeat, results }, null, 2) + '\n');
