/** The HTTP server and the pieces the MCP server and LangChain tools share with it. */
export { buildServer, startServer, DEFAULT_BODY_LIMIT } from './app.js';
export type { BuiltServer, ServerOptions, StartOptions } from './app.js';
export { InProcessExtractor, WorkerPool, createExtractor, runAll } from './extractor.js';
export type { Extractor } from './extractor.js';
export { NerService, DEFAULT_LIMITS, statusOf } from './service.js';
export type { Limits } from './service.js';
export { runOptionsFromApi, normaliseNotes, parseEntityTypeList } from './api-options.js';
export type { ApiRunFields, Note, NoteInput } from './api-options.js';
export { GRAPH_FORMAT_ALIASES, exportPatientGraph, graphFormat, graphFormatNames, graphFormats, mediaTypeOf } from './graph-export.js';
