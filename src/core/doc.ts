import { MedicalNerError } from './errors.js';
import type { Codes, Doc, Entity, EntityType, ExtractionResult, Relation, Span, Triple } from './types.js';

export function createDoc(text: string, id?: string, meta?: Record<string, unknown>): Doc {
  if (typeof text !== 'string') throw new MedicalNerError('INVALID_INPUT', 'text must be a string');
  const doc: Doc = { text, entities: [], relations: [] };
  if (id !== undefined) doc.id = id;
  if (meta !== undefined) doc.meta = meta;
  return doc;
}

/** Build an entity whose text is taken from the document, so offsets and text can never disagree. */
export function makeEntity(
  doc: Doc,
  span: Span,
  type: EntityType,
  confidence: number,
  extra: Partial<Pick<Entity, 'codes' | 'preferred_name' | 'attributes'>> = {},
): Entity {
  const { start, end } = span;
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= doc.text.length)) {
    throw new MedicalNerError('INVALID_INPUT', `bad span [${start}, ${end}) for text of length ${doc.text.length}`);
  }
  return { id: '', text: doc.text.slice(start, end), type, start, end, confidence: round(confidence), ...extra };
}

/** Whether two half-open spans share a code unit. */
export const spansOverlap = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Sort entities by position and give them stable ids T1, T2, … */
export function renumberEntities(doc: Doc): void {
  const idMap = new Map<string, string>();
  doc.entities.sort((a, b) => a.start - b.start || b.end - a.end || a.type.localeCompare(b.type));
  doc.entities.forEach((e, i) => {
    const id = `T${i + 1}`;
    if (e.id) idMap.set(e.id, id);
    e.id = id;
  });
  for (const r of doc.relations) {
    r.subject = idMap.get(r.subject) ?? r.subject;
    r.object = idMap.get(r.object) ?? r.object;
  }
}

export function entityById(doc: Doc): Map<string, Entity> {
  return new Map(doc.entities.map((e) => [e.id, e]));
}

export function triplesOf(doc: Doc): Triple[] {
  const byId = entityById(doc);
  const out: Triple[] = [];
  for (const r of doc.relations) {
    const s = byId.get(r.subject);
    const o = byId.get(r.object);
    if (s && o) out.push([s.text, r.predicate, o.text]);
  }
  return out;
}

/** The JSON output of one document: `{entities, relations, triples}`. */
export function toResult(doc: Doc, meta?: Record<string, unknown>): ExtractionResult {
  const result: ExtractionResult = { entities: doc.entities, relations: doc.relations, triples: triplesOf(doc) };
  if (meta) result.meta = meta;
  return result;
}

/** Throws if any entity's text differs from its slice, or a relation names an unknown entity. */
export function assertConsistent(doc: Doc): void {
  const ids = new Set<string>();
  for (const e of doc.entities) {
    if (doc.text.slice(e.start, e.end) !== e.text) {
      throw new Error(`entity ${e.id} text ${JSON.stringify(e.text)} != slice [${e.start}, ${e.end})`);
    }
    ids.add(e.id);
  }
  for (const r of doc.relations as Relation[]) {
    if (!ids.has(r.subject) || !ids.has(r.object)) throw new Error(`relation ${r.id} names an unknown entity`);
  }
}

/** An entity's code sets: its own, or one per concept of a composite mention (`attributes.components`, see the linker). */
export function codeSets(e: Entity): (Codes | undefined)[] {
  const parts = e.attributes?.components;
  return Array.isArray(parts) ? parts.map((p) => (p as { codes?: Codes }).codes) : [e.codes];
}
