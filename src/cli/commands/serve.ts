/** `medical-ner serve`: the HTTP API, OpenAPI docs and the web viewer. */
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../../server/service.js';
import { registerCommand } from '../command.js';
import { intFlag, MODEL_FLAGS, MODEL_USAGE, serverPipelineOptions } from '../options.js';

registerCommand({
  name: 'serve',
  summary: 'HTTP API (/v1/extract, /v1/graph), OpenAPI docs at /docs and the web viewer at /',
  usage: `medical-ner serve [--port 8080] [--host 127.0.0.1] [options]
  --port <n>                port (default 8080; 0 picks a free one)
  --host <addr>             address to bind (default 127.0.0.1, loopback only)
  --workers <n>             worker threads running the pipeline (default 2; 0 = in-process)
  --api-key <key>           require the header x-api-key on /v1/ (default: env MEDICAL_NER_API_KEY)
  --cors <origin>           allow this origin (comma-separated, or *); default CORS off
  --body-limit <bytes>      largest request body (default ${10 * 1024 * 1024})
  --max-length <n>          longest text, UTF-16 code units (default ${DEFAULT_LIMITS.maxTextLength})
  --max-texts <n>           most texts per request (default ${DEFAULT_LIMITS.maxTexts})
  --log-level <level>       pino level: fatal, error, warn, info (default), debug, silent
  --no-web                  do not serve the web viewer
${MODEL_USAGE}
Request bodies and note text are never logged. SIGTERM/SIGINT: stop accepting, finish in-flight requests, stop workers.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        workers: { type: 'string' },
        'api-key': { type: 'string' },
        cors: { type: 'string' },
        'body-limit': { type: 'string' },
        'max-texts': { type: 'string' },
        'log-level': { type: 'string' },
        'no-web': { type: 'boolean' },
        'max-length': { type: 'string' },
        ...MODEL_FLAGS,
      },
      allowPositionals: false,
    });
    const pipelineOptions = serverPipelineOptions(values, DEFAULT_LIMITS.maxTextLength);
    const { maxTextLength } = pipelineOptions;
    // loaded here, not at the top: every other command would carry fastify's ~15 MB
    const { startServer } = await import('../../server/app.js');
    const { url, closed } = await startServer({
      port: intFlag(values.port, 'port', 0) ?? 8080,
      host: values.host ?? '127.0.0.1',
      workers: intFlag(values.workers, 'workers', 0) ?? 2,
      apiKey: values['api-key'] ?? (process.env.MEDICAL_NER_API_KEY || undefined),
      cors: values.cors,
      bodyLimit: intFlag(values['body-limit'], 'body-limit'),
      limits: { maxTextLength, maxTexts: intFlag(values['max-texts'], 'max-texts') ?? DEFAULT_LIMITS.maxTexts },
      logLevel: values['log-level'] ?? 'info',
      web: !values['no-web'],
      pipelineOptions,
    });
    process.stderr.write(`medical-ner: listening on ${url} (viewer ${url}/, docs ${url}/docs)\n`);
    await closed;
    return 0;
  },
});
