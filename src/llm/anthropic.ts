/** A minimal client for Anthropic's Messages API (POST {base}/v1/messages), used for tool-forced structured output. */
import { MedicalNerError } from '../core/errors.js';

export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicOptions {
  apiKey: string;
  baseUrl?: string;
  model?: string;
  maxTokens?: number;
  timeoutMs?: number;
  /** For tests: a fetch implementation. */
  fetch?: typeof fetch;
}

export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

interface MessagesResponse {
  content?: { type: string; text?: string; name?: string; input?: unknown }[];
  stop_reason?: string;
  error?: { type?: string; message?: string };
}

/** Extracts the first JSON object of a text (the model may wrap it in prose or ``` fences). */
export function parseJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the reply');
  return JSON.parse(text.slice(start, end + 1));
}

/**
 * Sends one user message and forces a call of `tool`; returns the tool input (the structured answer).
 * A plain text reply holding a JSON object is accepted too.
 */
export async function callWithTool(opts: AnthropicOptions, system: string, user: string, tool: ToolSpec): Promise<unknown> {
  const base = (opts.baseUrl ?? DEFAULT_ANTHROPIC_BASE_URL).replace(/\/+$/, '');
  const f = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': opts.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      body: JSON.stringify({
        model: opts.model ?? DEFAULT_ANTHROPIC_MODEL,
        max_tokens: opts.maxTokens ?? 4096,
        temperature: 0,
        system,
        tools: [tool],
        tool_choice: { type: 'tool', name: tool.name },
        messages: [{ role: 'user', content: user }],
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000),
    });
  } catch (e) {
    throw new MedicalNerError('IO_ERROR', `LLM request to ${base} failed: ${(e as Error).message}`);
  }
  const raw = await res.text();
  let body: MessagesResponse;
  try {
    body = JSON.parse(raw) as MessagesResponse;
  } catch {
    throw new MedicalNerError('IO_ERROR', `LLM reply (HTTP ${res.status}) is not JSON`);
  }
  if (!res.ok) throw new MedicalNerError('IO_ERROR', `LLM request failed: HTTP ${res.status} ${body.error?.type ?? ''} ${body.error?.message ?? ''}`.trim());
  const blocks = body.content ?? [];
  const use = blocks.find((b) => b.type === 'tool_use' && b.name === tool.name) ?? blocks.find((b) => b.type === 'tool_use');
  if (use && use.input && typeof use.input === 'object') return use.input;
  const text = blocks.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('\n');
  try {
    return parseJsonObject(text);
  } catch (e) {
    throw new MedicalNerError('IO_ERROR', `LLM reply holds no structured answer (${(e as Error).message})`);
  }
}
