// Temporary alias kept while the server code moves to src/export/registry.ts.
export { exportDocs as formatDocs, exportFormats as outputFormats, extensionOf as extensionFor } from '../export/registry.js';
