/**
 * The viewer's browser code. It is written as one self-contained function (no imports, no outer
 * references) so the server can send `(${clientMain})()` as /assets/app.js: compiled by tsc with
 * the rest of the package and type-checked against the DOM library.
 */
export function clientMain(): void {
  type Entity = { id: string; text: string; type: string; start: number; end: number; confidence: number; codes?: Record<string, string>; preferred_name?: string; attributes?: Record<string, unknown> };
  type Relation = { id: string; subject: string; predicate: string; object: string; confidence: number };
  type Result = { entities: Entity[]; relations: Relation[]; triples: [string, string, string][] };
  type GNode = { id: string; type: string; label: string; confidence: number; mention_count: number; codes: Record<string, string> };
  type GEdge = { id: string; subject: string; predicate: string; object: string; confidence: number; negated: boolean };
  type Graph = { nodes: GNode[]; edges: GEdge[] };
  type Cy = { nodes(sel?: string): { length: number; forEach(f: (n: { data(k: string): unknown; style(k: string, v: string): void }) => void): void }; destroy(): void; layout(o: object): { run(): void } };

  const COLOURS: Record<string, string> = {
    DISEASE: '#e4572e',
    DRUG: '#2e86ab',
    GENE: '#8e44ad',
    ANATOMY: '#c98b2b',
    PROCEDURE: '#17a398',
    LAB_TEST: '#3a5a98',
    LAB_VALUE: '#6c8ead',
    DOSAGE: '#4caf50',
    DURATION: '#9e7b5b',
    SEVERITY: '#d6336c',
  };
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const input = $<HTMLTextAreaElement>('note');
  const status = $<HTMLDivElement>('status');
  const docView = $<HTMLDivElement>('doc');
  const legend = $<HTMLDivElement>('legend');
  const relList = $<HTMLUListElement>('relations');
  const graphBox = $<HTMLDivElement>('graph');
  const graphStats = $<HTMLSpanElement>('graph-stats');
  const keyInput = $<HTMLInputElement>('api-key');
  const state: { types: string[]; hidden: Set<string>; result?: Result; graph?: Graph; cy?: Cy; text: string } = { types: Object.keys(COLOURS), hidden: new Set(), text: '' };

  const setStatus = (msg: string, error = false) => {
    status.textContent = msg;
    status.className = error ? 'status error' : 'status';
  };
  const options = () => ({
    link: ($<HTMLInputElement>('opt-link')).checked,
    relations: ($<HTMLInputElement>('opt-relations')).checked,
    context: ($<HTMLInputElement>('opt-context')).checked,
  });

  async function api(path: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const key = keyInput.value.trim();
    if (key) headers['x-api-key'] = key;
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) {
      let msg = `HTTP ${res.status}`;
      try {
        const j = (await res.json()) as { message?: string };
        if (j.message) msg += `: ${j.message}`;
      } catch {
        /* not JSON */
      }
      throw new Error(msg);
    }
    return res;
  }

  function renderLegend(): void {
    legend.replaceChildren();
    for (const t of state.types) {
      const label = document.createElement('label');
      label.className = 'legend-item';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !state.hidden.has(t);
      box.dataset.type = t;
      box.addEventListener('change', () => {
        if (box.checked) state.hidden.delete(t);
        else state.hidden.add(t);
        applyFilter();
      });
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = COLOURS[t] ?? '#888';
      const count = state.result ? state.result.entities.filter((e) => e.type === t).length : 0;
      label.append(box, sw, document.createTextNode(` ${t} (${count})`));
      legend.append(label);
    }
  }

  function tooltip(e: Entity): string {
    const lines = [`${e.type} · ${e.text}`, `confidence ${e.confidence}`];
    if (e.preferred_name) lines.push(`preferred: ${e.preferred_name}`);
    for (const [k, v] of Object.entries(e.codes ?? {})) lines.push(`${k}: ${v}`);
    for (const k of ['assertion', 'experiencer', 'temporality', 'source']) {
      const v = e.attributes?.[k];
      if (typeof v === 'string') lines.push(`${k}: ${v}`);
    }
    return lines.join('\n');
  }

  function renderDoc(): void {
    const text = state.text;
    const ents = [...(state.result?.entities ?? [])].sort((a, b) => a.start - b.start || b.end - a.end);
    docView.replaceChildren();
    let pos = 0;
    for (const e of ents) {
      if (e.start < pos) continue; // nested or overlapping: the outer span is shown
      if (e.start > pos) docView.append(document.createTextNode(text.slice(pos, e.start)));
      const m = document.createElement('mark');
      m.className = 'ent';
      m.dataset.type = e.type;
      m.dataset.id = e.id;
      m.style.setProperty('--c', COLOURS[e.type] ?? '#888');
      m.title = tooltip(e);
      m.textContent = text.slice(e.start, e.end);
      const tag = document.createElement('sup');
      tag.textContent = e.type;
      m.append(tag);
      if (e.attributes?.assertion === 'absent') m.classList.add('negated');
      docView.append(m);
      pos = e.end;
    }
    if (pos < text.length) docView.append(document.createTextNode(text.slice(pos)));
  }

  function renderRelations(): void {
    relList.replaceChildren();
    const r = state.result;
    if (!r) return;
    const byId = new Map(r.entities.map((e) => [e.id, e]));
    for (const rel of r.relations) {
      const s = byId.get(rel.subject);
      const o = byId.get(rel.object);
      if (!s || !o) continue;
      const li = document.createElement('li');
      li.dataset.subjectType = s.type;
      li.dataset.objectType = o.type;
      const pred = document.createElement('span');
      pred.className = 'pred';
      pred.textContent = rel.predicate;
      li.append(document.createTextNode(`${s.text} `), pred, document.createTextNode(` ${o.text}  (${rel.confidence})`));
      relList.append(li);
    }
    if (!relList.children.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'no relations';
      relList.append(li);
    }
  }

  function renderGraph(): void {
    state.cy?.destroy();
    const g = state.graph;
    const cytoscape = (window as unknown as { cytoscape?: (o: object) => Cy }).cytoscape;
    if (!g || !cytoscape) return;
    const elements = [
      ...g.nodes.map((n) => ({ group: 'nodes', data: { id: n.id, label: n.label, type: n.type, colour: COLOURS[n.type] ?? '#888' } })),
      ...g.edges.map((e) => ({ group: 'edges', data: { id: e.id, source: e.subject, target: e.object, label: e.predicate, negated: e.negated ? 1 : 0 } })),
    ];
    state.cy = cytoscape({
      container: graphBox,
      elements,
      style: [
        { selector: 'node', style: { 'background-color': 'data(colour)', label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4, width: 22, height: 22 } },
        { selector: 'edge', style: { width: 2, 'line-color': '#9aa5b1', 'target-arrow-color': '#9aa5b1', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9, 'text-rotation': 'autorotate', color: '#52606d' } },
        { selector: 'edge[negated = 1]', style: { 'line-style': 'dashed' } },
      ],
      layout: { name: g.edges.length > 0 ? 'cose' : 'grid', animate: false, padding: 30 },
      maxZoom: 1.6,
      minZoom: 0.2,
    });
    (window as unknown as { __cy?: Cy }).__cy = state.cy;
    graphStats.textContent = `${g.nodes.length} nodes, ${g.edges.length} edges`;
    graphStats.dataset.nodes = String(g.nodes.length);
    graphStats.dataset.edges = String(g.edges.length);
    applyFilter();
  }

  function applyFilter(): void {
    for (const m of Array.from(docView.querySelectorAll<HTMLElement>('mark.ent'))) m.classList.toggle('hidden', state.hidden.has(m.dataset.type ?? ''));
    for (const li of Array.from(relList.querySelectorAll<HTMLElement>('li[data-subject-type]'))) {
      li.hidden = state.hidden.has(li.dataset.subjectType ?? '') || state.hidden.has(li.dataset.objectType ?? '');
    }
    state.cy?.nodes().forEach((n) => n.style('display', state.hidden.has(String(n.data('type'))) ? 'none' : 'element'));
  }

  function selectedTypes(): string[] | undefined {
    const shown = state.types.filter((t) => !state.hidden.has(t));
    return shown.length === state.types.length ? undefined : shown;
  }

  async function extract(): Promise<void> {
    const text = input.value;
    if (!text.trim()) {
      setStatus('Paste a note or drop a .txt file first.', true);
      return;
    }
    setStatus('Extracting…');
    const btn = $<HTMLButtonElement>('extract');
    btn.disabled = true;
    try {
      const t0 = performance.now();
      const [r, g] = await Promise.all([
        api('/v1/extract', { text, ...options() }).then((x) => x.json() as Promise<Result>),
        api('/v1/graph', { notes: [{ id: 'note', text }], ...options(), output_format: 'json' }).then((x) => x.json() as Promise<Graph>),
      ]);
      state.text = text;
      state.result = r;
      state.graph = g;
      renderLegend();
      renderDoc();
      renderRelations();
      renderGraph();
      for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('button.dl'))) b.disabled = false;
      setStatus(`${r.entities.length} entities, ${r.relations.length} relations in ${Math.round(performance.now() - t0)} ms`);
      document.body.dataset.state = 'done';
    } catch (e) {
      setStatus(`Extraction failed: ${(e as Error).message}`, true);
      document.body.dataset.state = 'error';
    } finally {
      btn.disabled = false;
    }
  }

  async function download(kind: string): Promise<void> {
    const text = state.text;
    try {
      let body: string;
      let name: string;
      let type: string;
      if (kind === 'json') {
        const types = selectedTypes();
        const r = await api('/v1/extract', { text, ...options(), ...(types ? { entity_types: types } : {}) });
        body = await r.text();
        name = 'extraction.json';
        type = 'application/json';
      } else {
        const ext: Record<string, string> = { fhir: 'fhir.json', cypher: 'cypher', turtle: 'ttl' };
        const r = await api('/v1/graph', { notes: [{ id: 'note', text }], ...options(), output_format: kind });
        body = await r.text();
        name = `patient-graph.${ext[kind] ?? kind}`;
        type = r.headers.get('content-type') ?? 'text/plain';
      }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([body], { type }));
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      setStatus(`Download failed: ${(e as Error).message}`, true);
    }
  }

  function readFile(f: File): void {
    if (!/\.txt$/i.test(f.name) && f.type && !f.type.startsWith('text/')) {
      setStatus(`${f.name}: only plain-text (.txt) notes are supported`, true);
      return;
    }
    f.text().then((t) => {
      input.value = t;
      setStatus(`Loaded ${f.name} (${t.length} characters). Click Extract.`);
    });
  }

  $<HTMLButtonElement>('extract').addEventListener('click', () => void extract());
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) void extract();
  });
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('button.dl'))) b.addEventListener('click', () => void download(b.dataset.format ?? 'json'));
  $<HTMLInputElement>('file').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) readFile(f);
  });
  const drop = $<HTMLDivElement>('drop');
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const f = ev.dataTransfer?.files?.[0];
    if (f) readFile(f);
  });
  keyInput.value = localStorage.getItem('medical-ner-api-key') ?? '';
  keyInput.addEventListener('change', () => localStorage.setItem('medical-ner-api-key', keyInput.value.trim()));
  renderLegend();
  fetch('/v1/info', { headers: keyInput.value ? { 'x-api-key': keyInput.value } : {} })
    .then((r) => (r.ok ? (r.json() as Promise<{ model?: string; api_key_required?: boolean; entity_types?: string[] }>) : undefined))
    .then((info) => {
      if (!info) return;
      if (info.entity_types?.length) {
        state.types = info.entity_types;
        renderLegend();
      }
      $<HTMLSpanElement>('model').textContent = info.model ? `model: ${info.model}` : '';
      $<HTMLElement>('key-row').hidden = info.api_key_required === false;
    })
    .catch(() => undefined);
  document.body.dataset.state = 'ready';
}
