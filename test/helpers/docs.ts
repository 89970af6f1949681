/** Test documents built from a text and the entities to place in it. */
import assert from 'node:assert/strict';
import { createDoc, makeEntity, renumberEntities } from '../../src/core/doc.js';
import type { Doc, EntityType } from '../../src/core/types.js';

/** A Doc with an entity (confidence 0.9) at the first occurrence of each text at or after `from`, numbered in text order. */
export function docWith(text: string, ents: [string, EntityType, number?][]): Doc {
  const doc = createDoc(text);
  for (const [s, type, from] of ents) {
    const start = text.indexOf(s, from ?? 0);
    assert.ok(start >= 0, s);
    doc.entities.push(makeEntity(doc, { start, end: start + s.length }, type, 0.9));
  }
  renumberEntities(doc);
  return doc;
}

/** Every entity's text is its slice of `text`, and ids run T1, T2, … in entity order (after a step renumbered them). */
export function assertExactAndNumbered(doc: Doc, text: string): void {
  for (const e of doc.entities) assert.equal(e.text, text.slice(e.start, e.end), 'offsets exact after an emoji and CRLF');
  assert.deepEqual(doc.entities.map((e) => e.id), doc.entities.map((_, i) => `T${i + 1}`), 'renumbered in text order');
}
