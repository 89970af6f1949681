/**
 * The MCP server: the seed tools `extract_medical_entities` and `build_patient_knowledge_graph`,
 * with zod (JSON-Schema) inputs and structured outputs. Transports: stdio (default) or streamable
 * HTTP (stateless: one server and transport per request).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MedicalNerError } from '../core/errors.js';
import type { NerService } from '../server/service.js';
import {
  EXTRACT_TOOL_DESCRIPTION,
  EXTRACT_TOOL_NAME,
  GRAPH_TOOL_DESCRIPTION,
  GRAPH_TOOL_NAME,
  extractInputShape,
  extractOutputShape,
  graphInputShape,
  graphOutputShape,
  runExtractTool,
  runGraphTool,
} from './tools.js';

export const MCP_SERVER_NAME = 'medical-ner';
export const MCP_SERVER_VERSION = '0.1.0';

function errorResult(e: unknown): CallToolResult {
  const msg = e instanceof MedicalNerError ? `${e.code}: ${e.message}` : `internal error: ${(e as Error)?.message ?? String(e)}`;
  return { isError: true, content: [{ type: 'text', text: msg }] };
}

/** An McpServer with the two tools registered on `service`. Connect it to any transport. */
export function createMcpServer(service: NerService): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION });
  server.registerTool(
    EXTRACT_TOOL_NAME,
    {
      title: 'Extract medical entities',
      description: EXTRACT_TOOL_DESCRIPTION,
      inputSchema: extractInputShape,
      outputSchema: extractOutputShape,
      annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
    },
    async (args) => {
      try {
        const result = await runExtractTool(service, args);
        return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result as unknown as Record<string, unknown> };
      } catch (e) {
        return errorResult(e);
      }
    },
  );
  server.registerTool(
    GRAPH_TOOL_NAME,
    {
      title: 'Build a patient knowledge graph',
      description: GRAPH_TOOL_DESCRIPTION,
      inputSchema: graphInputShape,
      outputSchema: graphOutputShape,
      annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
    },
    async (args) => {
      try {
        const out = await runGraphTool(service, args);
        const text = out.output ?? JSON.stringify(out.graph);
        return { content: [{ type: 'text', text }], structuredContent: out as unknown as Record<string, unknown> };
      } catch (e) {
        return errorResult(e);
      }
    },
  );
  return server;
}

/** Serves MCP over stdin/stdout until stdin closes. Nothing else may write to stdout meanwhile. */
export async function serveStdio(service: NerService): Promise<void> {
  const server = createMcpServer(service);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
}

export interface McpHttpOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Endpoint path. Default `/mcp`. */
  path?: string;
  /** When set, requests need `x-api-key` (or `Authorization: Bearer <key>`). */
  apiKey?: string;
  /** Largest request body in bytes. Default 10 MiB. */
  bodyLimit?: number;
}

function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new MedicalNerError('INPUT_TOO_LARGE', `request body is larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
      } catch {
        reject(new MedicalNerError('INVALID_INPUT', 'malformed JSON'));
      }
    });
    req.on('error', reject);
  });
}

function jsonRpcError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function authorised(req: IncomingMessage, key: string): boolean {
  const h = req.headers['x-api-key'] ?? (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined);
  if (typeof h !== 'string') return false;
  const a = Buffer.from(h);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Serves MCP over streamable HTTP (stateless, JSON responses) at `http://host:port/mcp`. */
export async function serveHttp(service: NerService, options: McpHttpOptions = {}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const path = options.path ?? '/mcp';
  const limit = options.bodyLimit ?? 10 * 1024 * 1024;
  const http = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (url.pathname !== path) return jsonRpcError(res, 404, `not found; the MCP endpoint is ${path}`);
    if (options.apiKey && !authorised(req, options.apiKey)) return jsonRpcError(res, 401, 'missing or wrong x-api-key header');
    if (req.method !== 'POST') return jsonRpcError(res, 405, 'method not allowed (stateless server: POST only)');
    let body: unknown;
    try {
      body = await readBody(req, limit);
    } catch (e) {
      return jsonRpcError(res, e instanceof MedicalNerError && e.code === 'INPUT_TOO_LARGE' ? 413 : 400, (e as Error).message);
    }
    const server = createMcpServer(service);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (e) {
      if (!res.headersSent) jsonRpcError(res, 500, (e as Error).message);
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8765, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const host = options.host ?? '127.0.0.1';
  return {
    server: http,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}
