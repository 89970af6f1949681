/**
 * CoNLL / IOB token files (`token<TAB>tag`, blank line between sentences): BC2GM-IOB,
 * AnatEM-IOB, the JNLPBA IOB2 test file.
 *
 * The text is rebuilt by joining tokens with one space and sentences with "\n", so the
 * tokens are exactly `text.split(/[ \n]/)`. Documents end at `-DOCSTART-` or `###<id>`
 * header lines (JNLPBA: `###MEDLINE:<id>`); a file without headers yields one document
 * per sentence. B-X starts a mention, I-X continues one of type X (an I-X after O or
 * after another type starts one); IOBES S-/E- are read as B-/I-.
 */
import { readFileSync } from 'node:fs';
import type { Span } from '../core/types.js';
import type { AnnotatedDoc, Mention } from '../core/corpus.js';

export interface ConllOptions {
  /** Prefix of generated document ids (`<prefix>-<n>`, n from 1). */
  idPrefix?: string;
}

/** `-DOCSTART-…` (no id) or `###<name>` (a line without a tab, so a `###` token is not a header). */
const HEADER = /^(?:-DOCSTART-.*|###([^\t]*))$/;
const HEADER_ANYWHERE = /^(?:-DOCSTART-|###[^\t\n]*$)/m;

interface Builder {
  id: string;
  parts: string[];
  length: number;
  sentences: Span[];
  mentions: Mention[];
  sentenceStart: number;
  open?: Mention;
}

export function parseConll(content: string, opts: ConllOptions = {}): AnnotatedDoc[] {
  const prefix = opts.idPrefix ?? 'doc';
  const docs: AnnotatedDoc[] = [];
  const hasHeaders = HEADER_ANYWHERE.test(content);
  let b: Builder | undefined;
  // A repeated header id gets "-2", "-3"… (the JNLPBA standoff files name the same documents so).
  const seen = new Map<string, number>();
  const uniqueId = (id: string) => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}-${n}`;
  };

  const newDoc = (id: string): Builder => ({ id, parts: [], length: 0, sentences: [], mentions: [], sentenceStart: -1 });
  const endSentence = () => {
    if (!b || b.sentenceStart < 0) return;
    b.sentences.push({ start: b.sentenceStart, end: b.length });
    b.sentenceStart = -1;
    b.open = undefined;
    if (!hasHeaders) flush();
  };
  const flush = () => {
    if (!b) return;
    if (b.sentenceStart >= 0) endSentence();
    if (!b) return;
    const text = b.parts.join('');
    for (const m of b.mentions) m.text = text.slice(m.start, m.end);
    docs.push({ id: b.id, text, mentions: b.mentions, relations: [], meta: { sentences: b.sentences } });
    b = undefined;
  };

  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '') {
      endSentence();
      continue;
    }
    const header = HEADER.exec(line);
    if (header) {
      flush();
      const name = header[1]?.trim();
      b = newDoc(name ? uniqueId(name.slice(name.lastIndexOf(':') + 1)) : `${prefix}-${docs.length + 1}`);
      continue;
    }
    b ??= newDoc(`${prefix}-${docs.length + 1}`);
    const cols = line.includes('\t') ? line.split('\t') : line.split(/\s+/);
    const token = cols[0]!;
    const tag = cols.length > 1 ? cols[cols.length - 1]! : 'O';
    if (b.sentenceStart < 0) {
      if (b.length > 0) add(b, '\n');
      b.sentenceStart = b.length;
    } else add(b, ' ');
    const start = b.length;
    add(b, token);
    const t = /^([BIES])-(.+)$/.exec(tag);
    if (!t) {
      b.open = undefined;
      continue;
    }
    const [, pos, type] = t as unknown as [string, string, string];
    const continues = (pos === 'I' || pos === 'E') && b.open?.label === type;
    if (continues) b.open!.end = b.length;
    else {
      b.open = { id: `T${b.mentions.length + 1}`, start, end: b.length, text: '', label: type };
      b.mentions.push(b.open);
    }
    if (pos === 'E' || pos === 'S') b.open = undefined;
  }
  flush();
  return docs;
}

function add(b: Builder, s: string): void {
  b.parts.push(s);
  b.length += s.length;
}

export function readConll(path: string, opts: ConllOptions = {}): AnnotatedDoc[] {
  return parseConll(readFileSync(path, 'utf8'), opts);
}
