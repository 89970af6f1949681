/**
 * The trigger matcher of the ConText engine: rules (loaded from JSON) compiled once into a token trie
 * plus a few regular expressions; a sentence is tokenized once and scanned once.
 *
 * Tokens are lower-cased words (`[letters digits]+`, with an inner apostrophe: "patient's") and single
 * punctuation characters. A hyphen inside a word is dropped, so "gram-negative" and "gram negative" are the
 * same two tokens. Rule literals are tokenized the same way, so matching never depends on spacing.
 */

/** What a rule does. */
export type Direction = 'FORWARD' | 'BACKWARD' | 'BIDIRECTIONAL' | 'TERMINATE' | 'PSEUDO';

/** Modifier categories, grouped into axes that are resolved independently. */
export const CATEGORY_AXIS = {
  NEGATED_EXISTENCE: 'existence',
  POSSIBLE_EXISTENCE: 'existence',
  HYPOTHETICAL: 'hypothetical',
  HISTORICAL: 'temporality',
  FAMILY: 'experiencer',
  OTHER_EXPERIENCER: 'experiencer',
} as const;
export type Category = keyof typeof CATEGORY_AXIS;
export type Axis = (typeof CATEGORY_AXIS)[Category];
export const AXES: readonly Axis[] = ['existence', 'hypothetical', 'temporality', 'experiencer'];

/** One rule as written in rules/context.json (medspaCy style). */
export interface ContextRuleJson {
  /** The phrase, matched token by token, case-insensitively. */
  literal: string;
  /** A category (see CATEGORY_AXIS), or `TERMINATE` (with direction TERMINATE) for a termination cue of every axis. */
  category: Category | 'TERMINATE';
  direction: Direction;
  /** Optional regular expression (JavaScript syntax, matched case-insensitively on the sentence) used instead of `literal`; `literal` then names the rule. A capture group named `cue` narrows the cue span. */
  pattern?: string;
  /** Match `pattern` case-sensitively (default: case-insensitive). */
  case_sensitive?: boolean;
  /** Scope limit in tokens (default: up to the sentence end or a termination cue). */
  max_scope?: number;
  /** BIDIRECTIONAL rules: the backward half only reaches this many tokens, within the phrase (not past a comma or semicolon), as in "diabetes in mother". */
  max_scope_backward?: number;
  /** Pattern rules only: run the regex only on sentences holding one of these tokens (a cheap pre-filter). */
  anchors?: string[];
  /** Entity types the modifier applies to (default: all). */
  allowed_types?: string[];
  /** `assertion`: used for entity attributes only; `scope`: used for negation-scope detection only (BioScope-style). Default both. */
  only?: 'assertion' | 'scope';
  comment?: string;
}

export interface CompiledRule {
  index: number;
  literal: string;
  category: Category | 'TERMINATE';
  direction: Direction;
  /** Axes this rule acts on. */
  axes: readonly Axis[];
  maxScope: number;
  maxScopeBackward: number;
  /** The backward half stops at a comma or semicolon (set with `max_scope_backward`). */
  backwardPhrase: boolean;
  allowedTypes?: ReadonlySet<string>;
  forAssertion: boolean;
  forScope: boolean;
  /** Token length of the literal (0 for pattern rules). */
  length: number;
}

export interface CToken {
  /** Lower-cased, normalised text. */
  norm: string;
  start: number;
  end: number;
}

/** A rule matched in a sentence: tokens [start, end) and the cue's character span. */
export interface TriggerMatch {
  rule: CompiledRule;
  start: number;
  end: number;
  charStart: number;
  charEnd: number;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  rules: CompiledRule[];
}

const WORD_OR_PUNCT = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;
const ALNUM = /[\p{L}\p{N}]/u;

/** Tokenizes `text[start, end)` for matching. Offsets are into `text`. */
export function contextTokens(text: string, start = 0, end = text.length): CToken[] {
  const out: CToken[] = [];
  const re = WORD_OR_PUNCT;
  re.lastIndex = start;
  for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
    const s = m.index;
    const t = m[0];
    if (t === '-' && s > 0 && ALNUM.test(text[s - 1]!) && ALNUM.test(text[s + 1] ?? '')) continue;
    const e = Math.min(s + t.length, end);
    out.push({ norm: (e === s + t.length ? t : t.slice(0, e - s)).toLowerCase().replace(/’/g, "'"), start: s, end: e });
  }
  return out;
}

function axesOf(category: Category | 'TERMINATE'): Axis[] {
  return category === 'TERMINATE' ? [...AXES] : [CATEGORY_AXIS[category]];
}

export class TriggerMatcher {
  readonly rules: CompiledRule[] = [];
  private readonly root: TrieNode = { next: new Map(), rules: [] };
  private readonly patterns: { rule: CompiledRule; re: RegExp; anchors?: Set<string> }[] = [];

  constructor(rules: readonly ContextRuleJson[]) {
    rules.forEach((r, index) => {
      const validDir = ['FORWARD', 'BACKWARD', 'BIDIRECTIONAL', 'TERMINATE', 'PSEUDO'].includes(r.direction);
      if (!validDir) throw new Error(`context rule ${index} (${r.literal}): bad direction ${r.direction}`);
      if (r.category !== 'TERMINATE' && !Object.hasOwn(CATEGORY_AXIS, r.category)) {
        throw new Error(`context rule ${index} (${r.literal}): bad category ${r.category}`);
      }
      if (r.category === 'TERMINATE' && r.direction !== 'TERMINATE') {
        throw new Error(`context rule ${index} (${r.literal}): category TERMINATE needs direction TERMINATE`);
      }
      const toks = contextTokens(r.literal).map((t) => t.norm);
      if (!r.pattern && toks.length === 0) throw new Error(`context rule ${index}: empty literal`);
      const rule: CompiledRule = {
        index,
        literal: r.literal,
        category: r.category,
        direction: r.direction,
        axes: axesOf(r.category),
        maxScope: r.max_scope ?? Number.POSITIVE_INFINITY,
        maxScopeBackward: r.max_scope_backward ?? r.max_scope ?? Number.POSITIVE_INFINITY,
        backwardPhrase: r.max_scope_backward !== undefined,
        forAssertion: r.only !== 'scope',
        forScope: r.only !== 'assertion',
        length: r.pattern ? 0 : toks.length,
      };
      if (r.allowed_types) rule.allowedTypes = new Set(r.allowed_types);
      this.rules.push(rule);
      if (r.pattern) {
        const p: { rule: CompiledRule; re: RegExp; anchors?: Set<string> } = { rule, re: new RegExp(r.pattern, r.case_sensitive ? 'gu' : 'giu') };
        if (r.anchors?.length) p.anchors = new Set(r.anchors.map((a) => a.toLowerCase()));
        this.patterns.push(p);
        return;
      }
      let node = this.root;
      for (const t of toks) {
        let n = node.next.get(t);
        if (!n) node.next.set(t, (n = { next: new Map(), rules: [] }));
        node = n;
      }
      node.rules.push(rule);
    });
  }

  /**
   * Every rule occurrence in the sentence (all lengths, all axes), unresolved.
   * `tokens` must be the sentence's tokens from {@link contextTokens}.
   */
  allMatches(text: string, tokens: readonly CToken[], sentStart: number, sentEnd: number): TriggerMatch[] {
    const out: TriggerMatch[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let node: TrieNode | undefined = this.root;
      for (let j = i; j < tokens.length; j++) {
        node = node.next.get(tokens[j]!.norm);
        if (!node) break;
        for (const rule of node.rules) {
          out.push({ rule, start: i, end: j + 1, charStart: tokens[i]!.start, charEnd: tokens[j]!.end });
        }
      }
    }
    if (this.patterns.length) {
      const slice = text.slice(sentStart, sentEnd);
      for (const { rule, re, anchors } of this.patterns) {
        if (anchors && !tokens.some((t) => anchors.has(t.norm))) continue;
        re.lastIndex = 0;
        for (let m = re.exec(slice); m; m = re.exec(slice)) {
          if (m[0].length === 0) {
            re.lastIndex++;
            continue;
          }
          const cue = m.groups?.cue;
          const cs = sentStart + (cue !== undefined ? m.index + m[0].indexOf(cue) : m.index);
          const ce = cue !== undefined ? cs + cue.length : sentStart + m.index + m[0].length;
          let a = -1;
          let b = -1;
          for (let k = 0; k < tokens.length; k++) {
            const t = tokens[k]!;
            if (t.end > cs && t.start < ce) {
              if (a < 0) a = k;
              b = k + 1;
            }
          }
          if (a >= 0) out.push({ rule, start: a, end: b, charStart: cs, charEnd: ce });
        }
      }
    }
    return out;
  }

  /**
   * Resolves matches per axis: left to right, the longest match starting at a token wins and hides
   * every shorter or later match it overlaps (so a pseudo-trigger like "no increase" hides "no").
   * Returns the winners per axis in token order, and the pseudo-triggers with the modifiers they hid.
   */
  resolve(matches: readonly TriggerMatch[], use: 'assertion' | 'scope'): Map<Axis, Resolved> {
    const result = new Map<Axis, Resolved>();
    for (const axis of AXES) {
      const cands = matches
        .filter((m) => m.rule.axes.includes(axis) && (use === 'assertion' ? m.rule.forAssertion : m.rule.forScope))
        .sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || pseudoFirst(a, b));
      const kept: TriggerMatch[] = [];
      const pseudo: { match: TriggerMatch; hidden: TriggerMatch[] }[] = [];
      let covered = 0;
      let last: { match: TriggerMatch; hidden: TriggerMatch[] } | undefined;
      for (const m of cands) {
        if (m.start < covered) {
          if (last && m.rule.direction !== 'PSEUDO' && m.rule.direction !== 'TERMINATE') last.hidden.push(m);
          continue;
        }
        covered = m.end;
        if (m.rule.direction === 'PSEUDO') pseudo.push((last = { match: m, hidden: [] }));
        else {
          kept.push(m);
          last = undefined;
        }
      }
      result.set(axis, { matches: kept, pseudo });
    }
    return result;
  }
}

/** The winners of one axis, and the pseudo-triggers with what they hid. */
export interface Resolved {
  matches: TriggerMatch[];
  pseudo: { match: TriggerMatch; hidden: TriggerMatch[] }[];
}

function pseudoFirst(a: TriggerMatch, b: TriggerMatch): number {
  const pa = a.rule.direction === 'PSEUDO' ? 0 : 1;
  const pb = b.rule.direction === 'PSEUDO' ? 0 : 1;
  return pa - pb || a.rule.index - b.rule.index;
}
