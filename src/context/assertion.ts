/**
 * ConText-style assertion (Chapman et al. 2001 NegEx; Harkema et al. 2009 ConText): for every entity, is it
 * present, absent (negated), possible or hypothetical; does it concern the patient, a family member or
 * someone else; is it current or historical. Trigger rules are data (rules/context.json), sections come
 * from sections.ts.
 *
 * Per sentence that holds an entity (sentences without entities cost nothing): tokenize once, find every
 * trigger in one pass over a token trie, resolve overlaps per axis (longest match wins, so pseudo-triggers
 * such as "no increase" hide "no"), give each modifier a scope (forward to the sentence end, backward to
 * the sentence start, cut at the first termination cue of its axis or after `max_scope` tokens), then give
 * each entity the closest modifier whose scope reaches it, per axis. Sections add defaults: an entity under
 * FAMILY HISTORY concerns the family, one under PAST MEDICAL/SURGICAL/SOCIAL HISTORY is historical, one
 * under ALLERGIES is flagged `allergy` (and historical). Section headings and a parenthesis closing around
 * the trigger also end scopes. See docs/context.md.
 */
import type { Doc, Entity, Section, Sentence, Span } from '../core/types.js';
import { splitSentences } from '../text/sentences.js';
import contextRulesJson from './rules/context.json' with { type: 'json' };
import { AXES, contextTokens, TriggerMatcher } from './matcher.js';
import type { Axis, Category, ContextRuleJson, CToken, TriggerMatch } from './matcher.js';
import { defaultSectionDetector, sectionAt } from './sections.js';
import type { SectionContext } from './sections.js';

export type Assertion = 'present' | 'absent' | 'possible' | 'hypothetical';
export type Experiencer = 'patient' | 'family' | 'other';
export type Temporality = 'current' | 'historical';

/** Evidence for an attribute value: the trigger (or the section heading) and its span in the document. */
export interface Cue extends Span {
  text: string;
  /** Set when the value comes from the section rather than from a trigger. */
  section?: string;
}

/** What the context component writes into `entity.attributes`. */
export interface ContextAttributes {
  assertion: Assertion;
  experiencer: Experiencer;
  temporality: Temporality;
  assertion_cue?: Cue;
  experiencer_cue?: Cue;
  temporality_cue?: Cue;
  /** Canonical name of the section the entity is in. */
  section?: string;
  /** The entity is in an ALLERGIES section: an allergen (DRUG) or a reaction (DISEASE). */
  allergy?: boolean;
}

export interface ContextRulesJson {
  context_rules: ContextRuleJson[];
}

/** A trigger that modifies what is in its scope (token indices, end-exclusive, into the sentence's tokens). */
export interface Modifier {
  match: TriggerMatch;
  category: Category;
  axis: Axis;
  /** Scope before the trigger: [backStart, match.start), empty for FORWARD. */
  backStart: number;
  /** Scope after the trigger: [match.end, forwardEnd), empty for BACKWARD. */
  forwardEnd: number;
  /** Set for a trigger hidden by a pseudo-trigger: it counts only for an entity that overlaps this span. */
  onlyIfOverlaps?: Span;
}

/** One sentence, analysed once for all the entities in it. */
export interface SentenceContext {
  start: number;
  end: number;
  tokens: CToken[];
  modifiers: Modifier[];
}

export class ContextEngine {
  readonly matcher: TriggerMatcher;

  constructor(rules: ContextRulesJson) {
    if (!rules || !Array.isArray(rules.context_rules)) throw new Error('context rules: expected {"context_rules": [...]}');
    this.matcher = new TriggerMatcher(rules.context_rules);
  }

  /**
   * Finds the modifiers of one sentence `text[start, end)` and their scopes. `breaks` are character offsets
   * (section headings) where every scope stops.
   */
  analyzeSentence(text: string, start: number, end: number, breaks: readonly number[] = []): SentenceContext {
    const tokens = contextTokens(text, start, end);
    const breakAt = new Set<number>();
    if (breaks.length) {
      const starts = new Map(tokens.map((t, i) => [t.start, i]));
      for (const b of breaks) {
        const i = starts.get(b);
        if (i !== undefined) breakAt.add(i);
      }
    }
    const resolved = this.matcher.resolve(this.matcher.allMatches(text, tokens, start, end), 'assertion');
    const modifiers: Modifier[] = [];
    for (const [axis, { matches, pseudo }] of resolved) {
      const termStart = new Set<number>();
      const termEnd = new Set<number>();
      for (const t of matches) {
        if (t.rule.direction !== 'TERMINATE') continue;
        termStart.add(t.start);
        termEnd.add(t.end);
      }
      const add = (m: TriggerMatch, onlyIfOverlaps?: Span) => {
        const dir = m.rule.direction;
        if (dir === 'TERMINATE' || dir === 'PSEUDO' || m.rule.category === 'TERMINATE') return;
        let forwardEnd = m.end;
        let backStart = m.start;
        if (dir === 'FORWARD' || dir === 'BIDIRECTIONAL') {
          const limit = Math.min(tokens.length, m.end + m.rule.maxScope);
          let depth = 0;
          for (let k = m.end; k < limit; k++) {
            if (termStart.has(k) || breakAt.has(k)) break;
            const n = tokens[k]!.norm;
            if (n === '(') depth++;
            else if (n === ')' && --depth < 0) break;
            forwardEnd = k + 1;
          }
        }
        if (dir === 'BACKWARD' || dir === 'BIDIRECTIONAL') {
          const limit = Math.max(0, m.start - m.rule.maxScopeBackward);
          let depth = 0;
          for (let k = m.start - 1; k >= limit; k--) {
            if (termEnd.has(k + 1)) break;
            const n = tokens[k]!.norm;
            if (m.rule.backwardPhrase && (n === ',' || n === ';')) break;
            if (n === ')') depth++;
            else if (n === '(' && --depth < 0) break;
            backStart = k;
            if (breakAt.has(k)) break;
          }
        }
        const mod: Modifier = { match: m, category: m.rule.category as Category, axis, backStart, forwardEnd };
        if (onlyIfOverlaps) mod.onlyIfOverlaps = onlyIfOverlaps;
        modifiers.push(mod);
      };
      for (const m of matches) add(m);
      // a pseudo-trigger that overlaps the entity itself ("no CHANGE IN VISION") does not hide what it hid
      for (const p of pseudo) for (const h of p.hidden) add(h, { start: p.match.charStart, end: p.match.charEnd });
    }
    return { start, end, tokens, modifiers };
  }

  /** The closest modifier per axis whose scope reaches the entity span. */
  modifiersFor(sc: SentenceContext, span: Span, type?: string): Partial<Record<Axis, Modifier>> {
    const { tokens } = sc;
    let a = -1;
    let b = -1;
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.start >= span.end) break;
      if (t.end > span.start) {
        if (a < 0) a = k;
        b = k + 1;
      }
    }
    const best: Partial<Record<Axis, { m: Modifier; d: number }>> = {};
    if (a < 0) return {};
    for (const mod of sc.modifiers) {
      const { match } = mod;
      if (mod.onlyIfOverlaps && !(mod.onlyIfOverlaps.start < span.end && span.start < mod.onlyIfOverlaps.end)) continue;
      if (type !== undefined && match.rule.allowedTypes && !match.rule.allowedTypes.has(type)) continue;
      let d = -1;
      if (match.charStart < span.end && span.start < match.charEnd) {
        // the trigger overlaps the entity: it counts only when it starts before it ("no ACUTE DISTRESS" with "no acute")
        if (match.charStart < span.start && match.rule.direction !== 'BACKWARD') d = 0;
      } else if (match.end <= a && a < mod.forwardEnd) d = a - match.end;
      else if (b <= match.start && b > mod.backStart) d = match.start - b;
      if (d < 0) continue;
      const cur = best[mod.axis];
      if (!cur || d < cur.d) best[mod.axis] = { m: mod, d };
    }
    const out: Partial<Record<Axis, Modifier>> = {};
    for (const axis of AXES) {
      const x = best[axis];
      if (x) out[axis] = x.m;
    }
    return out;
  }

  /** The context attributes of one entity span in an analysed sentence. */
  classify(text: string, sc: SentenceContext, span: Span, type?: string, section?: Section, sectionCtx?: SectionContext): ContextAttributes {
    const mods = this.modifiersFor(sc, span, type);
    const cueOf = (m: Modifier): Cue => ({ text: text.slice(m.match.charStart, m.match.charEnd), start: m.match.charStart, end: m.match.charEnd });
    const sectionCue = (s: Section): Cue => ({ text: s.heading, start: s.start, end: s.start + s.heading.length, section: s.name });
    const out: ContextAttributes = { assertion: 'present', experiencer: 'patient', temporality: 'current' };
    const ex = mods.existence;
    const hy = mods.hypothetical;
    if (hy) {
      out.assertion = 'hypothetical';
      out.assertion_cue = cueOf(hy);
    } else if (ex && ex.category === 'NEGATED_EXISTENCE') {
      out.assertion = 'absent';
      out.assertion_cue = cueOf(ex);
    } else if (ex && ex.category === 'POSSIBLE_EXISTENCE') {
      out.assertion = 'possible';
      out.assertion_cue = cueOf(ex);
    }
    const tm = mods.temporality;
    if (tm) {
      out.temporality = 'historical';
      out.temporality_cue = cueOf(tm);
    } else if (section && sectionCtx?.temporality) {
      out.temporality = sectionCtx.temporality;
      out.temporality_cue = sectionCue(section);
    }
    const xp = mods.experiencer;
    if (xp) {
      out.experiencer = xp.category === 'FAMILY' ? 'family' : 'other';
      out.experiencer_cue = cueOf(xp);
    } else if (section && sectionCtx?.experiencer) {
      out.experiencer = sectionCtx.experiencer;
      out.experiencer_cue = sectionCue(section);
    }
    if (section) out.section = section.name;
    if (sectionCtx?.allergy) out.allergy = true;
    return out;
  }

  /**
   * Sets `attributes.assertion / experiencer / temporality` (+ cues, section, allergy) on every entity of the
   * doc. Uses `doc.sentences` and `doc.sections` when present, else computes them (without storing them).
   * Entity offsets and texts are never changed.
   */
  assertDoc(doc: Doc): void {
    if (doc.entities.length === 0) return;
    const text = doc.text;
    const sentences: readonly Sentence[] = doc.sentences ?? splitSentences(text);
    const detector = defaultSectionDetector();
    const sections: readonly Section[] = doc.sections ?? detector.detect(text);
    const order = doc.entities.map((e, i) => i).sort((x, y) => doc.entities[x]!.start - doc.entities[y]!.start);
    let si = 0;
    let cache: { sent: Span; sc: SentenceContext } | undefined;
    for (const idx of order) {
      const e = doc.entities[idx]!;
      while (si < sentences.length && sentences[si]!.end <= e.start) si++;
      const s = sentences[si];
      // an entity outside every sentence (whitespace only) is analysed within its own span
      const sent: Span = s && s.start <= e.start ? { start: s.start, end: Math.max(s.end, e.end) } : { start: e.start, end: e.end };
      if (!cache || cache.sent.start !== sent.start || cache.sent.end !== sent.end) {
        const breaks: number[] = [];
        for (let k = firstSectionAfter(sections, sent.start); k < sections.length && sections[k]!.start < sent.end; k++) breaks.push(sections[k]!.start);
        cache = { sent, sc: this.analyzeSentence(text, sent.start, sent.end, breaks) };
      }
      const section = sectionAt(sections, e.start);
      const attrs = this.classify(text, cache.sc, e, e.type, section, section ? detector.contexts.get(section.name) : undefined);
      setContextAttributes(e, attrs);
    }
  }
}

/** Index of the first section that starts after `offset` (sections sorted by start). */
function firstSectionAfter(sections: readonly Section[], offset: number): number {
  let lo = 0;
  let hi = sections.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sections[mid]!.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const CONTEXT_KEY_SET = new Set(['assertion', 'experiencer', 'temporality', 'assertion_cue', 'experiencer_cue', 'temporality_cue', 'section', 'allergy']);

function setContextAttributes(e: Entity, attrs: ContextAttributes): void {
  const out: Record<string, unknown> = {};
  if (e.attributes) for (const [k, v] of Object.entries(e.attributes)) if (!CONTEXT_KEY_SET.has(k)) out[k] = v;
  e.attributes = Object.assign(out, attrs);
}

/** The trigger rules shipped with the package (rules/context.json). */
export const defaultContextRules: ContextRulesJson = contextRulesJson as unknown as ContextRulesJson;

let defaultEngine: ContextEngine | undefined;
export function defaultContextEngine(): ContextEngine {
  return (defaultEngine ??= new ContextEngine(defaultContextRules));
}

/** Sets assertion, experiencer and temporality attributes on every entity of the doc (default rules). */
export function assertContext(doc: Doc): Doc {
  defaultContextEngine().assertDoc(doc);
  return doc;
}

/**
 * Context of one span of a text, as if it were an entity (sections detected on the text, sentences split).
 * Handy for tests and for callers without a Doc.
 */
export function contextOf(text: string, span: Span, type?: string): ContextAttributes {
  const doc: Doc = { text, entities: [{ id: 'T1', text: text.slice(span.start, span.end), type: (type ?? 'DISEASE') as Entity['type'], start: span.start, end: span.end, confidence: 1 }], relations: [] };
  defaultContextEngine().assertDoc(doc);
  return doc.entities[0]!.attributes as unknown as ContextAttributes;
}
