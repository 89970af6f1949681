/**
 * A token-trie gazetteer: longest match over lower-cased tokens, so "type 2 diabetes mellitus" wins over
 * "diabetes". Terms are stored as their normalised token sequences.
 */
import type { EntityType, Span } from '../../core/types.js';
import { tokenize } from '../../text/tokens.js';

export interface GazetteerEntry {
  type: EntityType;
  /** Share of training occurrences that were annotated as this type (0–1); the match confidence. */
  score: number;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  entry?: GazetteerEntry;
}

export function normToken(t: string): string {
  return t.toLowerCase().replace(/[’']/g, "'");
}

export function termKey(term: string): string[] {
  return tokenize(term).map((t) => normToken(t.text));
}

export class Gazetteer {
  private readonly root: TrieNode = { next: new Map() };
  size = 0;

  add(term: string, entry: GazetteerEntry): void {
    const toks = termKey(term);
    if (toks.length === 0) return;
    let node = this.root;
    for (const t of toks) {
      let child = node.next.get(t);
      if (!child) node.next.set(t, (child = { next: new Map() }));
      node = child;
    }
    if (!node.entry || node.entry.score < entry.score) {
      if (!node.entry) this.size++;
      node.entry = entry;
    }
  }

  /** Longest non-overlapping matches, left to right. */
  match(text: string): (Span & GazetteerEntry)[] {
    const toks = tokenize(text);
    const out: (Span & GazetteerEntry)[] = [];
    for (let i = 0; i < toks.length; ) {
      let node: TrieNode | undefined = this.root;
      let best: { j: number; entry: GazetteerEntry } | undefined;
      for (let j = i; j < toks.length && node; j++) {
        node = node.next.get(normToken(toks[j]!.text));
        if (node?.entry) best = { j, entry: node.entry };
      }
      if (best) {
        out.push({ start: toks[i]!.start, end: toks[best.j]!.end, ...best.entry });
        i = best.j + 1;
      } else i++;
    }
    return out;
  }

  /** Every match at every token, overlapping ones included (used to count term occurrences). */
  *matchAll(text: string): Generator<Span & GazetteerEntry> {
    const toks = tokenize(text);
    for (let i = 0; i < toks.length; i++) {
      let node: TrieNode | undefined = this.root;
      for (let j = i; j < toks.length && node; j++) {
        node = node.next.get(normToken(toks[j]!.text));
        if (node?.entry) yield { start: toks[i]!.start, end: toks[j]!.end, ...node.entry };
      }
    }
  }
}
