/** `medical-ner mcp`: the MCP server (stdio by default, streamable HTTP with --http). */
import { parseArgs } from 'node:util';
import { createExtractor } from '../../server/extractor.js';
import { DEFAULT_LIMITS, NerService } from '../../server/service.js';
import { registerCommand } from '../command.js';
import { intFlag, MODEL_FLAGS, MODEL_USAGE, serverPipelineOptions } from '../options.js';

registerCommand({
  name: 'mcp',
  summary: 'MCP server with extract_medical_entities and build_patient_knowledge_graph (stdio, or --http)',
  usage: `medical-ner mcp [--http [--port 8765] [--host 127.0.0.1]] [options]
  --http                    streamable HTTP at http://host:port/mcp instead of stdio
  --port <n>                port for --http (default 8765; 0 picks a free one)
  --host <addr>             address for --http (default 127.0.0.1)
  --api-key <key>           with --http: require x-api-key (default: env MEDICAL_NER_API_KEY)
  --workers <n>             worker threads running the pipeline (default 0 = in-process)
  --max-length <n>          longest text, UTF-16 code units (default ${DEFAULT_LIMITS.maxTextLength})
${MODEL_USAGE}`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        http: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        workers: { type: 'string' },
        'max-length': { type: 'string' },
        ...MODEL_FLAGS,
      },
      allowPositionals: false,
    });
    const pipelineOptions = serverPipelineOptions(values, DEFAULT_LIMITS.maxTextLength);
    const { maxTextLength } = pipelineOptions;
    // loaded here, not at the top: every other command would carry the MCP SDK
    const { serveHttp, serveStdio } = await import('../../mcp/server.js');
    const service = new NerService(createExtractor(intFlag(values.workers, 'workers', 0) ?? 0, pipelineOptions), { maxTextLength });
    if (!values.http) {
      await serveStdio(service);
      await service.close();
      return 0;
    }
    const srv = await serveHttp(service, {
      port: intFlag(values.port, 'port', 0) ?? 8765,
      host: values.host ?? '127.0.0.1',
      apiKey: values['api-key'] ?? (process.env.MEDICAL_NER_API_KEY || undefined),
    });
    process.stderr.write(`medical-ner: MCP (streamable HTTP) on ${srv.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await srv.close();
    await service.close();
    return 0;
  },
});
