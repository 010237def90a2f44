// Every user-supplied regular expression (silence, maintenance-window and inhibition matchers, and
// anything later) runs here, on RE2 (re2js): matching time is linear in the input whatever the
// pattern, so `(a+)+$` against "aaaa…!" cannot stall the process the way a backtracking RegExp does.
// Matching is anchored at both ends, as in Alertmanager (`=~ "server-.*"` must match the whole value).
import { RE2JS } from 're2js';

/** Longest pattern accepted at save time. */
export const RE2_MAX_PATTERN_LENGTH = 1000;

export const RE2_HINT = 'RE2 syntax: backreferences and lookaround are not supported';

export type TCompiledRe2 = { ok: true; fullMatch(input: string): boolean } | { ok: false; reason: string };

const CACHE_SIZE = 1000;
const cache = new Map<string, TCompiledRe2>();

function describe(e: unknown): string {
  const d = (e as { getDescription?: () => string }).getDescription?.();
  const msg = d || (e instanceof Error ? e.message : String(e));
  return `not valid RE2 syntax: ${msg}; ${RE2_HINT}`;
}

function build(pattern: string): TCompiledRe2 {
  try {
    const re = RE2JS.compile(pattern);
    // testExact: the whole input must match (RE2's full-match anchoring, so `a|ab` matches "ab").
    return { ok: true, fullMatch: (input) => re.testExact(input) };
  } catch (e) {
    return { ok: false, reason: describe(e) };
  }
}

/** Compiles (once; cached) an RE2 pattern for full-match tests; never throws. */
export function compileRe2(pattern: string): TCompiledRe2 {
  let c = cache.get(pattern);
  if (c) {
    // Refresh recency so the oldest entry is the one dropped when the cache is full.
    cache.delete(pattern);
    cache.set(pattern, c);
    return c;
  }
  c = build(pattern);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, c);
  return c;
}

/** Why `pattern` cannot be saved, or null when it is a valid RE2 pattern. */
export function re2Problem(pattern: string): string | null {
  if (pattern.length > RE2_MAX_PATTERN_LENGTH) return `longer than ${RE2_MAX_PATTERN_LENGTH} characters`;
  const c = compileRe2(pattern);
  return c.ok ? null : c.reason;
}

/**
 * True when the whole of `input` matches `pattern`; an invalid pattern matches nothing (use
 * compileRe2 to learn why).
 */
export function re2FullMatch(pattern: string, input: string): boolean {
  const c = compileRe2(pattern);
  return c.ok && c.fullMatch(input);
}
