/**
 * Counts the entities the default pipeline finds on clinical notes, for checking a non-mention rule or a model change
 * by hand: runs it over the first N distinct MTSamples notes (the bench's notes) and prints the entities of a type
 * whose text matches a pattern, then how many there are among all entities of that type.
 *
 *   node --import tsx scripts/entities-on-notes.ts [--notes 100] [--type DISEASE] [--text '^infiltrated$']
 */
import { parseArgs } from 'node:util';
import { benchNotes } from '../src/bench/notes.js';
import { pipeline } from '../src/pipeline.js';

const { values: args } = parseArgs({
  options: {
    notes: { type: 'string', default: '100' },
    type: { type: 'string', default: 'DISEASE' },
    text: { type: 'string', default: '' },
  },
});
const re = new RegExp(args.text!, 'i');
const p = await pipeline();
const n = Number(args.notes);
let all = 0;
let matched = 0;
for (const note of benchNotes(n)) {
  const doc = await p.run(note.text, { relations: false, context: false }, note.id);
  for (const e of doc.entities) {
    if (e.type !== args.type) continue;
    all++;
    if (!re.test(e.text)) continue;
    matched++;
    console.log(`${note.id}: ${e.type} "${e.text}" | ${doc.text.slice(Math.max(0, e.start - 60), e.end + 40).replace(/\s+/g, ' ')}`);
  }
}
console.log(`${n} notes: ${matched} of ${all} ${args.type} entities match /${args.text}/i`);
