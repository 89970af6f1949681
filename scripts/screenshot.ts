/**
 * The README's picture of the web viewer: `npx tsx scripts/screenshot.ts [out.png]` starts the server with the
 * default model, opens the viewer in Debian's Chromium (playwright-core), extracts the seed example and saves
 * a screenshot (default docs/viewer.png).
 */
import { startServer } from '../src/server/index.js';

const out = process.argv[2] ?? 'docs/viewer.png';
const NOTE =
  'Patient started on metformin 500mg for type 2 diabetes. HbA1c was 8.2%.\n' +
  'Aspirin 81 mg daily for coronary artery disease. No chest pain. Lisinopril 10 mg for hypertension.\n' +
  'Mother had breast cancer.';

const { chromium } = await import('playwright-core');
const server = await startServer({ port: 0, workers: 0, logLevel: 'silent', handleSignals: false });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url + '/');
  await page.waitForSelector('body[data-state="ready"]');
  await page.fill('#note', NOTE);
  await page.click('#extract');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  await page.waitForTimeout(1500); // let the graph layout settle
  await page.screenshot({ path: out, fullPage: true });
  process.stderr.write(`saved ${out}\n`);
} finally {
  await browser.close();
  await server.app.close();
}
