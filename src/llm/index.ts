/**
 * Optional LLM validation (off by default). Importing this module registers the `llm-validate` component;
 * `withLlmValidation(options, {provider: 'anthropic'})` returns pipeline options that run it last.
 */
import { components } from '../core/component.js';
import type { PipelineOptions } from '../core/component.js';
import { MedicalNerError } from '../core/errors.js';
import { DEFAULT_COMPONENTS } from '../pipeline.js';
import { LLM_PROVIDERS, llmValidateComponent } from './validate.js';
import type { LlmOptions, LlmPipelineOptions, LlmProvider } from './validate.js';

export { anchor } from './anchor.js';
export { ANTHROPIC_VERSION, DEFAULT_ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_MODEL, callWithTool } from './anthropic.js';
export { LLM_PROVIDERS, VALIDATION_TOOL, applyAnswer, buildPrompt, llmValidateComponent, resolveLlmOptions } from './validate.js';
export type { LlmAnswer, LlmOptions, LlmPipelineOptions, LlmProvider } from './validate.js';

components.register(
  'llm-validate',
  (options: PipelineOptions) => {
    const llm = (options as LlmPipelineOptions).llm;
    if (!llm) throw new MedicalNerError('INVALID_OPTION', 'the llm-validate component needs the `llm` pipeline option');
    return llmValidateComponent(llm);
  },
  'validate and complete entities and relations with an LLM (Anthropic Messages API)',
);

/** Pipeline options that run the default components and then `llm-validate`. Checks the key now, not at the first note. */
export function withLlmValidation(options: PipelineOptions, llm: LlmOptions): LlmPipelineOptions {
  llmValidateComponent(llm); // validates provider and key early
  const base = options.components ?? DEFAULT_COMPONENTS.filter((n) => n === 'ner' || components.has(n));
  return { ...options, components: [...base.filter((n) => n !== 'llm-validate'), 'llm-validate'], llm };
}

/** CLI flags for commands that offer LLM validation (`serve`, `mcp`; extract/batch may spread them too). */
export const LLM_FLAGS = {
  'validate-with': { type: 'string' },
  'llm-model': { type: 'string' },
} as const;

export const LLM_USAGE = `  --validate-with anthropic  validate/complete entities with an LLM (key: env ANTHROPIC_API_KEY,
                            base URL: env ANTHROPIC_BASE_URL; off by default; sends note text to that API)
  --llm-model <id>          LLM model id for --validate-with`;

/** Applies `--validate-with` / `--llm-model` to pipeline options (unchanged when `--validate-with` is absent). */
export function applyLlmFlags(options: PipelineOptions, values: { 'validate-with'?: string | boolean; 'llm-model'?: string | boolean }): PipelineOptions {
  const provider = values['validate-with'];
  if (typeof provider !== 'string') {
    if (typeof values['llm-model'] === 'string') throw new MedicalNerError('INVALID_OPTION', '--llm-model needs --validate-with');
    return options;
  }
  if (!(LLM_PROVIDERS as readonly string[]).includes(provider)) {
    throw new MedicalNerError('INVALID_OPTION', `--validate-with: unknown provider "${provider}"; available: ${LLM_PROVIDERS.join(', ')}`);
  }
  const llm: LlmOptions = { provider: provider as LlmProvider };
  if (typeof values['llm-model'] === 'string') llm.model = values['llm-model'];
  return withLlmValidation(options, llm);
}
