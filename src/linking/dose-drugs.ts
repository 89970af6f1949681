/**
 * The `dose-drugs` component: a drug name right before or after a dose becomes a DRUG entity when the lexicon
 * names it (rules/dose-drugs.json). The NER model is uncased and learned its drugs from abstracts and case
 * reports: "Versed 2 mg" (the sedative, read as the English word "versed") and brand names of medication lists
 * ("Minipress 2 mg daily") go unseen, while the dose beside them is found, or are taken into the dose (DOSAGE
 * "Minipress 2 mg daily", which then gives the name up). An entity of another type that the name
 * covers whole gives way to it; one reaching out of it, or a DRUG already there, keeps its place. Added entities
 * carry `attributes.source: "dose-drugs"` and the rule's confidence. Runs after `lexicon-check`.
 */
import { components } from '../core/component.js';
import type { Component, RunOptions } from '../core/component.js';
import { makeEntity, renumberEntities, spansOverlap } from '../core/doc.js';
import type { Doc, Entity, EntityType, Span } from '../core/types.js';
import { isEntityType } from '../core/types.js';
import { readyLinker } from './index.js';
import { compileNameRule, namesConcept } from './names.js';
import type { NameRule, NameRuleJson } from './names.js';
import { isGenericWord, isStopWord } from './normalize.js';
import rulesJson from './rules/dose-drugs.json' with { type: 'json' };

export interface DoseDrugRuleJson extends NameRuleJson {
  dose_type: string;
  max_words: number;
  shape: string;
  dose_shape: string;
  before: string;
  after: string;
  confidence: number;
}

export interface DoseDrugRule extends NameRule {
  doseType: EntityType;
  maxWords: number;
  shape: RegExp;
  doseShape: RegExp;
  before: RegExp;
  after: RegExp;
  confidence: number;
}

export function compileDoseDrugRule(r: DoseDrugRuleJson): DoseDrugRule {
  if (!isEntityType(r.dose_type)) throw new Error(`dose-drugs rule: unknown entity type ${JSON.stringify(r.dose_type)}`);
  return { ...compileNameRule(r, 'dose-drugs rule'), doseType: r.dose_type, maxWords: r.max_words, shape: new RegExp(r.shape), doseShape: new RegExp(r.dose_shape), before: new RegExp(r.before), after: new RegExp(r.after), confidence: r.confidence };
}

const DEFAULT_RULE = compileDoseDrugRule(rulesJson);

/** A word: letters or digits with inner hyphens ("Toprol-XL"), starting with a letter. */
const WORD_SOURCE = '[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*';
const WORD = new RegExp(WORD_SOURCE, 'g');
/** Words at the start of a dose, before its first number ("Minipress 2 mg daily"). */
const LEADING_NAME = new RegExp(`^(${WORD_SOURCE}(?: ${WORD_SOURCE})*) (?=[0-9])`);
/** How far from a dose a name may start or end (max_words long words and the gap). */
const REACH = 60;

/**
 * Runs of 1..max words, longest first, that end at the last word before `at` (before = true), or that start at
 * one of the first two words after it (the gap, such as "of", is checked by the caller).
 */
function runs(text: string, at: number, before: boolean, maxWords: number): Span[] {
  const from = before ? Math.max(0, at - REACH) : at;
  const piece = before ? text.slice(from, at) : text.slice(at, at + REACH);
  const words = [...piece.matchAll(WORD)].map((m) => ({ start: from + m.index!, end: from + m.index! + m[0].length }));
  const out: Span[] = [];
  for (const skip of before ? [0] : [0, 1]) {
    for (let n = Math.min(maxWords, words.length - skip); n >= 1; n--) {
      const ws = before ? words.slice(words.length - n) : words.slice(skip, skip + n);
      // the words of a run are separated by single spaces
      if (ws.some((w, i) => i > 0 && text.slice(ws[i - 1]!.end, w.start) !== ' ')) continue;
      out.push({ start: ws[0]!.start, end: ws[ws.length - 1]!.end });
    }
  }
  return out;
}

export function doseDrugsComponent(rule: DoseDrugRule = DEFAULT_RULE, lexiconDir?: string): Component {
  return {
    name: 'dose-drugs',
    needsTypes: [rule.doseType],
    async process(doc: Doc, options: RunOptions) {
      if (options.entityTypes && !options.entityTypes.includes(rule.type)) return;
      const doses = doc.entities.filter((e) => e.type === rule.doseType && rule.doseShape.test(e.text));
      if (!doses.length) return;
      const linker = await readyLinker(lexiconDir);
      let ctx: ReturnType<typeof linker.context> | undefined;
      let changed = false;
      /** The run names a drug and may become an entity (`dose` aside: a dose may hold it, and then gives it up). */
      const good = (span: Span, dose?: Entity) => {
        const text = doc.text.slice(span.start, span.end);
        if (!rule.shape.test(text)) return false;
        const words = text.toLowerCase().split(' ');
        if (isStopWord(words[0]!) || isStopWord(words[words.length - 1]!)) return false;
        if (words.length === 1 && (isGenericWord(words[0]!) || text.length < 4)) return false;
        const hit = doc.entities.filter((e) => e !== dose && spansOverlap(e, span));
        if (hit.some((e) => e.type === rule.type || e.start < span.start || e.end > span.end)) return false;
        return namesConcept(linker, (ctx ??= linker.context(doc.text)), text, rule);
      };
      /** The run becomes a DRUG; the entities it covers (but `dose`) give way. */
      const add = (span: Span, dose?: Entity) => {
        doc.entities = doc.entities.filter((e) => e === dose || !spansOverlap(e, span));
        doc.entities.push(makeEntity(doc, span, rule.type, rule.confidence, { attributes: { source: 'dose-drugs' } }));
        changed = true;
      };
      for (const dose of doses) {
        // the model sometimes takes the name into the dose ("Minipress 2 mg daily"): the name leaves it
        const lead = LEADING_NAME.exec(dose.text);
        if (lead && lead[1]!.split(' ').length <= rule.maxWords) {
          const span = { start: dose.start, end: dose.start + lead[1]!.length };
          if (good(span, dose)) {
            add(span, dose);
            dose.start += lead[0].length;
            dose.text = doc.text.slice(dose.start, dose.end);
            continue;
          }
        }
        for (const before of [true, false]) {
          const at = before ? dose.start : dose.end;
          for (const span of runs(doc.text, at, before, rule.maxWords)) {
            const gap = before ? doc.text.slice(span.end, dose.start) : doc.text.slice(dose.end, span.start);
            if (!(before ? rule.before : rule.after).test(gap) || !good(span)) continue;
            add(span);
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

components.register('dose-drugs', () => doseDrugsComponent(), 'a drug name right before or after a dose that the lexicon names becomes a DRUG ("Versed 2 mg")');
