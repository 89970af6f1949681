/**
 * Regular-expression rules for the types that are shapes rather than names: LAB_VALUE, DOSAGE,
 * DURATION, SEVERITY. Data, not code: each rule is a type, a pattern and a confidence.
 * Patterns use lookarounds instead of \b so they work next to Unicode letters and units like "µg".
 */
import type { EntityType } from '../../core/types.js';

export interface PatternRule {
  type: EntityType;
  pattern: string;
  confidence: number;
}

const NUM = String.raw`(?:\d+(?:[.,]\d+)*(?:\s?(?:-|–|to)\s?\d+(?:[.,]\d+)*)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)`;
const L = String.raw`(?<![\p{L}\p{N}])`; // left word boundary
const R = String.raw`(?![\p{L}\p{N}])`; // right word boundary
const DOSE_UNIT = String.raw`(?:mg\/kg(?:\/d(?:ay)?)?|mg\/m2|mg\/d(?:ay)?|mcg|µg|μg|ug|mg|g|mEq|ml|mL|cc|units?|IU|U|tablets?|tabs?|capsules?|caps?|puffs?|drops?|patch(?:es)?|sprays?)`;
const LAB_UNIT = String.raw`(?:mg\/dL|mg\/dl|g\/dL|g\/dl|g\/L|mmol\/L|mmol\/l|µmol\/L|umol\/L|μmol\/L|mEq\/L|meq\/L|U\/L|IU\/L|IU\/mL|ng\/mL|ng\/ml|pg\/mL|pg\/ml|µg\/L|ug\/L|mIU\/L|mIU\/mL|cells\/µL|cells\/uL|cells\/mm3|\/mm3|\/µL|\/uL|\/mcL|K\/uL|x\s?10\^?\d+\/L|×\s?10\^?\d+\/L|mmHg|mm Hg|bpm|beats\/min|breaths\/min|\/min|°C|°F|mOsm\/kg|fL|pg|seconds|sec|%)`;
const FREQ = String.raw`(?:once|twice|three times|four times|[1-4]\s?x)\s(?:a\s|per\s)?(?:day|daily|week|weekly|month)|(?:every|q)\s?\d+\s?(?:-\s?\d+\s?)?(?:h|hr|hrs|hours?)|(?:b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?d|q\.?h\.?s|q\.?o\.?d|p\.?r\.?n|q\.?a\.?m|q\.?p\.?m)\.?|daily|nightly|weekly|at bedtime|as needed`;
const TIME_UNIT = String.raw`(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)`;

export const PATTERN_RULES: PatternRule[] = [
  { type: 'DOSAGE', pattern: `${L}${NUM}\\s?${DOSE_UNIT}${R}`, confidence: 0.8 },
  { type: 'DOSAGE', pattern: `${L}(?:${FREQ})(?![\\p{L}\\p{N}])`, confidence: 0.75 },
  { type: 'LAB_VALUE', pattern: `${L}[<>≤≥]?\\s?\\d+(?:[.,]\\d+)*\\s?${LAB_UNIT}(?![\\p{L}\\p{N}])`, confidence: 0.75 },
  { type: 'DURATION', pattern: `${L}(?:${NUM})(?:\\s|-)${TIME_UNIT}${R}`, confidence: 0.6 },
  {
    type: 'SEVERITY',
    pattern: `${L}(?:mild(?:ly)?|moderate(?:ly)?|severe(?:ly)?|marked(?:ly)?|significant(?:ly)?|slight(?:ly)?|massive|extensive|profound|minimal|mild-to-moderate|moderate-to-severe)${R}`,
    confidence: 0.7,
  },
];

/** Numeric lab values are only LAB_VALUE right after a lab-ish word; otherwise a duration/dose rule wins. */
export function compilePatterns(rules: PatternRule[] = PATTERN_RULES): { type: EntityType; re: RegExp; confidence: number }[] {
  return rules.map((r) => ({ type: r.type, re: new RegExp(r.pattern, 'giu'), confidence: r.confidence }));
}
