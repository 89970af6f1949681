/**
 * The request fields shared by the HTTP server, the MCP server and the LangChain tools
 * (`entity_types`, `link`, `relations`, `context`), their JSON Schemas, and their conversion to RunOptions.
 */
import type { RunOptions } from '../core/component.js';
import { MedicalNerError } from '../core/errors.js';
import { ENTITY_TYPES, isEntityType } from '../core/types.js';
import type { EntityType } from '../core/types.js';

export interface ApiRunFields {
  /** Keep only these entity types: an array, or a comma-separated string like the CLI's `--entity-types`. */
  entity_types?: string[] | string;
  link?: boolean;
  relations?: boolean;
  context?: boolean;
  cross_sentence?: boolean;
}

/** A note given to the API: a bare string, or `{id, text}`. */
export type NoteInput = string | { id?: string; text: string };

/** A note with its id resolved. */
export interface Note {
  id: string;
  text: string;
}

export const runFieldSchemas = {
  entity_types: {
    description: `Keep only these entity types (${ENTITY_TYPES.join(', ')}); an array or a comma-separated string.`,
    anyOf: [
      { type: 'array', items: { type: 'string', enum: [...ENTITY_TYPES] }, uniqueItems: true },
      { type: 'string' },
    ],
  },
  link: { type: 'boolean', default: true, description: 'Fill concept codes (UMLS, SNOMED CT, RxNorm, …).' },
  relations: { type: 'boolean', default: true, description: 'Extract relations between entities.' },
  context: { type: 'boolean', default: true, description: 'Add assertion / experiencer / temporality attributes.' },
  cross_sentence: { type: 'boolean', default: false, description: 'Also find drug→disease CAUSES at the document level (concept pairs, across sentences too; trained on abstracts).' },
} as const;

export function noteSchema() {
  const text = { type: 'string', description: 'Note text. Offsets in the output are UTF-16 code units.' } as const;
  return {
    anyOf: [
      text,
      {
        type: 'object',
        required: ['text'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, text },
        additionalProperties: false,
      },
    ],
  } as const;
}

export function parseEntityTypeList(v: string[] | string | undefined): EntityType[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : v.split(',')).map((x) => String(x).trim().toUpperCase()).filter(Boolean);
  const bad = parts.filter((p) => !isEntityType(p));
  if (bad.length) throw new MedicalNerError('INVALID_OPTION', `unknown entity type(s) ${bad.join(', ')}; valid: ${ENTITY_TYPES.join(', ')}`);
  return [...new Set(parts)] as EntityType[];
}

export function runOptionsFromApi(f: ApiRunFields): RunOptions {
  const o: RunOptions = {};
  const types = parseEntityTypeList(f.entity_types);
  if (types) o.entityTypes = types;
  if (f.link === false) o.link = false;
  if (f.relations === false) o.relations = false;
  if (f.context === false) o.context = false;
  if (f.cross_sentence === true) o.crossSentence = true;
  return o;
}

export function normaliseNotes(notes: readonly NoteInput[], prefix = 'note'): Note[] {
  const seen = new Set<string>();
  return notes.map((n, i) => {
    const note = typeof n === 'string' ? { id: `${prefix}-${i + 1}`, text: n } : { id: n.id ?? `${prefix}-${i + 1}`, text: n.text };
    if (typeof note.text !== 'string') throw new MedicalNerError('INVALID_INPUT', `${prefix} ${i}: text must be a string`);
    if (seen.has(note.id)) throw new MedicalNerError('INVALID_INPUT', `duplicate ${prefix} id "${note.id}"`);
    seen.add(note.id);
    return note;
  });
}
