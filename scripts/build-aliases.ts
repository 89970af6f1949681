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
// A mention's ids are already split on | and , by the reader. Its first id is used, also for BC5CDR/BioRED composite
// mentions ("breast and ovarian cancer": D001943, D010051): skipping those was tried and cost 0.2 dev F1.
const SOURCES: [corpus: string, types: EntityType[]][] = [
  ['bc5cdr', ['DISEASE', 'DRUG']],
  ['ncbi-disease', ['DISEASE']],
  ['biored', ['GENE', 'DISEASE', 'DRUG']],
];

const dir = defaultLexiconDir();
const lex = loadLexicon(dir);
// (system:id) → the concepts that carry it, with whether it is their first id of that system (the one they report
// in `codes`). An alias goes to a concept whose first id this is ("visual epilepsy" lists Epilepsy's MeSH id too,
// after its own), preferring one that has the mention text among its names, then the highest prior.
const byCode = new Map<string, { c: number; primary: boolean }[]>();
for (let c = 0; c < lex.size; c++) {
  for (const [sys, ids] of lex.allCodes(c)) {
    if (sys !== 'mesh' && sys !== 'ncbi_gene' && sys !== 'omim') continue;
    ids.forEach((id, i) => {
      const k = `${sys}:${id}`;
      const list = byCode.get(k) ?? [];
      list.push({ c, primary: i === 0 });
      byCode.set(k, list);
    });
  }
}
const pickConcept = (code: string, key: string): number | undefined => {
  let best: number | undefined;
  let bestRank = -1;
  for (const { c, primary } of byCode.get(code) ?? []) {
    const named = lex.names(c, 50).some((n) => normKey(n) === key);
    const rank = (primary ? 2000 : 0) + (named ? 1000 : 0) + lex.prior[c]!;
    if (rank > bestRank) [best, bestRank] = [c, rank];
  }
  return best;
};

const codeOf = (type: EntityType, raw: string): string | undefined => {
  const id = raw.replace(/^MESH:/i, '').trim();
  if (!id || id.includes('+')) return undefined; // composite mentions (NCBI-disease)
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
  const [type, key] = k.split('\u0000') as [EntityType, string];
  const concept = pickConcept(code, key);
  if (concept === undefined) {
    missing++;
    continue;
  }
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
