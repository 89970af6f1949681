/**
 * Builds lexicons/baseline-gazetteer.tsv.gz for the `baseline` model from the TRAINING splits of the
 * shared corpora plus open term lists (DrugBank names, Human Disease Ontology labels, HPO labels,
 * UBERON-slim labels). Each term gets a score = share of its occurrences in the training texts of the
 * corpora that annotate its type which were annotated with that type; terms below MIN_SCORE are
 * dropped, which removes common words that are only sometimes entities.
 *
 *   npx tsx scripts/build-gazetteer.ts        (deterministic: same input, same bytes)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AnnotatedDoc } from '../src/core/corpus.js';
import { packagePath, sharedDataDir } from '../src/core/paths.js';
import type { EntityType } from '../src/core/types.js';
import { loadCorpus } from '../src/corpora/index.js';
import { Gazetteer, termKey } from '../src/ner/baseline/gazetteer.js';

const TRAIN_CORPORA = ['bc5cdr', 'ncbi-disease', 'bc2gm', 'jnlpba', 'anatem', 'maccrobat', 'chia', 'ddi', 'ade', 'chemprot', 'biored'];
const MIN_SCORE = 0.4;
const PRIOR_SCORE = 0.55; // for list terms never seen in training text
const STOP = new Set(['a', 'an', 'the', 'of', 'and', 'or', 'in', 'on', 'to', 'with', 'for', 'is', 'was', 'be', 'as', 'at', 'by', 'it', 'no', 'not', 'all', 'can', 'may', 'has', 'had', 'were']);

type Key = string; // joined token key + type
const docs: AnnotatedDoc[] = [];
for (const c of TRAIN_CORPORA) docs.push(...loadCorpus(c, 'train'));
// BioRED train contains BC5CDR/NCBI test abstracts: drop them (see the corpora SOURCE.md overlap notes).
const testIds = new Set([...loadCorpus('bc5cdr', 'test'), ...loadCorpus('ncbi-disease', 'test')].map((d) => d.id));
const trainDocs = docs.filter((d) => !(d.corpus === 'biored' && testIds.has(d.id)));

const annotated = new Map<Key, number>();
const surface = new Map<Key, string>();
const typesByCorpus = new Map<string, Set<EntityType>>();
for (const d of trainDocs) {
  const types = typesByCorpus.get(d.corpus!) ?? new Set<EntityType>();
  typesByCorpus.set(d.corpus!, types);
  for (const m of d.mentions) {
    if (!m.type || m.fragments) continue;
    types.add(m.type);
    const k = termKey(m.text).join(' ');
    if (!k || STOP.has(k) || /^[\d\W]+$/.test(k) || k.length < 2) continue;
    const key = `${k}\t${m.type}`;
    annotated.set(key, (annotated.get(key) ?? 0) + 1);
    if (!surface.has(key)) surface.set(key, m.text);
  }
}

function listTerms(): [string, EntityType][] {
  const vocab = join(sharedDataDir(), 'vocab');
  const out: [string, EntityType][] = [];
  const csvLines = readFileSync(join(vocab, 'drugbank', 'drugbank_vocabulary.csv'), 'utf8').split('\n').slice(1);
  for (const line of csvLines) {
    const name = line.split(',')[2];
    if (name && !name.startsWith('"')) out.push([name, 'DRUG']);
  }
  for (const line of readFileSync(join(vocab, 'doid', 'HumanDO-2026-07-31.tsv'), 'utf8').split('\n').slice(1)) {
    const label = line.split('\t')[1]?.replace(/^"|"$/g, '');
    if (label) out.push([label, 'DISEASE']);
  }
  for (const line of readFileSync(join(vocab, 'hpo', 'hp-labels-2026.babelon.tsv'), 'utf8').split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols[2]?.startsWith('HP:') && cols[3] === 'rdfs:label' && cols[1]) out.push([cols[1], 'DISEASE']);
  }
  return out.filter(([t]) => t.length >= 4 && t.split(' ').length <= 6);
}
const fromLists = listTerms();
for (const [term, type] of fromLists) {
  const k = termKey(term).join(' ');
  const key = `${k}\t${type}`;
  if (k && !surface.has(key)) surface.set(key, term);
}

// Count every occurrence of every candidate term in the training texts of corpora annotating its type.
const gaz = new Gazetteer();
const keys = [...surface.keys()].sort();
keys.forEach((key, i) => {
  const [, type] = key.split('\t') as [string, EntityType];
  gaz.add(surface.get(key)!, { type, score: i }); // score field reused as an index during counting
});
const occurrences = new Map<Key, number>();
for (const d of trainDocs) {
  const types = typesByCorpus.get(d.corpus!)!;
  for (const m of gaz.matchAll(d.text)) {
    const key = keys[m.score]!;
    const type = key.split('\t')[1] as EntityType;
    if (types.has(type)) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
  }
}

const lines: string[] = [];
for (const key of keys) {
  const [k, type] = key.split('\t');
  const ann = annotated.get(key) ?? 0;
  const occ = occurrences.get(key) ?? 0;
  const score = occ === 0 ? (ann > 0 ? 0.5 : PRIOR_SCORE) : Math.min(1, (ann + 0.5) / (occ + 1));
  if (score >= MIN_SCORE) lines.push(`${k}\t${type}\t${score.toFixed(3)}`);
}
const out = packagePath('lexicons', 'baseline-gazetteer.tsv.gz');
writeFileSync(out, gzipSync(Buffer.from(lines.join('\n') + '\n'), { level: 9 }));
console.log(`wrote ${out}: ${lines.length} terms (${annotated.size} from training mentions, ${fromLists.length} list terms considered)`);
