import { components } from '../core/component.js';
import { splitSentences } from './sentences.js';

components.register(
  'sentences',
  () => ({
    name: 'sentences',
    process(doc) {
      doc.sentences = splitSentences(doc.text);
    },
  }),
  'rule-based sentence splitter for clinical text',
);
