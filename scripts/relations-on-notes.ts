/**
 * The relations the default pipeline reports on clinical notes, for reading by hand: runs it over the first N
 * distinct MTSamples notes (the bench's notes) and prints each relation with its evidence, then the count.
 *
 *   node --import tsx scripts/relations-on-notes.ts [--notes 100] [--predicate INTERACTS_WITH] [--cross-sentence] [--method document] [--models-dir DIR]
 *
 * `--cross-sentence` turns the document-level step on; `--method document` keeps only what that step added;
 * `--models-dir` runs other model files (e.g. a retrained relation head beside copies of the others).
 */
import { parseArgs } from 'node:util';
import { benchNotes } from '../src/bench/notes.js';
import { pipeline } from '../src/pipeline.js';

const { values: args } = parseArgs({
  options: {
    notes: { type: 'string', default: '100' },
    predicate: { type: 'string' },
    'cross-sentence': { type: 'boolean', default: false },
    method: { type: 'string' },
    'models-dir': { type: 'string' },
  },
});
const p = await pipeline(args['models-dir'] ? { modelsDir: args['models-dir'] } : {});
let shown = 0;
let all = 0;
const n = Number(args.notes);
for (const note of benchNotes(n)) {
  const doc = await p.run(note.text, { crossSentence: args['cross-sentence']! }, note.id);
  const text = new Map(doc.entities.map((e) => [e.id, e.text]));
  for (const r of doc.relations) {
    if (args.predicate && r.predicate !== args.predicate) continue;
    all++;
    if (args.method && r.attributes?.method !== args.method) continue;
    shown++;
    const where = r.attributes?.cross_sentence ? ', across sentences' : '';
    console.log(`${note.id}: ${text.get(r.subject)} ${r.predicate} ${text.get(r.object)} (${r.confidence}, ${String(r.attributes?.method)}${where}) | ${r.evidence!.text.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
}
console.log(`${n} notes: ${shown} relations shown${args.method ? ` (method ${args.method}, of ${all})` : ''}${args.predicate ? `, predicate ${args.predicate}` : ''}`);
