/**
 * Linguistic negation scope, BioScope style (Vincze et al. 2008): for a negation cue, the span of the
 * sentence it negates. The scope contains the cue, runs to the end of the clause (a comma that starts a new
 * clause, "but", "whereas", "; ", an unmatched ")", "and" + verb …), and for a negated passive or
 * predicative ("X was not detected", "X is absent") starts at the subject.
 *
 * This is what the BioScope scope evaluation measures. It is not what entity assertion uses: for an entity,
 * "pain was not relieved" must not make "pain" absent, so assertion.ts keeps NegEx/ConText scopes. Cues come
 * and clause rules both come from rules/scope.json (linguistic negation cues such as "lack" or
 * "failed to" differ from the clinical triggers of context.json such as "denies" or "negative for").
 */
import type { Span } from '../core/types.js';
import scopeRulesJson from './rules/scope.json' with { type: 'json' };
import { contextTokens, TriggerMatcher } from './matcher.js';
import type { ContextRuleJson, CToken } from './matcher.js';

export interface ScopeRulesJson {
  /** Negation cues: `literal` (token match) or `pattern` (regex; a named group `cue` narrows the cue). */
  cues: { literal: string; pattern?: string; case_sensitive?: boolean }[];
  /** Phrases that contain a cue word but do not negate ("not only", "whether or not"), or pattern objects. */
  pseudo_cues: (string | { literal: string; pattern?: string; case_sensitive?: boolean })[];
  after_comma_clause_starters: string[];
  clause_breakers: string[];
  coordinators: string[];
  verbs_after_coordinator: string[];
  be_aux: string[];
  other_aux: string[];
  subject_cues: string[];
  subject_boundaries: string[];
  relative_pronouns: string[];
  irregular_participles: string[];
  /** Participles used as adjectives ("not associated with"): the clause is not a passive, no subject. */
  adjectival_participles: string[];
  /** A comma followed by an -ing word ("…, suggesting") ends the scope (except for the listed words). */
  after_comma_ing_breaks?: boolean;
  after_comma_ing_exceptions: string[];
  /** Words that end the scope only before one of the listed words ("as shown", "as assessed"). */
  conditional_breakers?: Record<string, string[]>;
  /** Finite verbs and auxiliaries: one that comes more than `finite_verb_grace` tokens after the cue starts the next clause ("cells lacking Rel | are defective"). */
  finite_verbs: string[];
  finite_verb_grace?: number;
  /** Cues followed by their own verb ("not express", "failed to bind"): the grace above applies to them only; other cues (nominal: "lacking X", "without X") end at the first finite verb. */
  verbal_cues: string[];
  /** When one of these words stands between the previous comma (or the sentence start) and the cue, the cue is in a subordinate clause or phrase, and the next comma ends the scope. */
  subordinators: string[];
  /** A parenthesis whose content matches this regex (case-insensitive) ends the scope before it (citations, statistics). */
  parenthetical_break_pattern?: string;
}

/** A negation cue (one or more spans: "neither … nor" is two) and its scope; the scope contains the cue. */
export interface NegationScope {
  cue: Span & { text: string };
  scope: Span;
}

export interface ScopeOptions {
  /** Take in the subject of a negated passive/predicative clause (default true). */
  subject?: boolean;
}

const set = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));

const WORD_LISTS = [
  'after_comma_clause_starters',
  'clause_breakers',
  'coordinators',
  'verbs_after_coordinator',
  'be_aux',
  'other_aux',
  'subject_cues',
  'subject_boundaries',
  'relative_pronouns',
  'irregular_participles',
  'adjectival_participles',
  'after_comma_ing_exceptions',
  'subordinators',
  'finite_verbs',
  'verbal_cues',
] as const;
type WordListKey = (typeof WORD_LISTS)[number];

export class ScopeResolver {
  private readonly r: { [K in WordListKey]: Set<string> };
  private readonly ingBreaks: boolean;
  private readonly verbGrace: number;
  private readonly parenBreak: RegExp | undefined;
  private readonly conditional: Map<string, Set<string>>;
  readonly matcher: TriggerMatcher;

  constructor(rules: ScopeRulesJson) {
    const lists = {} as { [K in WordListKey]: Set<string> };
    for (const k of WORD_LISTS) {
      if (!Array.isArray(rules[k])) throw new Error(`scope rules: ${k} must be a list of words`);
      lists[k] = set(rules[k]);
    }
    this.r = lists;
    this.ingBreaks = rules.after_comma_ing_breaks ?? false;
    this.verbGrace = rules.finite_verb_grace ?? Number.POSITIVE_INFINITY;
    this.parenBreak = rules.parenthetical_break_pattern ? new RegExp(rules.parenthetical_break_pattern, 'i') : undefined;
    this.conditional = new Map(Object.entries(rules.conditional_breakers ?? {}).map(([k, v]) => [k.toLowerCase(), set(v)]));
    const cueRules: ContextRuleJson[] = rules.cues.map((c) => {
      const r: ContextRuleJson = { literal: c.literal, category: 'NEGATED_EXISTENCE', direction: 'FORWARD' };
      if (c.pattern) r.pattern = c.pattern;
      if (c.case_sensitive) r.case_sensitive = true;
      return r;
    });
    for (const p of rules.pseudo_cues) {
      const r: ContextRuleJson = { literal: typeof p === 'string' ? p : p.literal, category: 'NEGATED_EXISTENCE', direction: 'PSEUDO' };
      if (typeof p !== 'string' && p.pattern) r.pattern = p.pattern;
      if (typeof p !== 'string' && p.case_sensitive) r.case_sensitive = true;
      cueRules.push(r);
    }
    this.matcher = new TriggerMatcher(cueRules);
  }

  /** Negation cues of the sentence `text[start, end)` (token ranges into `tokens`). */
  cues(text: string, tokens: readonly CToken[], start: number, end: number): { start: number; end: number; charStart: number; charEnd: number }[] {
    const resolved = this.matcher.resolve(this.matcher.allMatches(text, tokens, start, end), 'scope').get('existence')!;
    return resolved.matches.map((m) => ({ start: m.start, end: m.end, charStart: m.charStart, charEnd: m.charEnd }));
  }

  /** Scope (token range, end-exclusive) of the cue at tokens [cs, ce). */
  scopeOf(tokens: readonly CToken[], cs: number, ce: number, options: ScopeOptions = {}): { start: number; end: number } {
    const r = this.r;
    const n = (i: number) => tokens[i]?.norm ?? '';
    // right boundary
    let end = ce;
    let depth = 0;
    const cueText = tokens.slice(cs, ce).map((t) => t.norm).join(' ');
    const contrastive = cs > 0 && (n(cs - 1) === 'but' || n(cs - 1) === ',');
    // a cue that opens its clause ("No X was detected", "neither A nor B showed") heads the subject: its clause's verb is in scope
    const prev = cs > 0 ? n(cs - 1) : '';
    let verbsToPass = cs === 0 || prev === ',' || prev === ';' || prev === ':' || r.subordinators.has(prev) || r.clause_breakers.has(prev) ? 1 : 0;
    let inVerb = false;
    const grace = r.verbal_cues.has(cueText) ? this.verbGrace : 1;
    let subordinate = false;
    for (let k = cs - 1; k >= 0 && n(k) !== ',' && n(k) !== ';' && n(k) !== ':'; k--) {
      if (r.subordinators.has(n(k))) {
        subordinate = true;
        break;
      }
    }
    for (let j = ce; j < tokens.length; j++) {
      const w = n(j);
      if (w === '(' || w === '[') {
        if (depth === 0 && j > ce && this.breakingParenthetical(tokens, j)) break;
        depth++;
      } else if (w === ')' || w === ']') {
        if (--depth < 0) break;
      } else if (depth === 0) {
        if (w === ';' || w === ':') break;
        if ((w === '.' || w === '!' || w === '?') && j === tokens.length - 1) break;
        if (w === ',' && tokens[j + 1] && tokens[j + 1]!.start > tokens[j]!.end) {
          const next = n(j + 1);
          if (r.after_comma_clause_starters.has(next) || r.finite_verbs.has(next)) break;
          if (this.ingBreaks && /[a-z]{2,}ing$/.test(next) && !r.after_comma_ing_exceptions.has(next)) break;
          if ((contrastive || subordinate) && !this.listComma(tokens, j)) break;
        }
        if (j > ce) {
          if (r.clause_breakers.has(w) && !(cueText === 'neither' && w === 'nor')) break;
          if (r.coordinators.has(w) && r.verbs_after_coordinator.has(n(j + 1))) break;
          if (this.conditional.get(w)?.has(n(j + 1))) break;
          if (r.finite_verbs.has(w)) {
            if (!inVerb && verbsToPass > 0) verbsToPass--;
            else if (!inVerb && j >= ce + grace && !r.relative_pronouns.has(n(j - 1))) break;
            inVerb = true;
          } else inVerb = false;
        }
      }
      end = j + 1;
    }
    // trailing punctuation is not part of a scope
    while (end > ce && (/^[,.;:]$/.test(n(end - 1)) || r.coordinators.has(n(end - 1)) || n(end - 1) === 'but')) end--;
    let start = cs;
    if (options.subject !== false && r.subject_cues.has(cueText) && this.takesSubject(tokens, cs, ce)) {
      start = this.subjectStart(tokens, cs);
    }
    return { start, end };
  }

  /** A parenthesis at `j` whose content matches `parenthetical_break_pattern` (a citation, a p value). */
  private breakingParenthetical(tokens: readonly CToken[], j: number): boolean {
    if (!this.parenBreak) return false;
    let depth = 0;
    const words: string[] = [];
    for (let k = j; k < tokens.length; k++) {
      const w = tokens[k]!.norm;
      if (w === '(' || w === '[') depth++;
      else if (w === ')' || w === ']') {
        if (--depth === 0) break;
      }
      words.push(w);
    }
    return this.parenBreak.test(words.join(' '));
  }

  /**
   * Whether the comma at `j` continues a list ("X, Y, or Z"): the comma-separated segments that follow are
   * short and one of them starts with "and"/"or".
   */
  private listComma(tokens: readonly CToken[], j: number): boolean {
    let k = j + 1;
    for (let seg = 0; seg < 8 && k < tokens.length; seg++) {
      const first = tokens[k]!.norm;
      if (this.r.coordinators.has(first)) return !this.r.verbs_after_coordinator.has(tokens[k + 1]?.norm ?? '');
      let len = 0;
      let depth = 0;
      while (k < tokens.length) {
        const w = tokens[k]!.norm;
        if (w === '(' || w === '[') depth++;
        else if (w === ')' || w === ']') depth--;
        else if (depth === 0 && (w === ',' || w === ';' || w === ':' || w === '.')) break;
        else if (depth === 0 && this.r.finite_verbs.has(w)) return false;
        else if (depth === 0 && this.r.coordinators.has(w) && len > 0) return len <= 6;
        len++;
        k++;
      }
      if (len > 6 || k >= tokens.length || tokens[k]!.norm !== ',') return false;
      k++;
    }
    return false;
  }

  /** "was not detected", "has not been shown", "could not be activated", "is absent". */
  private takesSubject(tokens: readonly CToken[], cs: number, ce: number): boolean {
    const r = this.r;
    const n = (i: number) => tokens[i]?.norm ?? '';
    const cue = tokens.slice(cs, ce).map((t) => t.norm).join(' ');
    // aux chain before the cue
    let k = cs - 1;
    const before = n(k);
    const beBefore = r.be_aux.has(before);
    const auxBefore = beBefore || r.other_aux.has(before);
    if (cue === 'absent' || cue === 'unable') return beBefore || (r.be_aux.has(n(k - 1)) && /ly$/.test(before));
    if (!auxBefore && cue === 'not') return false;
    // after the cue: optional be/been, adverbs, then a participle or predicative adjective
    let j = ce;
    let sawBe = beBefore;
    while (j < tokens.length && (r.be_aux.has(n(j)) || /ly$/.test(n(j)))) {
      if (r.be_aux.has(n(j))) sawBe = true;
      j++;
    }
    if (!sawBe) return false;
    const w = n(j);
    if (r.adjectival_participles.has(w)) return false;
    return /[a-z]ed$/.test(w) || r.irregular_participles.has(w) || cue === 'absent';
  }

  /** Start of the clause the token at `cs` belongs to, walking left over the subject. */
  private subjectStart(tokens: readonly CToken[], cs: number): number {
    const r = this.r;
    let depth = 0;
    let k = cs - 1;
    for (; k >= 0; k--) {
      const w = tokens[k]!.norm;
      if (w === ')' || w === ']') depth++;
      else if (w === '(' || w === '[') {
        if (--depth < 0) break;
      } else if (depth === 0) {
        if (w === ',' || w === ';' || w === ':') break;
        if (r.coordinators.has(w) && this.clauseBefore(tokens, k)) break;
        if (r.subject_boundaries.has(w)) {
          // a relative pronoun right before the verb group is the subject itself ("that were not observed")
          if (r.relative_pronouns.has(w) && (r.be_aux.has(tokens[k + 1]?.norm ?? '') || r.other_aux.has(tokens[k + 1]?.norm ?? ''))) return k;
          break;
        }
      }
    }
    return k + 1;
  }

  /** Whether a finite verb stands between the coordinator at `k` and the previous clause boundary (so "and" joins clauses). */
  private clauseBefore(tokens: readonly CToken[], k: number): boolean {
    for (let i = k - 1; i >= 0; i--) {
      const w = tokens[i]!.norm;
      if (w === ',' || w === ';' || w === ':' || this.r.subject_boundaries.has(w)) return false;
      if (this.r.finite_verbs.has(w)) return true;
    }
    return false;
  }

  /** Every negation cue of `text[start, end)` with its scope, in character offsets. */
  negationScopes(text: string, start = 0, end = text.length, options: ScopeOptions = {}): NegationScope[] {
    const tokens = contextTokens(text, start, end);
    return this.cues(text, tokens, start, end).map((c) => {
      const ns = this.toChars(text, tokens, c, this.scopeOf(tokens, c.start, c.end, options));
      // a pattern cue may be narrower than its tokens
      ns.cue = { start: c.charStart, end: c.charEnd, text: text.slice(c.charStart, c.charEnd) };
      return ns;
    });
  }

  /** Scope of a given cue span (e.g. a gold cue) in `text[start, end)`. */
  scopeForCue(text: string, cue: Span, start = 0, end = text.length, options: ScopeOptions = {}): NegationScope | undefined {
    const tokens = contextTokens(text, start, end);
    let cs = -1;
    let ce = -1;
    tokens.forEach((t, i) => {
      if (t.start < cue.end && cue.start < t.end) {
        if (cs < 0) cs = i;
        ce = i + 1;
      }
    });
    if (cs < 0) return undefined;
    return this.toChars(text, tokens, { start: cs, end: ce }, this.scopeOf(tokens, cs, ce, options));
  }

  private toChars(text: string, tokens: readonly CToken[], cue: { start: number; end: number }, sc: { start: number; end: number }): NegationScope {
    const cStart = tokens[cue.start]!.start;
    const cEnd = tokens[cue.end - 1]!.end;
    const sStart = Math.min(tokens[sc.start]!.start, cStart);
    const sEnd = Math.max(sc.end > 0 ? tokens[sc.end - 1]!.end : cEnd, cEnd);
    return { cue: { start: cStart, end: cEnd, text: text.slice(cStart, cEnd) }, scope: { start: sStart, end: sEnd } };
  }
}

export const defaultScopeRules: ScopeRulesJson = scopeRulesJson as ScopeRulesJson;

let defaultResolver: ScopeResolver | undefined;
export function defaultScopeResolver(): ScopeResolver {
  return (defaultResolver ??= new ScopeResolver(defaultScopeRules));
}

/** Negation cues and their linguistic scopes in `text` (or in `text[start, end)`, one sentence). */
export function negationScopes(text: string, start = 0, end = text.length, options: ScopeOptions = {}): NegationScope[] {
  return defaultScopeResolver().negationScopes(text, start, end, options);
}
