/** Every eval task registers itself on import. */
import './ner.js';
