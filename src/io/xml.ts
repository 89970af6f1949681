/**
 * One XML parser configuration for the XML readers (BioC, DDI): values kept as
 * strings and untrimmed (offsets depend on every character), numeric character
 * references decoded (DDI sentences carry `&#xd;&#xa;`).
 */
import { XMLParser } from 'fast-xml-parser';

/** A parsed element: attributes as `@_name`, text as `#text` (or a plain string for text-only elements). */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export function parseXml(xml: string, arrayTags: string[]): XmlNode {
  const arrays = new Set(arrayTags);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    htmlEntities: true,
    isArray: (name) => arrays.has(name),
  });
  return parser.parse(xml) as XmlNode;
}

/** Children named `tag` (always an array). */
export function children(node: XmlValue | undefined, tag: string): XmlNode[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const v = node[tag];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (typeof x === 'string' ? { '#text': x } : (x as XmlNode)));
}

/** Text content of an element value (`<text>abc</text>` → "abc", `<text/>` → ""). */
export function textOf(v: XmlValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return textOf(v[0]);
  const t = v['#text'];
  return typeof t === 'string' ? t : '';
}

/** Attribute value, if present. */
export function attr(node: XmlNode, name: string): string | undefined {
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}
