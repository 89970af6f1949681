/** Every CLI sub-command registers itself on import. */
import './extract.js';
import './batch.js';
import './info.js';
import './eval.js';
import './bench.js';
import './graph.js';
import './serve.js';
import './mcp.js';
