/**
 * Text that looks like an entity but never is one (rules/non-mentions.json): an entity of a rule's types lying
 * inside a match of its pattern is dropped: suture sizes ("4-0 Vicryl"), which the model tags as DOSAGE in
 * operative notes (about a third of 568 such sizes in 300 MTSamples notes); spinal level ranges and heart sounds
 * tagged GENE; dates tagged LAB_VALUE; surgical supplies by brand ("Vicryl", "Steri-Strips", "Bovie") tagged DRUG, GENE,
 * ANATOMY, …; instruments, supplies and hospital units ("scalpel", "trocar", "sponge and needle counts", "PACU") of
 * any type; operative words tagged DISEASE ("hemostasis", "insufflated"); de-identification placeholders and names
 * after a title ("Dr. ABCD"); "contraindicated" tagged DISEASE; a side on its own ("Right" of "Right olecranon bursitis").
 */
import type { Entity, EntityType } from '../core/types.js';
import { isEntityType } from '../core/types.js';
import rulesJson from './rules/non-mentions.json' with { type: 'json' };

export interface NonMentionRuleJson {
  types: string[];
  pattern: string;
  /** More RegExp flags than `g` ("i"). */
  flags?: string;
  why: string;
}

export interface NonMentionRule {
  types: ReadonlySet<EntityType>;
  re: RegExp;
}

export function compileNonMentionRules(rules: readonly NonMentionRuleJson[]): NonMentionRule[] {
  return rules.map((r) => {
    const bad = r.types.find((t) => !isEntityType(t));
    if (bad) throw new Error(`non-mention rule ${JSON.stringify(r.pattern)}: unknown entity type ${JSON.stringify(bad)}`);
    return { types: new Set(r.types as EntityType[]), re: new RegExp(r.pattern, 'g' + (r.flags ?? '')) };
  });
}

const DEFAULT_RULES = compileNonMentionRules((rulesJson as { rules: NonMentionRuleJson[] }).rules);

/** The entities that lie inside no match of a rule for their type (a new array when any is dropped). */
export function dropNonMentions(text: string, entities: readonly Entity[], rules: readonly NonMentionRule[] = DEFAULT_RULES): readonly Entity[] {
  let out = entities;
  for (const rule of rules) {
    if (!out.some((e) => rule.types.has(e.type))) continue;
    const spans: [number, number][] = [];
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      if (m[0] === '') rule.re.lastIndex++;
      else spans.push([m.index, m.index + m[0].length]);
    }
    if (spans.length) out = out.filter((e) => !rule.types.has(e.type) || !spans.some(([s, t]) => s <= e.start && e.end <= t));
  }
  return out;
}
