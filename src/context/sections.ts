/**
 * Section detection for clinical notes: finds headings such as "HPI:", "Past Medical History:",
 * "FAMILY HISTORY" (alone on a line) or "… stable.  PLAN: …" and returns one Section per heading with a
 * canonical name (`past_medical_history`, `family_history`, …). Rules live in rules/sections.json.
 *
 * A heading is recognised
 * - at the start of a line (any case), followed by a colon, or alone on its line (starting with a capital);
 * - elsewhere (the de-identified notes and MTSamples lost their line breaks) only in UPPER CASE, followed by a
 *   colon, and after sentence punctuation, a comma or two spaces;
 * - variants of 3 characters or fewer ("HPI", "PMH", "FH", "PE") only in UPPER CASE.
 * An unrecognised ALL-CAPS heading with a colon at a line start closes the current section and opens one
 * named `unknown_heading` ("other"); organ-system sub-headings ("HEENT:", "LUNGS:") never do.
 * A section runs from its heading to the next section's heading (trailing whitespace excluded).
 */
import { renumberEntities } from '../core/doc.js';
import type { Doc, Entity, EntityType, Section } from '../core/types.js';
import sectionRulesJson from './rules/sections.json' with { type: 'json' };

/** Effects a section has on the entities inside it. */
export interface SectionContext {
  temporality?: 'historical' | 'current';
  experiencer?: 'patient' | 'family' | 'other';
  /** Entities here name allergens (DRUG) or reactions (DISEASE); see docs/context.md. */
  allergy?: boolean;
}

export interface SectionRuleJson {
  name: string;
  variants: string[];
  context?: SectionContext;
}

export interface SectionRulesJson {
  sections: SectionRuleJson[];
  subheadings?: string[];
  unknown_heading?: string | null;
  /** Known variants that name the test done ("chest x-ray"): entities inside them are mentions, not labels. */
  mention_headings?: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A variant as a regex: any run of spaces matches any run of spaces/tabs; "/" and "&" may have spaces around. */
const variantSource = (v: string) =>
  v
    .trim()
    .split(/\s+/)
    .map((w) => escapeRegExp(w).replace(/\\?([/&])/g, '[ \\t]*$1[ \\t]*').replace(/-/g, '[- ]?'))
    .join('[ \\t]+');

export class SectionDetector {
  private readonly byVariant = new Map<string, string>();
  private readonly subheadings: Set<string>;
  private readonly mentionHeadings: Set<string>;
  private readonly known: RegExp;
  private readonly unknownRe: RegExp;
  readonly unknownName: string | null;
  readonly contexts = new Map<string, SectionContext>();
  readonly names: string[];

  constructor(rules: SectionRulesJson) {
    const variants: string[] = [];
    for (const s of rules.sections) {
      if (!/^[a-z][a-z0-9_]*$/.test(s.name)) throw new Error(`section name ${JSON.stringify(s.name)} must be snake_case`);
      if (s.context) this.contexts.set(s.name, s.context);
      for (const v of s.variants) {
        const key = normHeading(v);
        if (this.byVariant.has(key)) throw new Error(`section variant ${JSON.stringify(v)} listed twice`);
        this.byVariant.set(key, s.name);
        variants.push(v);
      }
    }
    this.names = rules.sections.map((s) => s.name);
    this.subheadings = new Set((rules.subheadings ?? []).map(normHeading));
    this.mentionHeadings = new Set((rules.mention_headings ?? []).map(normHeading));
    for (const v of this.subheadings) if (!this.byVariant.has(v)) variants.push(v);
    this.unknownName = rules.unknown_heading === undefined ? 'other' : rules.unknown_heading;
    const alt = [...new Set(variants)]
      .sort((a, b) => b.length - a.length)
      .map(variantSource)
      .join('|');
    // A heading starts the text or follows a line break, sentence punctuation, a comma, a bracket or two spaces.
    this.known = new RegExp(
      `(?<=^|[\\n\\r.;,!?)\\]]|[ \\t]{2})[ \\t]*(?:[-*•][ \\t]*)?(?<head>(?:${alt})(?:\\([e]?s\\))?)(?![\\w/&])[ \\t]*(?<colon>:)?`,
      'gi',
    );
    this.unknownRe = /(?<=^|[\n\r])[ \t]*(?<head>[A-Z][A-Z0-9 /&,'()-]{0,48}[A-Z0-9)])[ \t]*:/g;
  }

  /** The canonical name of a heading text, if known. */
  canonical(heading: string): string | undefined {
    return this.byVariant.get(normHeading(heading));
  }

  /**
   * Whether a heading is a label only: a known variant ("COMPLICATIONS", "PHYSICAL EXAMINATION") other than the
   * mention headings. Unrecognised headings and organ-system sub-headings ("ABDOMEN:") may name a finding's site.
   */
  isLabel(heading: string): boolean {
    const key = normHeading(heading);
    return this.byVariant.has(key) && !this.mentionHeadings.has(key);
  }

  /** Whether a text is an organ-system or exam sub-heading ("HEENT", "CARDIOVASCULAR", "BLOOD PRESSURE"). */
  isSubheading(heading: string): boolean {
    const key = normHeading(heading);
    return this.subheadings.has(key) && !this.byVariant.has(key);
  }

  detect(text: string): Section[] {
    type Cand = { start: number; end: number; heading: string; name: string | undefined; sub: boolean };
    const cands: Cand[] = [];
    this.known.lastIndex = 0;
    for (let m = this.known.exec(text); m; m = this.known.exec(text)) {
      const head = m.groups!.head!;
      const hs = m.index + m[0].indexOf(head);
      const he = hs + head.length;
      const colon = m.groups!.colon !== undefined;
      const lineStart = isLineStart(text, hs);
      const upper = head === head.toUpperCase();
      const key = normHeading(head);
      const sub = this.subheadings.has(key) && !this.byVariant.has(key);
      if (key.replace(/[^a-z0-9]/g, '').length <= 3 && !upper) continue;
      if (colon) {
        if (!lineStart && !upper) continue;
      } else {
        // no colon: the heading must be alone on its line
        if (!lineStart || !restOfLineBlank(text, m.index + m[0].length) || !/^[A-Z]/.test(head)) continue;
        if (sub) continue;
      }
      cands.push({ start: hs, end: he, heading: head, name: this.byVariant.get(key), sub });
    }
    if (this.unknownName !== null) {
      this.unknownRe.lastIndex = 0;
      for (let m = this.unknownRe.exec(text); m; m = this.unknownRe.exec(text)) {
        const head = m.groups!.head!;
        const hs = m.index + m[0].indexOf(head);
        if (cands.some((c) => c.start <= hs && hs < c.end + 2)) continue;
        const key = normHeading(head);
        if (this.subheadings.has(key) || this.byVariant.has(key) || !/[A-Z]{2}/.test(head)) continue;
        cands.push({ start: hs, end: hs + head.length, heading: head, name: this.unknownName, sub: false });
      }
    }
    cands.sort((a, b) => a.start - b.start);
    const out: Section[] = [];
    for (const c of cands) {
      const cur = out[out.length - 1];
      let name = c.name;
      if (c.sub) {
        // organ-system sub-headings continue the current section, except right after vital signs
        if (cur?.name !== 'vital_signs') continue;
        name = 'physical_exam';
      }
      if (!name) continue;
      if (cur) cur.end = trimEnd(text, cur.start, c.start);
      out.push({ name, heading: c.heading, start: c.start, end: text.length });
    }
    const last = out[out.length - 1];
    if (last) last.end = trimEnd(text, last.start, text.length);
    return out;
  }
}

function normHeading(s: string): string {
  return s
    .toLowerCase()
    .replace(/\(e?s\)$/, '').replace(/\s*([/&])\s*/g, '$1').replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
}

function isLineStart(text: string, i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    const ch = text[k]!;
    if (ch === '\n' || ch === '\r') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '-' && ch !== '*' && ch !== '•') return false;
  }
  return true;
}

function restOfLineBlank(text: string, i: number): boolean {
  for (let k = i; k < text.length; k++) {
    const ch = text[k]!;
    if (ch === '\n' || ch === '\r') return true;
    if (ch !== ' ' && ch !== '\t') return false;
  }
  return true;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** The section rules shipped with the package (rules/sections.json). */
export const defaultSectionRules: SectionRulesJson = sectionRulesJson as SectionRulesJson;

let defaultDetector: SectionDetector | undefined;
export function defaultSectionDetector(): SectionDetector {
  return (defaultDetector ??= new SectionDetector(defaultSectionRules));
}

/** Finds the sections of a clinical note (see the module comment). */
export function detectSections(text: string): Section[] {
  return defaultSectionDetector().detect(text);
}

/** Types a sub-heading may name: the site of the findings after it ("ABDOMEN:") or a measurement ("PULSE:"). */
const SUBHEADING_TYPES: ReadonlySet<EntityType> = new Set(['ANATOMY', 'LAB_TEST']);

/**
 * Drops the entities that lie inside a label heading (SectionDetector.isLabel): in "COMPLICATIONS: None." or
 * "ALLERGIES: NKDA" the heading names the field, not a disease. Reads `doc.sections` (the `sections` component).
 * Also drops an entity that is a sub-heading followed by a colon, unless it is ANATOMY or LAB_TEST: the model
 * tags "HEENT:" or "PSYCHIATRIC:" as a DISEASE in exam notes.
 */
export function dropHeadingEntities(doc: Doc, detector = defaultSectionDetector()): void {
  if (!doc.entities.length) return;
  const labels = (doc.sections ?? []).filter((s) => detector.isLabel(s.heading));
  const isSubheadingEntity = (e: Entity) =>
    !SUBHEADING_TYPES.has(e.type) && /^[ \t]*:/.test(doc.text.slice(e.end, e.end + 8)) && detector.isSubheading(e.text);
  const kept = doc.entities.filter((e) => !labels.some((s) => s.start <= e.start && e.end <= s.start + s.heading.length) && !isSubheadingEntity(e));
  if (kept.length === doc.entities.length) return;
  doc.entities = kept;
  renumberEntities(doc);
}

/** The section containing a character offset (sections must be sorted and disjoint, as detectSections returns them). */
export function sectionAt(sections: readonly Section[], offset: number): Section | undefined {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sections[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** Context effects of a canonical section name (temporality, experiencer, allergy), from the default rules. */
export function sectionContext(name: string): SectionContext | undefined {
  return defaultSectionDetector().contexts.get(name);
}
