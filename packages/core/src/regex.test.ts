import { describe, expect, it } from 'vitest';
import { compileRe2, re2FullMatch, re2Problem, RE2_MAX_PATTERN_LENGTH } from './regex.ts';

describe('RE2 helper', () => {
  it('anchors at both ends, like Alertmanager matchers', () => {
    expect(re2FullMatch('server-.*', 'server-prod-1')).toBe(true);
    expect(re2FullMatch('server', 'server-prod-1')).toBe(false);
    expect(re2FullMatch('prod', 'server-prod-1')).toBe(false);
    expect(re2FullMatch('dev|test', 'test')).toBe(true);
    expect(re2FullMatch('a|ab', 'ab')).toBe(true);
    expect(re2FullMatch('', '')).toBe(true);
    expect(re2FullMatch('x*', '\n')).toBe(false);
  });

  it('decides the probe pattern (a+)+$ on 35 × a + ! (no match) and on 35 × a (match)', () => {
    const evil = 'a'.repeat(35) + '!';
    expect(re2Problem('(a+)+$')).toBeNull();
    expect(re2FullMatch('(a+)+$', evil)).toBe(false);
    expect(re2FullMatch('(a+)+$', 'a'.repeat(35))).toBe(true);
    expect(re2FullMatch('(a+)+!', evil)).toBe(true);
  });

  it('rejects what RE2 does not support, with the reason and the hint', () => {
    for (const p of ['(?=a)', '(?<=a)b', '(a)\\1', '(', 'a)|(b', 'a{1001}'])
      expect(re2Problem(p)).toMatch(/^not valid RE2 syntax: .+; RE2 syntax: backreferences and lookaround/);
    expect(re2Problem('(?=a)')).toContain('invalid or unsupported Perl syntax');
    expect(re2Problem('(a)\\1')).toContain('invalid escape sequence');
    expect(re2Problem('x'.repeat(RE2_MAX_PATTERN_LENGTH + 1))).toMatch(/longer than/);
  });

  it('an invalid pattern never matches and says why', () => {
    expect(re2FullMatch('(', '(')).toBe(false);
    const c = compileRe2('(?!x)');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.reason).toContain('not valid RE2 syntax');
  });

  it('returns the cached compilation for a repeated pattern', () => {
    expect(compileRe2('cache-me-[0-9]+')).toBe(compileRe2('cache-me-[0-9]+'));
  });
});
