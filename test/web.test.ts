/**
 * The web viewer end-to-end in Debian's Chromium (playwright-core): the test starts the server on a
 * random loopback port, types a note, clicks Extract, checks the highlighted spans, the code tooltips,
 * the relation list, the graph's node count and the type filters, and saves a screenshot.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../src/server/index.js';

const CHROMIUM = '/usr/bin/chromium';
const NOTE =
  'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.\n' +
  'Aspirin 81 mg daily for coronary artery disease. No chest pain. Lisinopril 10 mg for hypertension.';

test('web viewer: extract, highlight, relations, graph, filters, download buttons, screenshot', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (apt-get install chromium) — skipping the browser test` }, async () => {
  const { chromium } = await import('playwright-core');
  const server = await startServer({ port: 0, workers: 0, pipelineOptions: { model: 'baseline' }, logLevel: 'silent', handleSignals: false });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) external.push(r.url());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url + '/');
    await page.waitForSelector('body[data-state="ready"]');
    assert.ok(await page.evaluate(() => typeof (window as unknown as { cytoscape?: unknown }).cytoscape === 'function'), 'cytoscape loaded from the server');
    await page.fill('#note', NOTE);
    await page.click('#extract');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });

    // Highlighted spans, one per (outermost) entity, coloured by type, with codes/type in the title.
    const marks = await page.$$eval('mark.ent', (ms) => ms.map((m) => ({ text: m.firstChild?.textContent ?? '', type: (m as HTMLElement).dataset.type, title: (m as HTMLElement).title })));
    assert.ok(marks.length >= 5, `highlighted spans: ${JSON.stringify(marks)}`);
    for (const want of [['metformin', 'DRUG'], ['type 2 diabetes', 'DISEASE']]) {
      const m = marks.find((x) => x.text === want[0]);
      assert.ok(m, `${want[0]} highlighted`);
      assert.equal(m.type, want[1]);
      assert.match(m.title, new RegExp(`^${want[1]} · ${want[0]}`));
    }
    // The highlighted view shows the note text unchanged.
    assert.equal((await page.$eval('#doc', (d) => Array.from(d.childNodes).map((n) => (n.nodeName === 'MARK' ? n.firstChild?.textContent : n.textContent)).join(''))), NOTE);
    // Legend with a checkbox per type.
    assert.equal(await page.$$eval('#legend input[type=checkbox]', (xs) => xs.length), 10);
    // Relations list rendered (entries, or the "no relations" line when this build has no relation model).
    assert.ok((await page.$$eval('#relations li', (xs) => xs.length)) >= 1);

    // Graph: cytoscape node count equals the API's graph node count.
    const api = (await (await fetch(`${server.url}/v1/graph`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notes: [{ id: 'note', text: NOTE }] }) })).json()) as { nodes: unknown[]; edges: unknown[] };
    const cyNodes = await page.evaluate(() => (window as unknown as { __cy: { nodes(): { length: number } } }).__cy.nodes().length);
    assert.ok(api.nodes.length > 0);
    assert.equal(cyNodes, api.nodes.length);
    assert.equal(await page.$eval('#graph-stats', (e) => Number((e as HTMLElement).dataset.nodes)), api.nodes.length);

    // Filters: unticking DRUG hides DRUG spans and DRUG graph nodes.
    await page.uncheck('#legend input[data-type="DRUG"]');
    assert.ok(await page.$$eval('mark.ent[data-type="DRUG"]', (ms) => ms.length > 0 && ms.every((m) => m.classList.contains('hidden'))));
    assert.ok(await page.$$eval('mark.ent[data-type="DISEASE"]', (ms) => ms.every((m) => !m.classList.contains('hidden'))));
    const hiddenNodes = await page.evaluate(() => {
      const cy = (window as unknown as { __cy: { nodes(): { filter(f: (n: { data(k: string): string; style(k: string): string }) => boolean): { length: number } } } }).__cy;
      return cy.nodes().filter((n) => n.data('type') === 'DRUG' && n.style('display') === 'none').length;
    });
    assert.ok(hiddenNodes > 0, 'DRUG nodes hidden in the graph');
    await page.check('#legend input[data-type="DRUG"]');

    // Download buttons are enabled, and one really downloads.
    assert.deepEqual(await page.$$eval('button.dl', (bs) => bs.map((b) => [(b as HTMLButtonElement).dataset.format, (b as HTMLButtonElement).disabled])), [
      ['json', false],
      ['fhir', false],
      ['cypher', false],
      ['turtle', false],
    ]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.dl[data-format="cypher"]')]);
    assert.equal(download.suggestedFilename(), 'patient-graph.cypher');

    const shot = join(mkdtempSync(join(tmpdir(), 'medical-ner-web-')), 'viewer.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
    process.stderr.write(`web viewer screenshot: ${shot}\n`);
    assert.deepEqual(external, [], 'no requests leave the server');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.app.close();
  }
});
