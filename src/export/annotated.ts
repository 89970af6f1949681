/**
 * Pipeline Docs as corpus documents (AnnotatedDoc), so the corpus writers of src/io (BioC JSON,
 * PubTator, brat) serve the pipeline output too.
 *
 * Mapping: entity → mention (label = entity type, ids = `UMLS:C0025598`, `RXNORM:6809`, … from the
 * codes, attributes = context attributes, confidence, preferred name); relation → mention-level
 * relation labelled with its predicate (PubTator keeps only concept-level relations, so for it
 * relations are lifted to concept level: the two ends' first ids, deduplicated; ends without codes are
 * left out).
 */
import { codeSets } from '../core/doc.js';
import { CODE_SYSTEMS } from '../core/types.js';
import type { CodeSystem, Codes, Doc, Entity } from '../core/types.js';
import type { AnnotatedDoc, GoldRelation, Mention } from '../core/corpus.js';
import { writeBioCJson } from '../io/bioc.js';
import { writeBrat } from '../io/brat.js';
import { writePubTator } from '../io/pubtator.js';

/** Prefix of a code in a mention id, e.g. `UMLS:C0025598`. */
export const ID_PREFIXES: Record<CodeSystem, string> = {
  umls_cui: 'UMLS',
  snomed: 'SNOMEDCT_US',
  rxnorm: 'RXNORM',
  mesh: 'MESH',
  icd10cm: 'ICD10CM',
  loinc: 'LOINC',
  ncbi_gene: 'NCBIGene',
  hgnc: 'HGNC',
  doid: 'DOID',
  mondo: 'MONDO',
  hpo: 'HP',
  uberon: 'UBERON',
  drugbank: 'DRUGBANK',
};

export interface AdapterOptions {
  /** `all` (default): every string/number/boolean attribute; `context`: only assertion, experiencer, temporality (brat needs one-token values). */
  attributes?: 'all' | 'context';
  /** `mention` (default) or `concept` (PubTator). */
  relationLevel?: 'mention' | 'concept';
}

const CONTEXT_ATTRIBUTES = new Set(['assertion', 'experiencer', 'temporality']);

export function codeIds(codes: Codes | undefined): string[] {
  if (!codes) return [];
  const out: string[] = [];
  for (const s of CODE_SYSTEMS) {
    const v = codes[s]?.trim();
    if (!v) continue;
    const p = ID_PREFIXES[s];
    out.push(v.toUpperCase().startsWith(`${p.toUpperCase()}:`) ? v : `${p}:${v}`);
  }
  return out;
}

function mentionOf(e: Entity, options: AdapterOptions): Mention {
  const m: Mention = { id: e.id, start: e.start, end: e.end, text: e.text, label: e.type, type: e.type };
  // a composite mention lists the ids of each concept, as PubTator and BioC corpora write them
  const ids = codeSets(e).flatMap(codeIds);
  if (ids.length) m.ids = ids;
  const attrs: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(e.attributes ?? {})) {
    if (options.attributes === 'context' && !CONTEXT_ATTRIBUTES.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'boolean') attrs[k] = v;
    else if (typeof v === 'number') attrs[k] = String(v);
  }
  if (options.attributes !== 'context') {
    attrs.confidence = String(e.confidence);
    if (e.preferred_name) attrs.preferred_name = e.preferred_name;
  }
  if (Object.keys(attrs).length) m.attributes = attrs;
  return m;
}

/** One pipeline Doc as an AnnotatedDoc (`id` defaults to `doc<n>`). */
export function docToAnnotated(doc: Doc, index = 0, options: AdapterOptions = {}): AnnotatedDoc {
  const id = doc.id ?? `doc${index + 1}`;
  const mentions = doc.entities.map((e) => mentionOf(e, options));
  let relations: GoldRelation[];
  if (options.relationLevel === 'concept') {
    const byId = new Map(doc.entities.map((e) => [e.id, e]));
    const seen = new Set<string>();
    relations = [];
    for (const r of doc.relations) {
      const a = codeIds(byId.get(r.subject)?.codes)[0];
      const b = codeIds(byId.get(r.object)?.codes)[0];
      const k = `${r.predicate}\t${a}\t${b}`;
      if (!a || !b || seen.has(k)) continue;
      seen.add(k);
      relations.push({ id: r.id, label: r.predicate, arg1: a, arg2: b, level: 'concept' });
    }
  } else {
    relations = doc.relations.map((r) => {
      const g: GoldRelation = { id: r.id, label: r.predicate, arg1: r.subject, arg2: r.object, level: 'mention' };
      if (options.attributes !== 'context') g.attributes = { confidence: String(r.confidence) };
      return g;
    });
  }
  const out: AnnotatedDoc = { id, text: doc.text, mentions, relations };
  if (doc.meta) out.meta = { ...doc.meta };
  return out;
}

export function docsToAnnotated(docs: readonly Doc[], options: AdapterOptions = {}): AnnotatedDoc[] {
  return docs.map((d, i) => docToAnnotated(d, i, options));
}

/** BioC JSON collection of pipeline Docs (src/io/bioc.ts writer). */
export function docsToBioCJson(docs: readonly Doc[]): string {
  return writeBioCJson(docsToAnnotated(docs)) + '\n';
}

/** PubTator of pipeline Docs (src/io/pubtator.ts writer); ids must not contain `|`, tabs or line breaks. */
export function docsToPubTator(docs: readonly Doc[]): string {
  return writePubTator(
    docsToAnnotated(docs, { relationLevel: 'concept' }).map((d) => ({ ...d, id: d.id.replace(/[|\t\r\n]/g, '_'), meta: undefined })),
  );
}

/** brat standoff of one pipeline Doc: `{txt, ann}` (src/io/brat.ts writer). */
export function docToBrat(doc: Doc, index = 0): { txt: string; ann: string } {
  return writeBrat(docToAnnotated(doc, index, { attributes: 'context' }));
}
