/**
 * The patient graph as RDF Turtle.
 *
 * Concepts are named by their code IRIs: `umls:C0025598` (http://linkedlifedata.com/resource/umls/id/),
 * else SNOMED CT (http://snomed.info/id/), RxNorm (http://purl.bioontology.org/ontology/RXNORM/), MeSH
 * (http://id.nlm.nih.gov/mesh/), … (see CONCEPT_IRI_BASES), else `<base>concept/<key>` for text-only
 * concepts. The other codes of a concept are `skos:exactMatch` links plus plain `mner:<system>` literals.
 * Each graph edge is a direct triple `?s mner:TREATS ?o` and a reified `rdf:Statement` (class
 * `mner:Relation`) carrying confidence, counts and provenance. Mentions, relation mentions, notes and
 * the patient are resources under `base` (default DEFAULT_DATA_BASE), patient-scoped.
 * One file holds one patient's graph; load several patients into named graphs to keep their
 * per-patient figures (confidence, counts) apart.
 */
import { PREDICATES } from '../core/types.js';
import type { CodeSystem } from '../core/types.js';
import type { PatientGraph } from '../graph/patient-graph.js';
import { KEY_SYSTEMS, keyPrefix } from '../graph/keys.js';
import type { GraphNode } from '../graph/types.js';
import { typeLabel } from './graph-rows.js';
import { CONCEPT_IRI_BASES, CONCEPT_PREFIXES, DEFAULT_DATA_BASE, MNER_NS, conceptIri, encodePart, wellFormed } from './namespaces.js';

export interface TurtleOptions {
  /** Base IRI of instance resources (patient, notes, mentions, edges). Must end in `/` or `#`. */
  base?: string;
  /** Write each note's text (`mner:text`). Default true. */
  includeNoteText?: boolean;
}

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const PREFIXES: [string, string][] = [
  ['rdf', RDF],
  ['rdfs', 'http://www.w3.org/2000/01/rdf-schema#'],
  ['xsd', 'http://www.w3.org/2001/XMLSchema#'],
  ['skos', 'http://www.w3.org/2004/02/skos/core#'],
  ['prov', 'http://www.w3.org/ns/prov#'],
  ['schema', 'http://schema.org/'],
  ['mner', MNER_NS],
  ...(Object.entries(CONCEPT_PREFIXES) as [CodeSystem, string][]).map(([s, p]): [string, string] => [p, CONCEPT_IRI_BASES[s]]),
];

const SAFE_LOCAL = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;

/** An IRI term: a prefixed name where the local part is plainly safe, else `<…>`. */
export function turtleIri(iri: string): string {
  for (const [p, ns] of PREFIXES) {
    if (iri.startsWith(ns) && SAFE_LOCAL.test(iri.slice(ns.length))) return `${p}:${iri.slice(ns.length)}`;
  }
  // IRIREF forbids controls, space and <>"{}|^`\ : percent-encode them (our IRIs are already encoded).
  return `<${wellFormed(iri).replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => encodeURIComponent(c))}>`;
}

const STRING_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A Turtle string literal (`"…"`), safe for any JS string. */
export function turtleString(s: string): string {
  const body = wellFormed(s).replace(/[\\"\u0000-\u001f\u007f]/g, (c) => STRING_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
  return `"${body}"`;
}

function decimal(n: number): string {
  const s = String(Number.isFinite(n) ? n : 0);
  return /[eE]/.test(s) ? `"${n.toFixed(10)}"^^xsd:decimal` : s.includes('.') ? s : `${s}.0`;
}

function integer(n: number): string {
  return String(Math.trunc(n));
}

class TurtleWriter {
  private readonly subjects = new Map<string, [string, string][]>();
  add(subject: string, predicate: string, object: string): void {
    let list = this.subjects.get(subject);
    if (!list) this.subjects.set(subject, (list = []));
    list.push([predicate, object]);
  }
  toString(): string {
    const out = PREFIXES.map(([p, ns]) => `@prefix ${p}: <${ns}> .`);
    out.push('');
    for (const [s, pos] of this.subjects) {
      const lines: string[] = [];
      let i = 0;
      while (i < pos.length) {
        const p = pos[i]![0];
        const objs: string[] = [];
        while (i < pos.length && pos[i]![0] === p) objs.push(pos[i++]![1]);
        lines.push(`${p} ${objs.join(', ')}`);
      }
      out.push(`${s} ${lines.join(' ;\n    ')} .`);
      out.push('');
    }
    return out.join('\n');
  }
}

/** The IRI naming a node: its key system's code IRI, or `<base>concept/<key>` for text-only concepts. */
export function nodeIri(node: Pick<GraphNode, 'id'>, base = DEFAULT_DATA_BASE): string {
  const i = node.id.indexOf(':');
  const prefix = node.id.slice(0, i);
  const system = KEY_SYSTEMS.find((s) => keyPrefix(s) === prefix);
  if (system) return conceptIri(system, node.id.slice(i + 1).replace(/%7C/g, '|').replace(/%25/g, '%'));
  return `${base}concept/${encodePart(node.id.replace(/%7C/g, '|').replace(/%25/g, '%'))}`;
}

export function toTurtle(graph: PatientGraph, options: TurtleOptions = {}): string {
  const base = options.base ?? DEFAULT_DATA_BASE;
  const w = new TurtleWriter();
  const m = (local: string) => `mner:${local}`;
  const patient = turtleIri(`${base}patient/${encodePart(graph.patientId)}`);
  const noteIriOf = (id: string) => `${base}patient/${encodePart(graph.patientId)}/note/${encodePart(id)}`;
  const noteTerm = (id: string) => turtleIri(noteIriOf(id));

  for (const p of PREDICATES) {
    w.add(m(p), 'a', 'rdf:Property, mner:Predicate');
    w.add(m(p), 'rdfs:label', turtleString(p));
  }

  w.add(patient, 'a', 'mner:Patient, schema:Patient');
  w.add(patient, m('patientId'), turtleString(graph.patientId));
  w.add(patient, 'rdfs:label', turtleString(graph.patientId));

  for (const n of graph.notes()) {
    const t = noteTerm(n.id);
    w.add(t, 'a', 'mner:Note, prov:Entity');
    w.add(t, m('noteId'), turtleString(n.id));
    w.add(t, 'rdfs:label', turtleString(n.id));
    w.add(t, m('patient'), patient);
    w.add(t, m('length'), integer(n.length));
    w.add(t, m('sha256'), turtleString(n.sha256));
    if (options.includeNoteText !== false) w.add(t, m('text'), turtleString(graph.noteText(n.id) ?? ''));
  }

  const termOfNode = new Map<string, string>();
  const nodes = graph.nodes();
  for (const node of nodes) termOfNode.set(node.id, turtleIri(nodeIri(node, base)));
  const mentionTerm = (note: string, entity: string) => turtleIri(`${noteIriOf(note)}/entity/${encodePart(entity)}`);

  for (const node of nodes) {
    const t = termOfNode.get(node.id)!;
    const self = nodeIri(node, base);
    w.add(patient, m('hasConcept'), t);
    w.add(t, 'a', `mner:Concept, mner:${typeLabel(node.type)}`);
    w.add(t, 'rdfs:label', turtleString(node.label));
    w.add(t, m('key'), turtleString(node.id));
    w.add(t, m('entityType'), turtleString(node.type));
    for (const [system, value] of Object.entries(node.codes) as [CodeSystem, string][]) {
      w.add(t, m(system), turtleString(value));
      const iri = conceptIri(system, value);
      if (iri !== self) w.add(t, 'skos:exactMatch', turtleIri(iri));
    }
    w.add(t, m('confidence'), decimal(node.confidence));
    w.add(t, m('mentionCount'), integer(node.mention_count));
    for (const id of node.note_ids) w.add(t, 'prov:wasDerivedFrom', noteTerm(id));
    for (const p of node.provenance) {
      const mt = mentionTerm(p.note, p.entity);
      w.add(t, m('mention'), mt);
      w.add(mt, 'a', 'mner:Mention');
      w.add(mt, m('mentionOf'), t);
      w.add(mt, m('inNote'), noteTerm(p.note));
      w.add(mt, m('entityId'), turtleString(p.entity));
      w.add(mt, m('start'), integer(p.start));
      w.add(mt, m('end'), integer(p.end));
      w.add(mt, m('text'), turtleString(p.text));
      w.add(mt, m('entityType'), turtleString(p.type));
      w.add(mt, m('confidence'), decimal(p.confidence));
      if (p.assertion) w.add(mt, m('assertion'), turtleString(p.assertion));
      if (p.experiencer) w.add(mt, m('experiencer'), turtleString(p.experiencer));
      if (p.temporality) w.add(mt, m('temporality'), turtleString(p.temporality));
      if (p.section) w.add(mt, m('section'), turtleString(p.section));
      if (p.sentence) w.add(mt, m('sentence'), turtleString(p.sentence.text));
    }
  }

  for (const e of graph.edges()) {
    const s = termOfNode.get(e.subject)!;
    const o = termOfNode.get(e.object)!;
    w.add(s, m(e.predicate), o);
    const et = turtleIri(`${base}patient/${encodePart(graph.patientId)}/edge/${encodePart(e.id)}`);
    w.add(et, 'a', 'rdf:Statement, mner:Relation');
    w.add(et, 'rdf:subject', s);
    w.add(et, 'rdf:predicate', m(e.predicate));
    w.add(et, 'rdf:object', o);
    w.add(et, m('key'), turtleString(e.id));
    w.add(et, m('confidence'), decimal(e.confidence));
    w.add(et, m('evidenceCount'), integer(e.evidence_count));
    w.add(et, m('negated'), e.negated ? 'true' : 'false');
    w.add(et, m('negatedCount'), integer(e.negated_count));
    for (const id of e.note_ids) w.add(et, 'prov:wasDerivedFrom', noteTerm(id));
    for (const p of e.provenance) {
      const rt = turtleIri(`${noteIriOf(p.note)}/relation/${encodePart(p.relation)}`);
      w.add(et, m('evidence'), rt);
      w.add(rt, 'a', 'mner:RelationMention');
      w.add(rt, m('inNote'), noteTerm(p.note));
      w.add(rt, m('relationId'), turtleString(p.relation));
      w.add(rt, m('confidence'), decimal(p.confidence));
      w.add(rt, m('subjectMention'), mentionTerm(p.note, p.subject.entity));
      w.add(rt, m('objectMention'), mentionTerm(p.note, p.object.entity));
      w.add(rt, m('negated'), p.negated ? 'true' : 'false');
      if (p.evidence) {
        w.add(rt, m('evidenceText'), turtleString(p.evidence.text));
        w.add(rt, m('evidenceStart'), integer(p.evidence.start));
        w.add(rt, m('evidenceEnd'), integer(p.evidence.end));
      }
    }
  }
  return w.toString();
}
