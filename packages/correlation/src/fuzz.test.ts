// Hostile-input fuzzing at scale (issue 17): FUZZ_RUNS (10,000) generated cases per target, in CI,
// of the correlation key template and every matcher (the operators of silences, maintenance windows
// and inhibition rules). Field names, label names and values include prototype keys, script, SQL,
// NUL, lone surrogates and regular expressions built to backtrack. The properties: nothing throws,
// a lookup never reaches an inherited member, and each operator means what it says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allMatch,
  correlationKey,
  fieldValue,
  matcherMatches,
  matcherProblem,
  parseMatchers,
  validKeyTemplate,
  type FieldSource,
  type Matcher,
} from './engine/index.ts';

const FUZZ_RUNS = 10_000;
const runs = { numRuns: FUZZ_RUNS };

const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const word = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(
    ...PROTO_KEYS,
    'asset',
    'signature',
    'service',
    'source',
    'severity',
    'summary',
    'label:env',
    'label:__proto__',
    'env',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '\u0000',
    '\ud800',
  ),
);
const labels = fc.dictionary(word, word, { maxKeys: 6 }).map((d) => {
  // Own properties named like prototype members, as JSON.parse produces them.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) Object.defineProperty(out, k, { value: v, enumerable: true });
  return out;
});
const alert: fc.Arbitrary<FieldSource> = fc.record({
  source: word,
  asset: word,
  signature: word,
  service: fc.option(word),
  severity: word,
  summary: fc.option(word, { nil: undefined }),
  labels,
});
const regex = fc.oneof(
  word,
  fc.constantFrom(
    '(a+)+$',
    '(a|aa)+b',
    '(.*a){20}',
    '^(a?){30}a{30}$',
    '(?=x)',
    '(a)\\1',
    '[',
    '.*',
    'web-.*',
    '',
  ),
  fc.string({
    unit: fc.constantFrom('a', '(', ')', '*', '+', '?', '|', '.', '\\', '[', ']', '{', '}', '^', '$'),
    maxLength: 30,
  }),
);
const op = fc.constantFrom<Matcher['op']>('=', '!=', '=~', '!~');
const matcher: fc.Arbitrary<Matcher> = fc.record({ field: word, op, value: fc.oneof(word, regex) });

describe(`fuzzing the correlation key template (${FUZZ_RUNS} cases each)`, () => {
  it('correlationKey: one part per template part, each the field’s own value or empty', () => {
    const template = fc.oneof(
      fc.array(word, { minLength: 1, maxLength: 8 }).map((p) => p.join('|')),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    fc.assert(
      fc.property(template, alert, (t, a) => {
        const key = correlationKey(t, a);
        expect(typeof key).toBe('string');
        const parts = t.split('|');
        const values = parts.map((p) => fieldValue(a, p.trim()));
        expect(key).toBe(values.join('|'));
        for (const v of values) expect(typeof v).toBe('string');
        // A prototype member is never read as a label value.
        for (const p of parts) {
          const name = p.trim().replace(/^label:/, '');
          if (
            PROTO_KEYS.includes(name) &&
            !Object.hasOwn(a.labels, name) &&
            !['source', 'asset'].includes(name)
          )
            expect(fieldValue(a, p.trim())).toBe('');
        }
      }),
      runs,
    );
  });

  it('validKeyTemplate: never throws; a valid template has 1 to 6 known parts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          word,
          fc.array(word, { maxLength: 8 }).map((p) => p.join('|')),
        ),
        (t) => {
          if (!validKeyTemplate(t)) return;
          const parts = t.split('|').map((p) => p.trim());
          expect(parts.length).toBeGreaterThan(0);
          expect(parts.length).toBeLessThanOrEqual(6);
          for (const p of parts)
            expect(/^(source|asset|signature|service|severity|summary|label:.+)$/.test(p)).toBe(true);
        },
      ),
      runs,
    );
  });
});

describe(`fuzzing the matchers (${FUZZ_RUNS} cases each)`, () => {
  it('parseMatchers: any stored value gives only well-formed matchers', () => {
    const stored = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.array(
        fc.oneof(
          fc.anything({ maxDepth: 2 }),
          fc.record({ field: fc.anything(), op: fc.anything(), value: fc.anything() }),
        ),
      ),
    );
    fc.assert(
      fc.property(stored, (raw) => {
        const out = parseMatchers(raw);
        expect(out.length).toBeLessThanOrEqual(Array.isArray(raw) ? raw.length : 0);
        for (const m of out) {
          expect(typeof m.field).toBe('string');
          expect(typeof m.value).toBe('string');
          expect(['=', '!=', '=~', '!~']).toContain(m.op);
        }
      }),
      runs,
    );
  });

  it('matcherMatches: = and != are exact and opposite; =~ and !~ agree with each other on valid RE2', () => {
    fc.assert(
      fc.property(alert, matcher, (a, m) => {
        const got = matcherMatches(a, m);
        expect(typeof got).toBe('boolean');
        const v = fieldValue(a, m.field);
        if (m.op === '=') expect(got).toBe(v === m.value);
        if (m.op === '!=') expect(got).toBe(v !== m.value);
        if (m.op === '=~' || m.op === '!~') {
          const problem = matcherProblem(m);
          const other = matcherMatches(a, { ...m, op: m.op === '=~' ? '!~' : '=~' });
          // An invalid expression holds for neither; a valid one for exactly one of the pair.
          if (problem) expect([got, other]).toEqual([false, false]);
          else expect(got).toBe(!other);
        } else expect(matcherProblem(m)).toBeNull();
      }),
      runs,
    );
  });

  it('allMatch: the AND of its matchers, true for none', () => {
    fc.assert(
      fc.property(alert, fc.array(matcher, { maxLength: 4 }), (a, ms) => {
        expect(allMatch(a, ms)).toBe(ms.every((m) => matcherMatches(a, m)));
      }),
      runs,
    );
  });
});
