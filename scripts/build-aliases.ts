/**
 * Builds lexicons/corpus-aliases.json.gz: mention strings that the annotated TRAINING splits consistently
 * link to one concept of the lexicon (BC5CDR train: chemicals and diseases, MeSH; NCBI-disease train: MeSH
 * or OMIM; BioRED train: genes (NCBI Gene), chemicals and diseases). This is what normalisers such as DNorm
 * and TaggerOne learn from training data: corpus conventions the vocabularies do not hold ("dyskinesia" →
 * Dyskinesia, Drug-Induced in BC5CDR). Documents that are in any test split are left out
 * (excludedForTraining); dev and test splits are never read.
 *
 *   node --import tsx scripts/build-aliases.ts
 *
 * Kept: a (type, normalised text) seen at least MIN_COUNT times whose most frequent id has at least MIN_SHARE
 * of them and exists in the lexicon (fixed before looking at any score). Deterministic output.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EntityType } from '../src/core/types.js';
import { excludedForTraining, loadCorpus } from '../src/corpora/index.js';
import { ALIASES_FILE, type AliasesFile } from '../src/linking/format.js';
import { defaultLexiconDir, LEXICON_FILE, loadLexicon } from '../src/linking/lexicon.js';
import { normKey } from '../src/linking/normalize.js';
import { conceptIds } from '../src/relations/data.js';

const MIN_COUNT = 2;
const MIN_SHARE = 0.75;
const SOURCES: [corpus: string, types: EntityType[]][] = [
  ['bc5cdr', ['DISEASE', 'DRUG']],
  ['ncbi-disease', ['DISEASE']],
  ['biored', ['GENE', 'DISEASE', 'DRUG']],
];

const dir = defaultLexiconDir();
const lex = loadLexicon(dir);
// (system:id) → concept, preferring the concept with the highest prior
const byCode = new Map<string, number>();
for (let c = 0; c < lex.size; c++) {
  for (const [sys, ids] of lex.allCodes(c)) {
    if (sys !== 'mesh' && sys !== 'ncbi_gene' && sys !== 'omim') continue;
    for (const id of ids) {
      const k = `${sys}:${id}`;
      const cur = byCode.get(k);
      if (cur === undefined || lex.prior[c]! > lex.prior[cur]!) byCode.set(k, c);
    }
  }
}

const codeOf = (type: EntityType, raw: string): string | undefined => {
  const id = raw.split('|')[0]!.replace(/^MESH:/i, '').trim();
  if (!id || id.includes('+') || id.includes(',')) return undefined; // composite mentions
  if (type === 'GENE') return /^\d+$/.test(id) ? `ncbi_gene:${id}` : undefined;
  if (/^OMIM:\d+$/i.test(id)) return `omim:${id.slice(5)}`;
  return /^[CD]\d+$/.test(id) ? `mesh:${id}` : undefined;
};

const counts = new Map<string, Map<string, number>>();
const docs: Record<string, number> = {};
for (const [corpus, types] of SOURCES) {
  const out = excludedForTraining(corpus, 'train');
  const list = loadCorpus(corpus, 'train').filter((d) => !out.has(d.id));
  docs[corpus] = list.length;
  for (const d of list) {
    for (const m of d.mentions) {
      if (!m.type || !types.includes(m.type)) continue;
      const ids = conceptIds(m);
      const code = ids.length ? codeOf(m.type, ids[0]!) : undefined;
      const key = normKey(m.text);
      if (!code || !key) continue;
      const k = `${m.type}\u0000${key}`;
      const c = counts.get(k) ?? new Map<string, number>();
      c.set(code, (c.get(code) ?? 0) + 1);
      counts.set(k, c);
    }
  }
}

const rows: AliasesFile['rows'] = [];
let missing = 0;
for (const [k, byId] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const total = [...byId.values()].reduce((a, b) => a + b, 0);
  const [code, n] = [...byId].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  if (total < MIN_COUNT || n / total < MIN_SHARE) continue;
  const concept = byCode.get(code);
  if (concept === undefined) {
    missing++;
    continue;
  }
  const [type, key] = k.split('\u0000') as [EntityType, string];
  rows.push([type, key, concept, n]);
}

const file: AliasesFile = {
  format: 'medical-ner-corpus-aliases',
  version: 1,
  lexicon_sha256: createHash('sha256').update(readFileSync(join(dir, LEXICON_FILE))).digest('hex'),
  sources: Object.entries(docs).map(([c, n]) => `${c} train (${n} documents, test-split documents of other corpora left out)`),
  rule: `(type, normalised mention text) seen ≥ ${MIN_COUNT} times, top id ≥ ${MIN_SHARE * 100} % of them, id in the lexicon`,
  rows,
};
writeFileSync(join(dir, ALIASES_FILE), gzipSync(Buffer.from(JSON.stringify(file) + '\n'), { level: 9 }));
console.log(`${rows.length} aliases (${missing} skipped: id not in the lexicon) → ${join(dir, ALIASES_FILE)}`);
