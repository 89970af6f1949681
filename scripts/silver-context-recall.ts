/**
 * A silver check of disease recall by context, on MTSamples notes that no model here was trained on:
 *
 *   node --import tsx scripts/silver-context-recall.ts [modelDir=models/ner-minilm-l4] [from=1300] [notes=1000]
 *
 * Silver mentions are the longest runs of 1–5 words that the linker links exactly (methods exact/normalized, score
 * ≥ 0.98) to a DISEASE concept with a MONDO or DOID id, scanned left to right. Each is put in one context by the text
 * before it: "family" (a relative named earlier on its line, or a FAMILY HISTORY paragraph), "history" ("history
 * of", "h/o", "diagnosed with", "significant for", "past medical history" just before), else "elsewhere". The script
 * prints, per context, the share of silver mentions that a DISEASE entity of the model overlaps, and the share it
 * matches exactly. The notes are the distinct ones from index `from` on (the bench reads the first 100).
 *
 * Silver is not gold: the lexicon misses diseases and some of its names are not diseases in a note. The figure is
 * for comparing models on the same mentions, in particular the contexts against each other.
 */
import { createDoc } from '../src/core/doc.js';
import { mtsamplesNotes } from '../src/io/mtsamples.js';
import { getLinker } from '../src/linking/index.js';
import { OnnxNerModel } from '../src/ner/onnx/index.js';

type Context = 'family' | 'history' | 'elsewhere';

const [dir = 'models/ner-minilm-l4', fromArg = '1300', nArg = '1000'] = process.argv.slice(2);
const rows = [...mtsamplesNotes()].filter((r) => r.dup_of === null).slice(Number(fromArg), Number(fromArg) + Number(nArg));

const linker = getLinker();
const RELATIVE = /family history|\b(?:mother|father|brother|sister|aunt|uncle|grandmother|grandfather|sibling|son|daughter)s?\b/;
const HISTORY = /(?:history of|h\/o|hx of|diagnosed with|past medical history|significant for)\W*$/;

function contextOf(text: string, start: number): Context {
  const line = text.slice(text.lastIndexOf('\n', start - 1) + 1, start).toLowerCase();
  const paragraph = text.slice(Math.max(0, text.lastIndexOf('\n\n', start)), start).toLowerCase();
  if (RELATIVE.test(line.slice(-80)) || paragraph.slice(0, 40).includes('family history')) return 'family';
  return HISTORY.test(line.slice(-40)) ? 'history' : 'elsewhere';
}

function silverMentions(text: string): { start: number; end: number }[] {
  const words = [...text.matchAll(/[A-Za-z][A-Za-z'-]*|\d+/g)];
  const out: { start: number; end: number }[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let len = Math.min(5, words.length - i); len >= 1; len--) {
      const start = words[i]!.index!;
      const last = words[i + len - 1]!;
      const end = last.index! + last[0].length;
      const t = text.slice(start, end);
      if (t.length < 5 || /[.;:\n]/.test(t)) continue;
      const r = linker.link(t, 'DISEASE');
      if (r && r.type === 'DISEASE' && (r.method === 'exact' || r.method === 'normalized') && r.score >= 0.98 && (r.xrefs.mondo || r.xrefs.doid)) {
        out.push({ start, end });
        i += len - 1;
        break;
      }
    }
  }
  return out;
}

const model = await OnnxNerModel.load(dir);
const counts: Record<Context, { silver: number; overlap: number; exact: number }> = {
  family: { silver: 0, overlap: 0, exact: 0 },
  history: { silver: 0, overlap: 0, exact: 0 },
  elsewhere: { silver: 0, overlap: 0, exact: 0 },
};
for (const row of rows) {
  const silver = silverMentions(row.text);
  if (!silver.length) continue;
  const ents = await model.predict(createDoc(row.text, row.id), new Set(['DISEASE']));
  for (const m of silver) {
    const c = counts[contextOf(row.text, m.start)];
    c.silver++;
    if (ents.some((e) => e.start < m.end && e.end > m.start)) c.overlap++;
    if (ents.some((e) => e.start === m.start && e.end === m.end)) c.exact++;
  }
}
await model.dispose();
const pct = (a: number, b: number) => Number(((100 * a) / Math.max(1, b)).toFixed(1));
const result = Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, { silver: c.silver, overlap_pct: pct(c.overlap, c.silver), exact_pct: pct(c.exact, c.silver) }]));
process.stdout.write(JSON.stringify({ model: dir, notes: rows.length, from: Number(fromArg), ...result }, null, 1) + '\n');
