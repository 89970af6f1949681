/**
 * Training data for the learned negation-scope model (training/train_scope.py), from the DEV half of the BioScope
 * abstracts only (even document index; the odd half is the test split `medical-ner eval --task assertion` scores).
 *
 *   node --import tsx scripts/export-bioscope-scopes.ts     # → training/data/bioscope-scopes.jsonl
 *
 * One line per negation cue: the sentence text, the cue's spans, its scope, the scope the rules of
 * src/context/scope.ts give it, and the document index, so the trainer can hold documents out. Offsets are UTF-16,
 * which equal Python's code-point offsets here (no character beyond the BMP; checked). The rule cue finder's false
 * cues (a rule cue no gold negation cue has) are added with `scope: null`: the model learns to give them no scope,
 * which is how it filters the rule cues at run time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath, sharedDataDir } from '../src/core/paths.js';
import { defaultScopeResolver } from '../src/context/scope.js';
import { bioScopeSplit, readBioScope } from '../src/io/bioscope.js';

const docs = readBioScope(join(sharedDataDir(), 'corpora', 'bioscope', 'abstracts.xml')).filter((d) => bioScopeSplit(d) === 'dev');
const resolver = defaultScopeResolver();
const lines: string[] = [];
let gold = 0;
let falseCues = 0;
for (const d of docs) {
  for (const s of d.parts.flatMap((p) => p.sentences)) {
    if (/[\uD800-\uDFFF]/.test(s.text)) throw new Error(`sentence ${s.id} has characters beyond the BMP: offsets would differ in Python`);
    const negCues = s.cues.filter((c) => c.type === 'negation');
    for (const c of negCues) {
      const scope = s.scopes.find((x) => x.id === c.scope);
      if (!scope) throw new Error(`sentence ${s.id}: cue without scope ${c.scope}`);
      const rule = resolver.scopeForCue(s.text, c.spans[0]!)?.scope;
      lines.push(JSON.stringify({ doc: d.index, sentence: s.id, text: s.text, cue: c.spans.map((x) => [x.start, x.end]), scope: [scope.start, scope.end], rule: rule ? [rule.start, rule.end] : null }));
      gold++;
    }
    const goldSpans = negCues.flatMap((c) => c.spans);
    for (const p of resolver.negationScopes(s.text)) {
      if (goldSpans.some((g) => g.start === p.cue.start && g.end === p.cue.end)) continue;
      lines.push(JSON.stringify({ doc: d.index, sentence: s.id, text: s.text, cue: [[p.cue.start, p.cue.end]], scope: null, rule: [p.scope.start, p.scope.end] }));
      falseCues++;
    }
  }
}
const dir = packagePath('training', 'data');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'bioscope-scopes.jsonl'), lines.join('\n') + '\n');
console.log(`${docs.length} dev documents: ${gold} gold negation cues, ${falseCues} false rule cues → training/data/bioscope-scopes.jsonl`);
