/**
 * Reader for the BioScope corpus XML (Vincze et al. 2008): documents → parts → sentences with
 * negation/speculation cues and their scopes (`<xcope>`), as plain text with character and token offsets.
 *
 * The markup is inline: `<xcope id="X1"><cue type="negation" ref="X1">not</cue> expressed</xcope>`.
 * Scopes nest; a discontinuous cue ("neither … nor") is several `<cue>` elements with the same `ref`.
 * Character offsets are UTF-16 and relative to the sentence text; token indices refer to
 * `sentence.tokens` (the project tokenizer, src/text/tokens.ts) and are end-exclusive.
 */
import { readFileSync } from 'node:fs';
import type { Span, Token } from '../core/types.js';
import { tokenize } from '../text/tokens.js';

export type BioScopeCueType = 'negation' | 'speculation';

export interface TokenRange {
  /** First token index (inclusive). */
  tokenStart: number;
  /** Last token index + 1. */
  tokenEnd: number;
}

export interface BioScopeCue {
  /** The id of the scope the cue belongs to (`ref`). */
  scope: string;
  type: BioScopeCueType;
  /** One span per `<cue>` element (several for discontinuous cues), in text order. */
  spans: (Span & TokenRange & { text: string })[];
}

export interface BioScopeScope extends Span, TokenRange {
  id: string;
  /** The type of the cue that heads this scope (undefined for a scope without a cue, which does not occur). */
  type?: BioScopeCueType;
}

export interface BioScopeSentence {
  id: string;
  text: string;
  tokens: Token[];
  cues: BioScopeCue[];
  scopes: BioScopeScope[];
}

export interface BioScopePart {
  type: string;
  sentences: BioScopeSentence[];
}

export interface BioScopeDocument {
  /** Position of the document in the file (0-based). */
  index: number;
  /** Document type: Biological_abstract, Biological_full_article, Medical_record. */
  type: string;
  id: string;
  idType: string;
  parts: BioScopePart[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return Object.hasOwn(ENTITIES, name) ? ENTITIES[name]! : all;
  });
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) out[m[1]!] = decode(m[2]!);
  return out;
}

/** Token range covered by a character span: tokens that overlap it. */
export function tokenRange(tokens: readonly Token[], span: Span): TokenRange {
  let tokenStart = tokens.length;
  let tokenEnd = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start < span.end && span.start < t.end) {
      if (i < tokenStart) tokenStart = i;
      tokenEnd = i + 1;
    }
  }
  if (tokenEnd === 0) tokenStart = tokenEnd = 0;
  return { tokenStart, tokenEnd };
}

/** Parses the inner markup of one `<sentence>` element. */
export function parseBioScopeSentence(id: string, inner: string): BioScopeSentence {
  let text = '';
  const scopeStack: { id: string; start: number }[] = [];
  const scopes: { id: string; start: number; end: number }[] = [];
  const cueSpans = new Map<string, { type: BioScopeCueType; spans: (Span & { text: string })[] }>();
  let openCue: { ref: string; type: BioScopeCueType; start: number } | undefined;
  const re = /<(\/?)(\w+)([^>]*)>|([^<]+)/g;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    if (m[4] !== undefined) {
      text += decode(m[4]);
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2]!;
    const a = attrs(m[3] ?? '');
    if (name === 'xcope') {
      if (!closing) scopeStack.push({ id: a.id ?? `anon${scopes.length}`, start: text.length });
      else {
        const s = scopeStack.pop();
        if (!s) throw new Error(`BioScope sentence ${id}: unbalanced </xcope>`);
        scopes.push({ id: s.id, start: s.start, end: text.length });
      }
    } else if (name === 'cue') {
      if (!closing) {
        const type = a.type === 'negation' || a.type === 'speculation' ? a.type : undefined;
        if (!type) throw new Error(`BioScope sentence ${id}: cue type ${a.type}`);
        openCue = { ref: a.ref ?? '', type, start: text.length };
      } else if (openCue) {
        let c = cueSpans.get(openCue.ref);
        if (!c) cueSpans.set(openCue.ref, (c = { type: openCue.type, spans: [] }));
        c.spans.push({ start: openCue.start, end: text.length, text: text.slice(openCue.start, text.length) });
        openCue = undefined;
      }
    }
  }
  if (scopeStack.length) throw new Error(`BioScope sentence ${id}: unclosed <xcope>`);
  const tokens = tokenize(text);
  const cues: BioScopeCue[] = [...cueSpans].map(([scope, c]) => ({
    scope,
    type: c.type,
    spans: c.spans.map((s) => ({ ...s, ...tokenRange(tokens, s) })),
  }));
  const typeOf = new Map(cues.map((c) => [c.scope, c.type]));
  const out: BioScopeScope[] = scopes
    .sort((x, y) => x.start - y.start || y.end - x.end)
    .map((s) => {
      const sc: BioScopeScope = { id: s.id, start: s.start, end: s.end, ...tokenRange(tokens, s) };
      const t = typeOf.get(s.id);
      if (t) sc.type = t;
      return sc;
    });
  return { id, text, tokens, cues, scopes: out };
}

/** Parses a BioScope XML file's content. */
export function parseBioScope(xml: string): BioScopeDocument[] {
  const docs: BioScopeDocument[] = [];
  const docRe = /<Document\b([^>]*)>([\s\S]*?)<\/Document>/g;
  for (let d = docRe.exec(xml); d; d = docRe.exec(xml)) {
    const body = d[2]!;
    const idM = /<DocID\b([^>]*)>([\s\S]*?)<\/DocID>/.exec(body);
    const doc: BioScopeDocument = {
      index: docs.length,
      type: attrs(d[1]!).type ?? '',
      id: idM ? decode(idM[2]!.trim()) : String(docs.length),
      idType: idM ? attrs(idM[1]!).type ?? '' : '',
      parts: [],
    };
    const partRe = /<DocumentPart\b([^>]*)>([\s\S]*?)<\/DocumentPart>/g;
    for (let p = partRe.exec(body); p; p = partRe.exec(body)) {
      const part: BioScopePart = { type: attrs(p[1]!).type ?? '', sentences: [] };
      const sRe = /<sentence\b([^>]*)>([\s\S]*?)<\/sentence>/g;
      for (let s = sRe.exec(p[2]!); s; s = sRe.exec(p[2]!)) {
        part.sentences.push(parseBioScopeSentence(attrs(s[1]!).id ?? '', s[2]!));
      }
      doc.parts.push(part);
    }
    docs.push(doc);
  }
  return docs;
}

export function readBioScope(path: string): BioScopeDocument[] {
  return parseBioScope(readFileSync(path, 'utf8'));
}

/** Every sentence of the documents, in order. */
export function bioScopeSentences(docs: readonly BioScopeDocument[]): BioScopeSentence[] {
  return docs.flatMap((d) => d.parts.flatMap((p) => p.sentences));
}

/** The deterministic dev/test split of BioScope documents used by the assertion eval: even index → dev. */
export function bioScopeSplit(doc: Pick<BioScopeDocument, 'index'>): 'dev' | 'test' {
  return doc.index % 2 === 0 ? 'dev' : 'test';
}
