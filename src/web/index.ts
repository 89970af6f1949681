/**
 * The web viewer: one static page served by the HTTP server at `/`, with cytoscape served from the
 * installed package (no CDN). The assets are generated from TypeScript, so the built package needs no
 * extra files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { clientMain } from './client.js';
import { APP_CSS, INDEX_HTML } from './page.js';

/** The viewer's script: the compiled `clientMain`, called once. `__name` is defined in case a dev loader (tsx) added calls to it. */
export function appJs(): string {
  return `"use strict";\nvar __name = function (f) { return f; };\n(${clientMain.toString()})();\n`;
}

let cytoscapeSource: string | undefined;
export function cytoscapeJs(): string {
  cytoscapeSource ??= readFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'), 'utf8');
  return cytoscapeSource;
}

export { APP_CSS, INDEX_HTML, clientMain };

export function registerWebRoutes(app: FastifyInstance): void {
  const js = appJs();
  const hide = { schema: { hide: true } };
  const csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  app.get('/', hide, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', csp).header('x-content-type-options', 'nosniff').send(INDEX_HTML),
  );
  app.get('/assets/app.js', hide, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(js));
  app.get('/assets/app.css', hide, async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(APP_CSS));
  app.get('/assets/cytoscape.min.js', hide, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(cytoscapeJs()));
}
