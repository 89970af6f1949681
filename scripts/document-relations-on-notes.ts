/**
 * How the document-level step (`crossSentence`) behaves on clinical notes, which it was not trained on: runs the
 * default pipeline with it over the first N distinct MTSamples notes (the bench's notes) and prints the CAUSES it
 * adds, with their evidence, for reading by hand.
 *
 *   node --import tsx scripts/document-relations-on-notes.ts [N=100]
 */
import { benchNotes } from '../src/bench/notes.js';
import { pipeline } from '../src/pipeline.js';

const n = Number(process.argv[2] ?? 100);
const p = await pipeline();
let added = 0;
let sentenceLevel = 0;
for (const note of benchNotes(n)) {
  const doc = await p.run(note.text, { crossSentence: true }, note.id);
  const text = new Map(doc.entities.map((e) => [e.id, e.text]));
  for (const r of doc.relations) {
    if (r.predicate !== 'CAUSES') continue;
    if (r.attributes?.method !== 'document') {
      sentenceLevel++;
      continue;
    }
    added++;
    const where = r.attributes.cross_sentence ? 'across sentences' : 'one sentence';
    console.log(`${note.id}: ${text.get(r.subject)} CAUSES ${text.get(r.object)} (${r.confidence}, ${where}) | ${r.evidence!.text.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
}
console.log(`${n} notes: ${added} CAUSES added at the document level, ${sentenceLevel} CAUSES from the sentence level`);
