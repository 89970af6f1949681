/**
 * The `baseline` model: a gazetteer built from the training splits and open term lists
 * (scripts/build-gazetteer.ts) plus regular-expression rules for doses, lab values, durations and
 * severities. Fast, explainable, and the floor every learned model must beat.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { makeEntity } from '../../core/doc.js';
import type { Doc, Entity, EntityType, Span } from '../../core/types.js';
import { ENTITY_TYPES, isEntityType } from '../../core/types.js';
import { packagePath } from '../../core/paths.js';
import { nerModels } from '../model.js';
import type { NerModel } from '../model.js';
import { Gazetteer } from './gazetteer.js';
import { compilePatterns } from './patterns.js';

export const GAZETTEER_FILE = 'lexicons/baseline-gazetteer.tsv.gz';

export function loadGazetteer(path = packagePath(GAZETTEER_FILE)): Gazetteer {
  const gaz = new Gazetteer();
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  for (const line of text.split('\n')) {
    const [term, type, score] = line.split('\t');
    if (term && type && isEntityType(type)) gaz.add(term, { type, score: Number(score) });
  }
  return gaz;
}

interface Candidate extends Span {
  type: EntityType;
  confidence: number;
}

export class BaselineModel implements NerModel {
  readonly name = 'baseline';
  readonly types = ENTITY_TYPES;
  private readonly patterns = compilePatterns();

  constructor(private readonly gazetteer: Gazetteer) {}

  async predict(doc: Doc, types: ReadonlySet<EntityType>): Promise<Entity[]> {
    const cands: Candidate[] = [];
    for (const m of this.gazetteer.match(doc.text)) {
      if (types.has(m.type)) cands.push({ start: m.start, end: m.end, type: m.type, confidence: m.score });
    }
    for (const p of this.patterns) {
      if (!types.has(p.type)) continue;
      p.re.lastIndex = 0;
      for (let m = p.re.exec(doc.text); m; m = p.re.exec(doc.text)) {
        if (m[0].length > 0) cands.push({ start: m.index, end: m.index + m[0].length, type: p.type, confidence: p.confidence });
        else p.re.lastIndex++;
      }
    }
    return resolveOverlaps(cands).map((c) => makeEntity(doc, c, c.type, c.confidence, { attributes: { source: 'baseline' } }));
  }
}

/** Keep the longest candidate where spans overlap (ties: higher confidence, then earlier rule). */
export function resolveOverlaps<T extends Candidate>(cands: T[]): T[] {
  const sorted = [...cands].sort((a, b) => b.end - b.start - (a.end - a.start) || b.confidence - a.confidence);
  const kept: T[] = [];
  for (const c of sorted) {
    if (!kept.some((k) => k.start < c.end && c.start < k.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

nerModels.register(
  'baseline',
  async () => new BaselineModel(loadGazetteer()),
  'gazetteer (training splits + open term lists) and rules for doses, lab values, durations, severities',
);
