/** The MCP server: the two seed tools over in-memory, stdio (spawned CLI command) and streamable HTTP transports. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { validateResult } from '../src/core/schema.js';
import type { ExtractionResult } from '../src/core/types.js';
import { createMcpServer, serveHttp } from '../src/mcp/index.js';
import { InProcessExtractor, NerService } from '../src/server/index.js';

const SEED = 'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.';
const NOTES = [SEED, 'Metformin was continued for type 2 diabetes. Aspirin 81 mg daily.'];

async function exercise(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  const byName = new Map(tools.map((t) => [t.name, t]));
  const ex = byName.get('extract_medical_entities');
  const gr = byName.get('build_patient_knowledge_graph');
  assert.ok(ex && gr, `tools: ${[...byName.keys()].join(', ')}`);
  assert.deepEqual(ex.inputSchema.required, ['clinical_text']);
  assert.ok(ex.inputSchema.properties?.entity_types && ex.inputSchema.properties.include_relations);
  assert.ok(ex.outputSchema?.properties?.entities);
  assert.deepEqual(gr.inputSchema.required, ['patient_notes']);
  assert.deepEqual((gr.inputSchema.properties?.output_format as { enum: string[] }).enum, ['json', 'neo4j', 'rdf', 'fhir']);

  const r = (await client.callTool({ name: 'extract_medical_entities', arguments: { clinical_text: SEED } })) as CallToolResult;
  assert.ok(!r.isError, JSON.stringify(r.content));
  const out = r.structuredContent as unknown as ExtractionResult;
  assert.deepEqual(validateResult(out), []);
  for (const e of out.entities) assert.equal(SEED.slice(e.start, e.end), e.text);
  assert.ok(out.entities.some((e) => e.text === 'metformin' && e.type === 'DRUG'));
  assert.deepEqual(JSON.parse((r.content[0] as { text: string }).text), out);

  const only = (await client.callTool({ name: 'extract_medical_entities', arguments: { clinical_text: SEED, entity_types: ['DISEASE'], include_relations: false } })) as CallToolResult;
  const o2 = only.structuredContent as unknown as ExtractionResult;
  assert.ok(o2.entities.length > 0 && o2.entities.every((e) => e.type === 'DISEASE'));
  assert.deepEqual(o2.relations, []);

  const g = (await client.callTool({ name: 'build_patient_knowledge_graph', arguments: { patient_notes: NOTES } })) as CallToolResult;
  assert.ok(!g.isError, JSON.stringify(g.content));
  const sc = g.structuredContent as { output_format: string; stats: { notes: number; nodes: number }; graph: { nodes: { note_ids: string[] }[] } };
  assert.equal(sc.output_format, 'json');
  assert.equal(sc.stats.notes, 2);
  assert.ok(sc.graph.nodes.some((n) => n.note_ids.length === 2), 'metformin/diabetes merged across notes');
  for (const [fmt, re] of [['neo4j', /MERGE/], ['rdf', /@prefix/], ['fhir', /"resourceType": "Bundle"/]] as const) {
    const x = (await client.callTool({ name: 'build_patient_knowledge_graph', arguments: { patient_notes: NOTES, output_format: fmt } })) as CallToolResult;
    assert.ok(!x.isError, `${fmt}: ${JSON.stringify(x.content)}`);
    assert.match((x.structuredContent as { output: string }).output, re);
    assert.match((x.content[0] as { text: string }).text, re);
  }

  // Invalid arguments are refused by the input schema; pipeline errors come back as tool errors.
  const bad = (await client.callTool({ name: 'build_patient_knowledge_graph', arguments: { patient_notes: NOTES, output_format: 'docx' } })) as CallToolResult;
  assert.equal(bad.isError, true);
  const big = (await client.callTool({ name: 'extract_medical_entities', arguments: { clinical_text: 'x'.repeat(200_001) } })) as CallToolResult;
  assert.equal(big.isError, true);
  assert.match((big.content[0] as { text: string }).text, /INPUT_TOO_LARGE/);
}

describe('MCP server', () => {
  let service: NerService;
  before(() => {
    service = new NerService(new InProcessExtractor({ model: 'baseline' }), { maxTextLength: 200_000 });
  });
  after(() => service.close());

  test('in-memory transport: tools, schemas, structured outputs, errors', async () => {
    const [clientT, serverT] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(service);
    await server.connect(serverT);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientT);
    try {
      await exercise(client);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('streamable HTTP transport (stateless) with an API key', async () => {
    const http = await serveHttp(service, { port: 0, apiKey: 'mcp-key' });
    try {
      const denied = await fetch(http.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
      assert.equal(denied.status, 401);
      const client = new Client({ name: 'test-http', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { 'x-api-key': 'mcp-key' } } }));
      try {
        await exercise(client);
      } finally {
        await client.close();
      }
    } finally {
      await http.close();
    }
  });
});

test('`mcp` command over stdio (spawned, driven by the SDK client)', async () => {
  const here = new URL('.', import.meta.url).pathname;
  const driver = `import { cliCommands } from '${here}../src/cli/command.ts'; await import('${here}../src/cli/commands/mcp.ts'); process.exitCode = await cliCommands.create('mcp').run(process.argv.slice(1));`;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', '--input-type=module', '-e', driver, '--', '--model', 'baseline', '--max-length', '200000'],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'test-stdio', version: '1.0.0' });
  await client.connect(transport);
  try {
    await exercise(client);
  } finally {
    await client.close();
  }
});
