/** The MCP server and the seed tools' shared definitions. */
export { MCP_SERVER_NAME, MCP_SERVER_VERSION, createMcpServer, serveHttp, serveStdio } from './server.js';
export type { McpHttpOptions } from './server.js';
export * from './tools.js';
