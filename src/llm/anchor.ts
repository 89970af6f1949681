/** Re-anchoring: find where a string returned by an LLM really is in the text. */

function allIndexes(haystack: string, needle: string): number[] {
  const out: number[] = [];
  if (!needle) return out;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/**
 * The span of `needle` in `text` nearest to `hint` (the offset the LLM claimed; may be wrong or missing).
 * Tries the exact string, then a case-insensitive match, then the trimmed string with any run of
 * whitespace matching any other. Returns undefined when the string is not in the text: such entities are dropped.
 */
export function anchor(text: string, needle: string, hint?: number): { start: number; end: number } | undefined {
  if (typeof needle !== 'string') return undefined;
  const want = needle.trim();
  if (!want) return undefined;
  const near = (xs: { start: number; end: number }[]) => {
    if (!xs.length) return undefined;
    if (typeof hint !== 'number' || !Number.isFinite(hint)) return xs[0];
    return xs.reduce((best, x) => (Math.abs(x.start - hint) < Math.abs(best.start - hint) ? x : best));
  };
  const exact = allIndexes(text, want).map((s) => ({ start: s, end: s + want.length }));
  if (exact.length) return near(exact);
  const lower = allIndexes(text.toLowerCase(), want.toLowerCase());
  // toLowerCase keeps UTF-16 lengths for almost all text; check the slice really matches before trusting it.
  const ci = lower.map((s) => ({ start: s, end: s + want.length })).filter((x) => text.slice(x.start, x.end).toLowerCase() === want.toLowerCase());
  if (ci.length) return near(ci);
  const pattern = want
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  const re = new RegExp(pattern, 'giu');
  const ws: { start: number; end: number }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    ws.push({ start: m.index, end: m.index + m[0].length });
    if (m[0].length === 0) re.lastIndex++;
  }
  return near(ws);
}
