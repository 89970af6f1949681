/** LangChain.js tools: names, zod schemas, invoke with plain args and with a tool call (content + artifact). */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { validateResult } from '../src/core/schema.js';
import type { ExtractionResult } from '../src/core/types.js';
import { createBuildPatientKnowledgeGraphTool, createExtractMedicalEntitiesTool, createMedicalNerTools } from '../src/langchain/index.js';
import { pipeline } from '../src/pipeline.js';

const SEED = 'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.';
const tools = createMedicalNerTools({ model: 'baseline' });
after(() => tools.dispose());

/** A direct `invoke` returns the tool's content string (the types declare the content-and-artifact pair). */
async function content(p: Promise<unknown>): Promise<string> {
  const v = await p;
  assert.equal(typeof v, 'string', 'a direct invoke returns the content string');
  return v as string;
}

test('the two tools carry the seed names and argument schemas', () => {
  const [extract, graph] = tools;
  assert.equal(extract.name, 'extract_medical_entities');
  assert.equal(graph.name, 'build_patient_knowledge_graph');
  assert.deepEqual(Object.keys(extract.schema.shape).sort(), ['clinical_text', 'entity_types', 'include_relations']);
  assert.ok(Object.keys(graph.schema.shape).includes('patient_notes') && Object.keys(graph.schema.shape).includes('output_format'));
  assert.ok(extract.description.length > 50);
});

test('extract_medical_entities: invoke returns JSON; a tool call returns a ToolMessage with the artifact', async () => {
  const [extract] = tools;
  const out = JSON.parse(await content(extract.invoke({ clinical_text: SEED }))) as ExtractionResult;
  assert.deepEqual(validateResult(out), []);
  for (const e of out.entities) assert.equal(SEED.slice(e.start, e.end), e.text);
  assert.ok(out.entities.some((e) => e.type === 'DRUG' && e.text === 'metformin'));
  const filtered = JSON.parse(await content(extract.invoke({ clinical_text: SEED, entity_types: ['DOSAGE'], include_relations: false }))) as ExtractionResult;
  assert.ok(filtered.entities.length > 0 && filtered.entities.every((e) => e.type === 'DOSAGE'));
  const msg = await extract.invoke({ type: 'tool_call', id: 'call_1', name: 'extract_medical_entities', args: { clinical_text: SEED } });
  assert.equal(msg.tool_call_id, 'call_1');
  assert.deepEqual((msg.artifact as ExtractionResult).entities, out.entities);
});

test('extract_medical_entities rejects bad arguments through its zod schema', async () => {
  const [extract] = tools;
  await assert.rejects(extract.invoke({ clinical_text: 42 } as never));
  await assert.rejects(extract.invoke({ clinical_text: SEED, entity_types: ['NOPE'] } as never));
});

test('build_patient_knowledge_graph: json graph and neo4j/rdf/fhir exports', async () => {
  const [, graph] = tools;
  const notes = [SEED, 'Metformin was continued for type 2 diabetes.'];
  const g = JSON.parse(await content(graph.invoke({ patient_notes: notes }))) as { stats: { notes: number; nodes: number }; nodes: { note_ids: string[] }[] };
  assert.equal(g.stats.notes, 2);
  assert.ok(g.nodes.some((n) => n.note_ids.length === 2));
  assert.match(await content(graph.invoke({ patient_notes: notes, output_format: 'neo4j' })), /MERGE/);
  assert.match(await content(graph.invoke({ patient_notes: notes, output_format: 'rdf' })), /@prefix/);
  assert.equal((JSON.parse(await content(graph.invoke({ patient_notes: notes, output_format: 'fhir' }))) as { resourceType: string }).resourceType, 'Bundle');
  await assert.rejects(graph.invoke({ patient_notes: [] }));
});

test('tools can share an existing pipeline', async () => {
  const p = await pipeline({ model: 'baseline' });
  const extract = createExtractMedicalEntitiesTool({ pipeline: p });
  const graph = createBuildPatientKnowledgeGraphTool({ pipeline: p });
  assert.ok(JSON.parse(await content(extract.invoke({ clinical_text: SEED }))).entities.length > 0);
  assert.ok(JSON.parse(await content(graph.invoke({ patient_notes: [SEED] }))).nodes.length > 0);
  await p.dispose();
});
