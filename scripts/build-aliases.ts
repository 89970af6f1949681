/**
 * Builds the corpus aliases: mention strings that the annotated corpora consistently link to one concept of the
 * lexicon (BC5CDR: chemicals and diseases, MeSH; NCBI-disease: MeSH or OMIM; BioRED: genes (NCBI Gene), chemicals
 * and diseases). This is what normalisers such as DNorm and TaggerOne learn from training data: corpus conventions
 * the vocabularies do not hold ("dyskinesia" → Dyskinesia, Drug-Induced in BC5CDR). Two files:
 *   - lexicons/corpus-aliases.json.gz from the train and dev splits (BioRED: train only, its dev split stands in for
 *     its held-out test split): the linker's, and what test is scored with (settings chosen on dev first, then the
 *     dev data joins, as a model is retrained on train + dev);
 *   - lexicons/corpus-aliases.train.json.gz from the train splits alone: `eval --split dev` uses it, so dev scores
 *     never see their own answers.
 * Documents that are in any test split are left out (excludedForTraining), and so are those in BioRED dev; test
 * splits are never read.
 *
 *   node --import tsx scripts/build-aliases.ts
 *
 * Kept: a (type, normalised text) seen at least MIN_COUNT times whose most frequent id has at least MIN_SHARE
 * of them and exists in the lexicon. Deterministic output.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AnnotatedDoc } from '../src/core/corpus.js';
import type { EntityType } from '../src/core/types.js';
import { CORPORA, excludedForTraining, loadCorpus } from '../src/corpora/index.js';
import { ALIASES_FILE, ALIASES_TRAIN_FILE, type AliasesFile } from '../src/linking/format.js';
import { defaultLexiconDir, LEXICON_FILE, loadLexicon } from '../src/linking/lexicon.js';
import { normKey } from '../src/linking/normalize.js';
import { conceptIds } from '../src/relations/data.js';

// MIN_COUNT was 2 until 2026-12-02; 1 was chosen on dev (gold mentions: BC5CDR disease +1.13, chemical +0.18,
// NCBI-disease +0.07, BioRED genes +0.14, diseases +1.11, chemicals +0.97; end to end +0.76, +0.13, −0.27, −0.11,
// +1.35, +0.29). Keeping a seen-once alias only where no concept of its type has the name did worse on each.
const MIN_COUNT = 1;
const MIN_SHARE = 0.75;
// A mention's ids are already split on | and , by the reader. Its first id is used, also for BC5CDR/BioRED composite
// mentions ("breast and ovarian cancer": D001943, D010051): skipping those was tried and cost 0.2 dev F1.
// BioRED's test split is held out here, so its dev split is where its figures are reported: its dev data never
// joins the aliases, nor do the abstracts it shares with the other corpora (BC5CDR train 10, dev 6; NCBI-disease
// train 3, dev 1).
const SOURCES: [corpus: string, types: EntityType[], splits: ('train' | 'dev')[]][] = [
  ['bc5cdr', ['DISEASE', 'DRUG'], ['train', 'dev']],
  ['ncbi-disease', ['DISEASE'], ['train', 'dev']],
  ['biored', ['GENE', 'DISEASE', 'DRUG'], ['train']],
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

const bioredDev = new Set(loadCorpus('biored', 'dev').map((d) => CORPORA.biored!.pmid!(d)));

/** A source split's documents, less those in another corpus's test split or in BioRED dev (read once for both files). */
const sourceDocsMemo = new Map<string, AnnotatedDoc[]>();
function sourceDocs(corpus: string, split: 'train' | 'dev'): AnnotatedDoc[] {
  const key = `${corpus} ${split}`;
  let list = sourceDocsMemo.get(key);
  if (!list) {
    const out = excludedForTraining(corpus, split);
    const pmid = CORPORA[corpus]!.pmid!;
    sourceDocsMemo.set(key, (list = loadCorpus(corpus, split).filter((d) => !out.has(d.id) && !bioredDev.has(pmid(d)))));
  }
  return list;
}

function build(withDev: boolean, name: string): void {
  const counts = new Map<string, Map<string, number>>();
  const sources: string[] = [];
  for (const [corpus, types, splits] of SOURCES) {
    for (const split of withDev ? splits : ['train' as const]) {
      const list = sourceDocs(corpus, split);
      sources.push(`${corpus} ${split} (${list.length} documents; those in another corpus's test split or in BioRED dev left out)`);
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
    rows.push([type, key, concept, n, code]);
  }
  const file: AliasesFile = {
    format: 'medical-ner-corpus-aliases',
    version: 2,
    lexicon_sha256: lexiconSha,
    sources,
    rule: `(type, normalised mention text) seen ≥ ${MIN_COUNT} times, top id ≥ ${MIN_SHARE * 100} % of them, id in the lexicon`,
    rows,
  };
  writeFileSync(join(dir, name), gzipSync(Buffer.from(JSON.stringify(file) + '\n'), { level: 9 }));
  console.log(`${rows.length} aliases (${missing} skipped: id not in the lexicon) → ${join(dir, name)}`);
}

const lexiconSha = createHash('sha256').update(readFileSync(join(dir, LEXICON_FILE))).digest('hex');
build(true, ALIASES_FILE);
build(false, ALIASES_TRAIN_FILE);
