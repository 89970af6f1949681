/**
 * The `targets` component: lexicon target matching in the note sections where the NER model is known to miss
 * (rules/targets.json), as medspaCy's TargetMatcher matches a target list. In such a section, the longest runs of
 * up to `max_words` words that the linker names as a concept of the rule's type with one of the rule's code systems,
 * by one of the rule's methods (an exact or normalised name, a corpus alias, a word-order variant; an all-capital
 * abbreviation through the document's or the clinical list), become entities of that type. An entity that such a
 * run covers whole ("breast" ANATOMY or DISEASE in "breast cancer") gives way to it; one as long as the run of its
 * type, or one reaching out of it, keeps its place. Added entities carry `attributes.source: "targets"` and the
 * rule's confidence. Runs after `lexicon-check`.
 */
import { components } from '../core/component.js';
import type { Component, RunOptions } from '../core/component.js';
import { makeEntity, renumberEntities, spansOverlap } from '../core/doc.js';
import type { Doc, Entity, Span } from '../core/types.js';
import { readyLinker } from './index.js';
import { ABBREVIATION, compileNameRule, namesConcept } from './names.js';
import type { NameRule, NameRuleJson } from './names.js';
import { isGenericWord, isStopWord } from './normalize.js';
import rulesJson from './rules/targets.json' with { type: 'json' };

export interface TargetRuleJson extends NameRuleJson {
  sections: string[];
  max_words: number;
  /** Only the first this many characters of a section are read (a longer one is usually a heading followed by the rest of the note). */
  max_chars: number;
  confidence: number;
  why?: string;
}

export interface TargetRule extends NameRule {
  sections: ReadonlySet<string>;
  maxWords: number;
  maxChars: number;
  confidence: number;
}

export function compileTargetRules(rules: readonly TargetRuleJson[]): TargetRule[] {
  return rules.map((r) => ({
    ...compileNameRule(r, 'target rule'),
    sections: new Set(r.sections),
    maxWords: r.max_words,
    maxChars: r.max_chars,
    confidence: r.confidence,
  }));
}

const DEFAULT_RULES = compileTargetRules((rulesJson as { targets: TargetRuleJson[] }).targets);

/** Words: letters or digits, with inner hyphens and apostrophes ("end-stage", "Gehrig's"). */
const WORD = /[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*/g;
/** A run never crosses punctuation that ends a phrase. */
const BREAK = /[.,;:()[\]/\n]/;

export function targetsComponent(rules: readonly TargetRule[] = DEFAULT_RULES, lexiconDir?: string): Component {
  return {
    name: 'targets',
    async process(doc: Doc, options: RunOptions) {
      const wanted = rules.filter((r) => !options.entityTypes || options.entityTypes.includes(r.type));
      const spans = (doc.sections ?? []).flatMap((s) => wanted.filter((r) => r.sections.has(s.name)).map((r) => [r, s] as const));
      if (!spans.length) return;
      const linker = await readyLinker(lexiconDir);
      const ctx = linker.context(doc.text);
      let changed = false;
      for (const [rule, section] of spans) {
        // each word costs up to max_words lookups: a section is read up to max_chars (p99 of MTSamples family histories: 3,294)
        const end = Math.min(section.end, section.start + rule.maxChars);
        const words = [...doc.text.slice(section.start, end).matchAll(WORD)].map((m) => ({ start: section.start + m.index!, end: section.start + m.index! + m[0].length }));
        const names = (span: Span) => namesConcept(linker, ctx, doc.text.slice(span.start, span.end), rule);
        for (let i = 0; i < words.length; i++) {
          for (let n = Math.min(rule.maxWords, words.length - i); n >= 1; n--) {
            const span = { start: words[i]!.start, end: words[i + n - 1]!.end };
            const text = doc.text.slice(span.start, span.end);
            const first = doc.text.slice(words[i]!.start, words[i]!.end).toLowerCase();
            const last = doc.text.slice(words[i + n - 1]!.start, words[i + n - 1]!.end).toLowerCase();
            if (BREAK.test(text) || isStopWord(first) || isStopWord(last) || (n === 1 && (isGenericWord(first) || (text.length < 4 && !ABBREVIATION.test(text))))) continue;
            const hit = doc.entities.filter((e) => spansOverlap(e, span));
            // an entity the run covers whole gives way to it ("breast" DISEASE or ANATOMY in "breast cancer"); one
            // that reaches out of it, or one of the type as long as the run, stays and the run is not taken
            if (hit.some((e) => e.start < span.start || e.end > span.end || (e.type === rule.type && e.end - e.start === span.end - span.start))) continue;
            if (!names(span)) continue;
            const gone = new Set<Entity>(hit);
            doc.entities = doc.entities.filter((e) => !gone.has(e));
            doc.entities.push(makeEntity(doc, span, rule.type, rule.confidence, { attributes: { source: 'targets' } }));
            changed = true;
            i += n - 1;
            break;
          }
        }
      }
      if (changed) renumberEntities(doc);
    },
    async warmUp() {
      (await readyLinker(lexiconDir)).prepare();
    },
  };
}

components.register('targets', () => targetsComponent(), 'lexicon target matching in the sections where the NER model misses (rules/targets.json): diseases in family and past medical histories');
