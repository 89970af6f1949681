/**
 * The HTTP server (fastify): `POST /v1/extract`, `POST /v1/graph`, `GET /v1/info`, `GET /healthz`,
 * `GET /readyz`, `GET /openapi.json`, interactive docs at `/docs` and the web viewer at `/`.
 *
 * Safe defaults: binds 127.0.0.1 (see `startServer`), body and text-length limits with clear 4xx
 * errors, optional API key (`x-api-key`), no request bodies or note text in the logs, CORS off unless
 * an origin is given.
 */
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PipelineOptions } from '../core/component.js';
import { toResult } from '../core/doc.js';
import { MedicalNerError } from '../core/errors.js';
import { ENTITY_TYPES, PREDICATES } from '../core/types.js';
import { exportFormats } from '../export/index.js';
import { registerWebRoutes } from '../web/index.js';
import { normaliseNotes, runOptionsFromApi } from './api-options.js';
import type { ApiRunFields, NoteInput } from './api-options.js';
import { createExtractor } from './extractor.js';
import type { Extractor } from './extractor.js';
import { graphFormatNames, graphFormats } from './graph-export.js';
import { extractRouteSchema, graphRouteSchema, healthRouteSchema, infoRouteSchema, readyRouteSchema, sharedSchemas } from './schemas.js';
import { NerService, statusOf } from './service.js';
import type { Limits } from './service.js';

export interface ServerOptions {
  /** The pipeline runner; default: `createExtractor(workers, pipelineOptions)`. */
  extractor?: Extractor;
  pipelineOptions?: PipelineOptions;
  /** Worker threads running the pipeline (0: in-process). Default 2. */
  workers?: number;
  limits?: Partial<Limits>;
  /** Largest request body in bytes. Default 10 MiB. */
  bodyLimit?: number;
  /** When set, every /v1/ request needs the header `x-api-key: <apiKey>`. */
  apiKey?: string;
  /** Allowed CORS origin(s), comma-separated, or `*`. Default: CORS off. */
  cors?: string;
  /** pino log level (`silent` to turn logging off). Default `info`. */
  logLevel?: string;
  /** Where logs go. Default stderr. */
  logStream?: NodeJS.WritableStream;
  /** Serve the web viewer at `/`. Default true. */
  web?: boolean;
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** Request fields that are options: schema errors there are 422, elsewhere 400. */
const OPTION_FIELDS = new Set(['entity_types', 'link', 'relations', 'context', 'output_format', 'patient_id']);

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

function validationStatus(issues: ValidationIssue[]): { status: number; code: string } {
  const isOption = (i: ValidationIssue) => {
    const first = (i.instancePath ?? '').split('/')[1] ?? '';
    if (OPTION_FIELDS.has(first)) return true;
    return first === '' && i.keyword === 'additionalProperties'; // an unknown field is an unknown option
  };
  return issues.length > 0 && issues.every(isOption) ? { status: 422, code: 'INVALID_OPTION' } : { status: 400, code: 'INVALID_INPUT' };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ statusCode: status, code, error: STATUS_TEXT[status] ?? 'Error', message });
}

function keyMatches(given: unknown, want: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

function wantsNdjson(req: FastifyRequest): boolean {
  return /application\/(x-)?ndjson|application\/jsonl/.test(String(req.headers.accept ?? ''));
}

export interface BuiltServer {
  app: FastifyInstance;
  service: NerService;
}

/** Builds the fastify app (not listening yet). Closing the app closes the extractor (finishing in-flight work). */
export async function buildServer(options: ServerOptions = {}): Promise<BuiltServer> {
  const extractor = options.extractor ?? createExtractor(options.workers ?? 2, options.pipelineOptions ?? {});
  const service = new NerService(extractor, options.limits);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const apiKey = options.apiKey || undefined;
  const app = Fastify({
    bodyLimit,
    logger: {
      level: options.logLevel ?? 'info',
      stream: options.logStream ?? process.stderr,
      // Never log note text or secrets: fastify's default serializers log method, url and status only;
      // these paths catch anything that would add bodies or headers.
      redact: {
        paths: ['req.body', 'res.body', 'body', 'text', 'texts', 'notes', 'req.headers["x-api-key"]', 'req.headers.authorization', 'headers["x-api-key"]', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false } },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  // Responses are plain JSON.stringify: the response schemas document the API (OpenAPI) without filtering output.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const s of sharedSchemas()) app.addSchema(s);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'medical-ner',
        version: '0.1.0',
        description:
          'Medical named-entity recognition, concept linking, relations and patient knowledge graphs, offline on CPU. Offsets are UTF-16 code units, end-exclusive.',
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
      tags: [
        { name: 'extraction', description: 'Entities, codes and relations of texts' },
        { name: 'graph', description: 'Patient knowledge graphs' },
        { name: 'meta', description: 'Health, readiness and server info' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String((json as { $id?: string }).$id ?? `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true }, staticCSP: true });

  // --- auth & CORS -------------------------------------------------------------------------------
  const origins = (options.cors ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (origins.length) {
    app.addHook('onRequest', async (req, reply) => {
      const origin = req.headers.origin;
      if (typeof origin === 'string' && (origins.includes('*') || origins.includes(origin))) {
        reply.header('access-control-allow-origin', origins.includes('*') ? '*' : origin);
        reply.header('vary', 'Origin');
      }
    });
    app.options('/v1/*', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type, accept, x-api-key')
        .header('access-control-max-age', '600')
        .send(),
    );
  }
  if (apiKey) {
    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/v1/') || req.method === 'OPTIONS') return;
      if (!keyMatches(req.headers['x-api-key'], apiKey)) return sendError(reply, 401, 'UNAUTHORIZED', 'missing or wrong x-api-key header');
    });
  }

  // --- errors --------------------------------------------------------------------------------------
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const { status, code } = validationStatus(err.validation as ValidationIssue[]);
      return sendError(reply, status, code, err.message);
    }
    if (err instanceof MedicalNerError) return sendError(reply, statusOf(err), err.code, err.message);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'INPUT_TOO_LARGE', `request body is larger than the limit of ${bodyLimit} bytes`);
    const status = err.statusCode ?? 500;
    if (status < 500) return sendError(reply, status, status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_INPUT', err.message);
    req.log.error({ err: { type: err.name, code: err.code, stack: err.stack } }, 'request failed');
    return sendError(reply, 500, 'INTERNAL', 'internal error');
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));

  // --- routes --------------------------------------------------------------------------------------
  app.get('/healthz', { schema: healthRouteSchema }, async () => ({ status: 'ok' }));

  let closing = false;
  let loadError: string | undefined;
  extractor.ready().catch((e: Error) => {
    loadError = e.message;
    app.log.error({ err: { message: e.message } }, 'model failed to load');
  });
  app.get('/readyz', { schema: readyRouteSchema }, async (_req, reply) => {
    if (closing) return reply.code(503).send({ status: 'closing' });
    if (loadError) return reply.code(503).send({ status: 'failed', message: loadError });
    if (!extractor.isReady) return reply.code(503).send({ status: 'starting' });
    return { status: 'ready', model: extractor.modelName, workers: options.extractor ? undefined : options.workers ?? 2 };
  });
  app.addHook('preHandler', async (req, reply) => {
    if (loadError && req.url.startsWith('/v1/') && req.method === 'POST') return sendError(reply, 503, 'UNAVAILABLE', `the model failed to load: ${loadError}`);
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    await service.close();
  });

  const formats = exportFormats();
  app.get('/v1/info', { schema: infoRouteSchema }, async () => ({
    model: extractor.modelName ?? null,
    output_formats: exportFormats(),
    graph_formats: graphFormats(),
    entity_types: [...ENTITY_TYPES],
    predicates: [...PREDICATES],
    limits: { max_text_length: service.limits.maxTextLength, max_texts: service.limits.maxTexts, body_limit: bodyLimit },
    api_key_required: apiKey !== undefined,
  }));

  type ExtractBody = ApiRunFields & { text?: string; texts?: NoteInput[]; output_format?: string };
  app.post('/v1/extract', { schema: extractRouteSchema(formats) }, async (req, reply) => {
    const body = req.body as ExtractBody;
    const format = body.output_format ?? 'json';
    const runOptions = runOptionsFromApi(body);
    service.checkFormat(format);
    if (typeof body.text === 'string') {
      const docs = await service.docs([{ id: 'input', text: body.text }], runOptions);
      if (format === 'json') return toResult(docs[0]!);
      const out = await service.format(docs, format);
      return reply.type(out.mediaType).send(out.body);
    }
    const notes = normaliseNotes(body.texts ?? [], 'text');
    service.checkLimits(notes);
    if (wantsNdjson(req)) {
      const lines = async function* () {
        for await (const item of service.stream(notes, runOptions)) {
          if ('error' in item) {
            const e = item.error;
            const code = e instanceof MedicalNerError ? e.code : 'INTERNAL';
            yield JSON.stringify({ index: item.index, id: item.id, error: { code, message: e instanceof MedicalNerError ? e.message : 'internal error' } }) + '\n';
          } else if (format === 'json') {
            yield JSON.stringify({ index: item.index, id: item.id, result: toResult(item.doc) }) + '\n';
          } else {
            yield JSON.stringify({ index: item.index, id: item.id, output: (await service.format([item.doc], format)).body }) + '\n';
          }
        }
      };
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines()));
    }
    const docs = await service.docs(notes, runOptions);
    if (format === 'json') return { results: docs.map((d, index) => ({ index, id: notes[index]!.id, result: toResult(d) })) };
    const out = await service.format(docs, format);
    return reply.type(out.mediaType).send(out.body);
  });

  type GraphBody = ApiRunFields & { notes: NoteInput[]; output_format?: string; patient_id?: string };
  app.post('/v1/graph', { schema: graphRouteSchema() }, async (req, reply) => {
    const body = req.body as GraphBody;
    const notes = normaliseNotes(body.notes, 'note');
    const format = body.output_format ?? 'json';
    if (!graphFormatNames().includes(format)) throw new MedicalNerError('INVALID_OPTION', `unknown output_format "${format}"`);
    const runOptions = runOptionsFromApi(body);
    if (format === 'json') {
      const graph = await service.graph(notes, runOptions, body.patient_id);
      return graph.toJSON();
    }
    const out = await service.graphExport(notes, runOptions, format, body.patient_id);
    return reply.type(out.mediaType).send(out.body);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (options.web !== false) registerWebRoutes(app);
  return { app, service };
}

export interface StartOptions extends ServerOptions {
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Close on SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
}

/** Builds, listens and (by default) shuts down gracefully on SIGTERM/SIGINT. Resolves with the address. */
export async function startServer(options: StartOptions = {}): Promise<BuiltServer & { url: string; closed: Promise<void> }> {
  const built = await buildServer(options);
  const { app } = built;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  app.addHook('onClose', async () => resolveClosed());
  const address = await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
  if (options.handleSignals !== false) {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      const hard = setTimeout(() => {
        app.log.error('shutdown took too long; exiting');
        process.exit(1);
      }, 30_000);
      hard.unref();
      app.close().then(
        () => app.log.info('stopped'),
        (e: Error) => app.log.error({ err: { message: e.message } }, 'error while closing'),
      );
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  }
  return { ...built, url: address, closed };
}
