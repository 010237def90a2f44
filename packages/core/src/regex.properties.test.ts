// Property tests for the RE2 helper: on the subset of syntax both engines share, RE2 full match
// agrees with an anchored JS RegExp; and patterns that make a backtracking engine exponential
// finish on inputs of 10^5 characters (linear time; no wall-clock assertion).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRe2, re2FullMatch } from './regex.ts';

// A small grammar of patterns valid in both RE2 and JS (no lookaround, no backreferences).
const atom = fc.constantFrom('a', 'b', '!', '.', '[ab]', '[^a]', '\\d', '\\w', '1');
const pattern: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => `${x}|${y}`),
    tie('re').map((x) => `(${x})`),
    tie('re').map((x) => `(?:${x})`),
    fc
      .tuple(tie('re'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '*?', '+?'))
      .map(([x, q]) => `(?:${x})${q}`),
  ),
})).re;
const input = fc.string({ unit: fc.constantFrom('a', 'b', '!', '1', '_'), maxLength: 12 });

describe('RE2 helper properties', () => {
  it('agrees with an anchored JS RegExp wherever both are defined', () => {
    fc.assert(
      fc.property(pattern, input, (p, s) => {
        expect(compileRe2(p).ok).toBe(true);
        expect(re2FullMatch(p, s)).toBe(new RegExp(`^(?:${p})$`).test(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('completes random patterns on inputs of 10^5 characters', () => {
    fc.assert(
      fc.property(
        pattern,
        fc.string({ unit: fc.constantFrom('a', 'b', '!'), minLength: 1, maxLength: 8 }),
        (p, unit) => {
          const s = unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
          expect(typeof re2FullMatch(p, s)).toBe('boolean');
          expect(typeof re2FullMatch(p, s + '!')).toBe('boolean');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('completes the classic catastrophic patterns on 10^5 characters', () => {
    const s = 'a'.repeat(100_000) + '!';
    for (const p of ['(a+)+$', '(a|a)*$', '(a*)*b', '(a|aa)+$', '(.*a){20}$', '(\\w+\\s?)+$'])
      expect(re2FullMatch(p, s)).toBe(false);
    expect(re2FullMatch('(a+)+!', s)).toBe(true);
  });
});
