/** The viewer's HTML and CSS (served by the HTTP server at `/`; no CDN, no external requests). */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>medical-ner viewer</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body data-state="loading">
<header>
  <h1>medical-ner <small>viewer</small></h1>
  <span id="model" class="muted"></span>
  <nav><a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a></nav>
</header>
<main>
  <section class="input">
    <div id="drop" class="drop">
      <textarea id="note" spellcheck="false" placeholder="Paste a clinical note here, or drop a .txt file…"></textarea>
    </div>
    <div class="controls">
      <label class="file">Open .txt <input id="file" type="file" accept=".txt,text/plain"></label>
      <label><input id="opt-link" type="checkbox" checked> codes</label>
      <label><input id="opt-relations" type="checkbox" checked> relations</label>
      <label><input id="opt-context" type="checkbox" checked> context</label>
      <button id="extract" class="primary">Extract</button>
    </div>
    <div id="key-row" class="controls"><label>API key <input id="api-key" type="password" autocomplete="off" placeholder="only if the server needs one"></label></div>
    <div id="status" class="status" role="status">Paste a note and click Extract (Ctrl+Enter).</div>
  </section>
  <section class="legend-box">
    <h2>Entity types</h2>
    <div id="legend" class="legend"></div>
    <div class="downloads">
      <span>Download:</span>
      <button class="dl" data-format="json" disabled>JSON</button>
      <button class="dl" data-format="fhir" disabled>FHIR</button>
      <button class="dl" data-format="cypher" disabled>Cypher</button>
      <button class="dl" data-format="turtle" disabled>Turtle</button>
    </div>
  </section>
  <section class="doc-box">
    <h2>Entities</h2>
    <div id="doc" class="doc"><span class="muted">Highlighted entities appear here; hover one for its codes.</span></div>
  </section>
  <section class="rel-box">
    <h2>Relations</h2>
    <ul id="relations" class="relations"></ul>
  </section>
  <section class="graph-box">
    <h2>Patient graph <span id="graph-stats" class="muted" data-nodes="0" data-edges="0"></span></h2>
    <div id="graph" class="graph"></div>
  </section>
</main>
<script src="/assets/cytoscape.min.js"></script>
<script src="/assets/app.js"></script>
</body>
</html>
`;

export const APP_CSS = `
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; background: #f5f7fa; }
header { display: flex; align-items: baseline; gap: 16px; padding: 10px 20px; background: #243b53; color: #fff; }
header h1 { margin: 0; font-size: 20px; }
header small { font-weight: normal; opacity: .7; }
header nav { margin-left: auto; }
header a { color: #bcccdc; }
header .muted { color: #bcccdc; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 14px; padding: 14px 20px; }
section { background: #fff; border: 1px solid #d9e2ec; border-radius: 8px; padding: 10px 14px; }
h2 { margin: 0 0 8px; font-size: 15px; color: #334e68; }
.input { grid-column: 1; }
.legend-box { grid-column: 2; }
.doc-box { grid-column: 1; }
.rel-box { grid-column: 2; }
.graph-box { grid-column: 1 / span 2; }
.drop { border: 2px dashed transparent; border-radius: 6px; }
.drop.over { border-color: #2e86ab; background: #e3f2fd; }
textarea { width: 100%; min-height: 150px; resize: vertical; font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; padding: 8px; border: 1px solid #bcccdc; border-radius: 6px; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 14px; margin-top: 8px; }
.controls input[type=password] { padding: 3px 6px; }
.file input { display: none; }
.file { cursor: pointer; color: #2e86ab; text-decoration: underline; }
button { font: inherit; padding: 5px 12px; border-radius: 6px; border: 1px solid #9fb3c8; background: #fff; cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
button.primary { background: #2e86ab; border-color: #2e86ab; color: #fff; font-weight: 600; }
.status { margin-top: 8px; color: #486581; }
.status.error { color: #c62828; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.legend-item { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; white-space: nowrap; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
.downloads { margin-top: 12px; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.doc { white-space: pre-wrap; font: 13.5px/2.1 ui-monospace, Menlo, Consolas, monospace; max-height: 420px; overflow: auto; }
mark.ent { background: color-mix(in srgb, var(--c) 22%, white); border-bottom: 2px solid var(--c); border-radius: 3px; padding: 1px 2px; cursor: help; }
mark.ent sup { font: 600 9px/1 system-ui, sans-serif; color: var(--c); margin-left: 2px; vertical-align: super; }
mark.ent.negated { text-decoration: line-through; text-decoration-color: #7b8794; }
mark.ent.hidden { background: none; border-bottom-color: transparent; cursor: text; }
mark.ent.hidden sup { display: none; }
.relations { margin: 0; padding-left: 18px; max-height: 420px; overflow: auto; }
.relations .pred { font: 600 11px/1 ui-monospace, monospace; background: #e4e7eb; padding: 2px 5px; border-radius: 4px; }
.relations .empty { color: #7b8794; list-style: none; margin-left: -18px; }
.graph { height: 420px; border: 1px solid #e4e7eb; border-radius: 6px; background: #fbfcfd; }
.muted { color: #7b8794; font-weight: normal; font-size: 12px; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } .input, .legend-box, .doc-box, .rel-box, .graph-box { grid-column: 1; } }
`;
