/** Corpus readers and writers. Parsers are pure (strings in, AnnotatedDoc[] out); `read*` wrap the file system. */
export { parsePubTator, readPubTator, writePubTator } from './pubtator.js';
export { parseBioCXml, parseBioCJson, readBioCXml, readBioCJson, writeBioCJson, docsToBioC, bioCToDocs } from './bioc.js';
export type { BioCCollection, BioCDocument, BioCPassage, BioCAnnotation, BioCRelation } from './bioc.js';
export { parseBrat, readBratDoc, readBratDir, writeBrat, type BratOptions, type Equivalence } from './brat.js';
export { parseConll, readConll, type ConllOptions } from './conll.js';
export { parseDdiXml, readDdiDir } from './ddi.js';
export { parseAde, readAdeDir, type AdeFiles } from './ade.js';
export { parseChemProt, readChemProtDir, type ChemProtFiles, type ChemProtOptions } from './chemprot.js';
export { CORPUS_TEXT, codePointToUtf16, utf16ToCodePoint, makeMention, type PassageInfo } from './common.js';
