/** Every eval task registers itself on import. */
import './ner.js';
import './assertion.js';
import './relations.js';
import './linking.js';
import './radiology.js';
import './history-sections.js';
