/** Side-effect imports that fill the registries with the built-in models and components. */
import './text/component.js';
import './ner/baseline/index.js';
import './ner/onnx/index.js';
import './context/index.js';
import './relations/index.js';
import './linking/index.js';
import './linking/check.js';
import './linking/targets.js';
import './linking/site-diseases.js';
import './linking/dose-drugs.js';
