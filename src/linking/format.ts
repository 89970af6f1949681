/**
 * The on-disk lexicon format (lexicons/lexicon.bin.gz and lexicons/pharmgkb.json.gz), shared by the
 * build script and the loader.
 *
 * A concept (ConceptRow while building) is `[type, prior, codes, names, nHigh]`:
 *   - `type`  : index into `types` (`-1`: untyped, i.e. a MeSH descriptor no typed source points to);
 *   - `prior` : 0–100, a tie-breaker (more sources and cross-references, protein-coding genes, common lab tests);
 *   - `codes` : `system=id1,id2;system=id…` (the first id of a system is the preferred one); systems are the
 *               Entity.codes keys plus `omim` and `pharmgkb`, which are kept for evaluation and provenance;
 *   - `names` : preferred name first, then synonyms (distinct after normalisation);
 *   - `nHigh` : how many names (preferred one included) are curated labels or exact synonyms; the rest are
 *               lower-confidence names (related synonyms, index terms, gene designations, derived lab names).
 */
import type { CodeSystem, EntityType } from '../core/types.js';

export const LEXICON_FORMAT = 'medical-ner-lexicon';
export const LEXICON_FORMAT_VERSION = 1;

export type ConceptRow = [type: number, prior: number, codes: string, names: string[], nHigh: number];

export interface SourceInfo {
  name: string;
  version: string;
  licence: string;
  concepts: number;
}

/** A section of the binary container: `offset` and `length` in bytes from the start of the (gunzipped) file. */
export interface SectionInfo {
  name: string;
  offset: number;
  length: number;
}

/**
 * The JSON header of lexicon.bin.gz. The body holds these sections (C concepts, N names, K/B keys):
 *   ctype Int8[C] (index into `types`, -1 untyped) · prior Uint8[C] · nHigh Uint16[C] · nNames Uint16[C]
 *   names   UTF-8, one name per line, concept by concept (preferred name first)
 *   codes   UTF-8, one line per concept: `system=id1,id2;system=id…`
 *   normKeys ASCII, sorted, one per line · normCount Uint16[K] · normPost Uint32[Σ] (concept·4 + tier)
 *   bagKeys  ASCII, sorted, one per line · bagCount Uint16[B]  · bagPost Uint32[Σ]
 * Tier: 0 preferred name, 1 curated synonym, 2 lower-confidence name. Bag keys are stored only where they differ
 * from the name's normKey.
 */
export interface LexiconHeader {
  format: typeof LEXICON_FORMAT;
  version: number;
  normalizer: number;
  notice: string;
  types: EntityType[];
  sources: SourceInfo[];
  counts: { concepts: number; names: number; normKeys: number; bagKeys: number };
  /** Clinical abbreviations: `[abbreviation, expansions…]`. */
  abbreviations: string[][];
  sections: SectionInfo[];
}

export const MAGIC = 'MNLX';

/** Pack a header and sections (each 8-byte aligned) into one buffer. */
export function packContainer(header: Omit<LexiconHeader, 'sections'>, sections: [string, Uint8Array][]): Buffer {
  // the header's length depends on the offsets it lists: iterate until stable
  let infos: SectionInfo[] = sections.map(([name, data]) => ({ name, offset: 0, length: data.byteLength }));
  let headerBytes = Buffer.alloc(0);
  for (let round = 0; round < 5; round++) {
    headerBytes = Buffer.from(JSON.stringify({ ...header, sections: infos }), 'utf8');
    let off = align8(8 + headerBytes.length);
    const next = infos.map((s) => {
      const o = off;
      off = align8(off + s.length);
      return { ...s, offset: o };
    });
    if (JSON.stringify(next) === JSON.stringify(infos)) break;
    infos = next;
  }
  const last = infos[infos.length - 1];
  const total = last ? align8(last.offset + last.length) : align8(8 + headerBytes.length);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  sections.forEach(([, data], i) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, infos[i]!.offset));
  return out;
}

export function unpackContainer(buf: Buffer): { header: LexiconHeader; section(name: string): Buffer } {
  if (buf.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a medical-ner lexicon file');
  const len = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + len)) as LexiconHeader;
  const byName = new Map(header.sections.map((s) => [s.name, s]));
  return {
    header,
    section(name: string): Buffer {
      const s = byName.get(name);
      if (!s) throw new Error(`lexicon section ${name} missing`);
      return buf.subarray(s.offset, s.offset + s.length);
    },
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * PharmGKB rows (CC BY-SA 4.0, kept in their own JSON file): `[attachTo, prior, codes, names, nHigh, keys]` where
 * `attachTo` is the index of the concept in lexicon.bin.gz these names and codes are added to, or -1 for a
 * new DRUG concept, and `keys` (since 2026-12-02) each name's normalised key and bag key, "key\tbag" (bag empty when
 * it equals the key or is empty), made by normaliser `PharmgkbFile.normalizer`; the loader recomputes them when that
 * is not its own.
 */
export type PharmgkbRow = [attachTo: number, prior: number, codes: string, names: string[], nHigh: number, keys?: string[]];

export interface PharmgkbFile {
  format: 'medical-ner-lexicon-pharmgkb';
  version: number;
  licence: string;
  notice: string;
  /** sha256 of lexicon.bin.gz: attachTo indices are only valid against that file. */
  lexicon_sha256: string;
  /** NORMALIZER_VERSION the rows' keys were made with. */
  normalizer?: number;
  rows: PharmgkbRow[];
}

/** Aliases from the training and dev splits: what the linker uses. */
export const ALIASES_FILE = 'corpus-aliases.json.gz';
/** Aliases from the training splits alone: what `eval --split dev` uses, so that dev scores stay honest. */
export const ALIASES_TRAIN_FILE = 'corpus-aliases.train.json.gz';

/** Mention strings the training corpora link to one lexicon concept (scripts/build-aliases.ts). */
export interface AliasesFile {
  format: 'medical-ner-corpus-aliases';
  version: number;
  /** sha256 of lexicon.bin.gz: concept indices are only valid against that file. */
  lexicon_sha256: string;
  sources: string[];
  rule: string;
  /** `code`: the id the corpora gave the string, as "system:id" (mesh, omim or ncbi_gene; since version 2). */
  rows: [type: EntityType, normKey: string, concept: number, count: number, code?: string][];
}

/** Code systems stored in the lexicon: the Entity ones plus two extra ones (never copied into Entity.codes). */
export type LexiconSystem = CodeSystem | 'omim' | 'pharmgkb';

export function parseCodes(s: string): Map<LexiconSystem, string[]> {
  const out = new Map<LexiconSystem, string[]>();
  if (!s) return out;
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq) as LexiconSystem, part.slice(eq + 1).split(','));
  }
  return out;
}

export function formatCodes(codes: ReadonlyMap<string, readonly string[]>, order: readonly string[]): string {
  const parts: string[] = [];
  for (const sys of order) {
    const ids = codes.get(sys);
    if (ids && ids.length) parts.push(`${sys}=${ids.join(',')}`);
  }
  return parts.join(';');
}

/** Order of systems in the codes string. */
export const SYSTEM_ORDER: readonly LexiconSystem[] = [
  'umls_cui', 'snomed', 'rxnorm', 'mesh', 'icd10cm', 'loinc', 'ncbi_gene', 'hgnc', 'doid', 'mondo', 'hpo', 'uberon', 'drugbank', 'omim', 'pharmgkb',
];

export const LOINC_NOTICE =
  'This material contains content from LOINC (http://loinc.org). LOINC is copyright © Regenstrief Institute, Inc. ' +
  'and the Logical Observation Identifiers Names and Codes (LOINC) Committee and is available at no cost under the ' +
  'license at http://loinc.org/license. LOINC® is a registered United States trademark of Regenstrief Institute, Inc.';
