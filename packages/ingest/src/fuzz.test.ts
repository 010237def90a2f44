// Hostile-input fuzzing at scale (issue 17): FUZZ_RUNS (10,000) generated cases per target, in CI.
// Targets: every webhook parser/normalizer (native, Alertmanager, Grafana, PagerDuty, CloudWatch
// through its SNS envelope, generic), the JSON body parser, the generic field mapper (mapping
// parser, path parser and lookup, preview) and both HMAC verifiers. Each case is either an
// arbitrary value or a realistic payload with one field anywhere replaced by a hostile one (script,
// SQL, NUL, lone surrogates, huge numbers, deep nesting). The property: a valid, storable alert or
// a 400 with its problems, never another exception; a verifier accepts only the exact signature.
import { AppError } from '@aw/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures/index.ts';
import { signBody, verifyGrafanaSignature, verifySignature } from './hmac.ts';
import {
  getPath,
  normalizeAlertmanager,
  normalizeCloudWatch,
  normalizeGeneric,
  normalizeGrafana,
  normalizeNative,
  normalizePagerDuty,
  parseGenericMapping,
  parsePath,
  parseSnsEnvelope,
  previewGenericMapping,
  type NormalizeOutput,
  type SnsEnvelope,
} from './normalizers/index.ts';
import { findUnstorableString, parseJsonBody } from './util.ts';

export const FUZZ_RUNS = 10_000;
const runs = { numRuns: FUZZ_RUNS };
const ctx = { receivedAt: new Date('2026-11-26T21:00:00Z') };
const SEVERITIES = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']);

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '\'; DROP TABLE "Alert"; --',
    '\u0000',
    '\ud800',
    '\udfff x',
    '__proto__',
    'constructor',
    '{{7*7}}',
    '${jndi:ldap://x}',
    'a'.repeat(5_000),
  ),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0, true, null, [], {}),
  fc.integer({ min: 1, max: 200 }).map((d) => {
    let v: unknown = 'deep';
    for (let i = 0; i < d; i++) v = { a: [v] };
    return v;
  }),
);

/** A realistic payload with one field (at any depth) replaced by a hostile value. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), hostile).map(([p, val]) => {
    if (p.length === 0) return val;
    const copy = structuredClone(base) as Record<string | number, unknown>;
    let cur = copy;
    for (const seg of p.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
    cur[p[p.length - 1]!] = val;
    return copy;
  });
}

/** What a sender can put in a body: JSON text through the real body parser (or a 400 there). */
function throughBody(v: unknown): { ok: true; value: unknown } | { ok: false } {
  const text = JSON.stringify(v);
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: parseJsonBody(text) };
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return { ok: false };
  }
}

function checkOutput(out: NormalizeOutput) {
  for (const a of out.alerts) {
    expect(a.asset.length).toBeGreaterThan(0);
    expect(a.asset.length).toBeLessThanOrEqual(255);
    expect(a.signature.length).toBeGreaterThan(0);
    expect(SEVERITIES.has(a.severity)).toBe(true);
    expect(a.status === 'FIRING' || a.status === 'RESOLVED').toBe(true);
    expect(Number.isFinite(a.occurredAt.getTime())).toBe(true);
    for (const v of Object.values(a.labels)) expect(typeof v).toBe('string');
    // Each on its own: the raw body is as deep as the body parser allowed (64 levels), no deeper.
    for (const v of [a.asset, a.signature, a.summary, a.service, a.labels, a.annotations, a.raw])
      expect(findUnstorableString(v)).toBeNull();
  }
}

/** Only a 400 with at least one named problem may escape a normalizer. */
async function validOr400(fn: () => NormalizeOutput | Promise<NormalizeOutput>) {
  try {
    checkOutput(await fn());
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'BAD_REQUEST') throw e;
    expect(e.problems.length).toBeGreaterThan(0);
  }
}

const GENERIC = {
  asset: 'event.host',
  signature: 'event.name',
  severity: 'sev',
  status: 'st',
  time: 'ts',
  labels: 'tags',
};
const sns = (message: string): SnsEnvelope => ({
  Type: 'Notification',
  MessageId: 'm',
  TopicArn: 't',
  Message: message,
  Timestamp: 't',
  SignatureVersion: '2',
  Signature: 's',
  SigningCertURL: 'u',
});

const normalizers: [string, (b: unknown) => NormalizeOutput | Promise<NormalizeOutput>, unknown][] = [
  ['native', (b) => normalizeNative(b, ctx), fixture('native-batch')],
  ['alertmanager', (b) => normalizeAlertmanager(b, ctx), fixture('alertmanager-firing')],
  ['grafana', (b) => normalizeGrafana(b, ctx), fixture('grafana-firing')],
  ['pagerduty', (b) => normalizePagerDuty(b, ctx), fixture('pagerduty-trigger')],
  ['cloudwatch', (b) => normalizeCloudWatch(sns(JSON.stringify(b) ?? ''), ctx), fixture('cloudwatch-alarm')],
  [
    'generic',
    (b) => normalizeGeneric(b, ctx, GENERIC),
    { event: { host: 'h', name: 'n' }, sev: 'high', st: 'ok', ts: 1795723200, tags: { a: 'b' } },
  ],
];

describe(`fuzzing the webhook parsers (${FUZZ_RUNS} cases each)`, () => {
  for (const [name, fn, base] of normalizers) {
    it(`${name}: hostile and mutated payloads give valid alerts or a 400`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostile, mutated(base), mutated(base)), async (v) => {
          const body = throughBody(v);
          if (body.ok) await validOr400(() => fn(body.value));
        }),
        runs,
      );
    });
  }

  it('SNS envelope: any value parses or gives a 400', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, mutated(sns('{}'))), (v) => {
        try {
          parseSnsEnvelope(v);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
        }
      }),
      runs,
    );
  });

  it('JSON body parser: any bytes, including invalid UTF-8, parse or give a 400', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: 'binary' }), (bytes, s) => {
        for (const text of [new TextDecoder().decode(bytes), s, `{"a":${JSON.stringify(s)}}`]) {
          try {
            const v = parseJsonBody(text);
            expect(findUnstorableString(v)).toBeNull();
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect((e as AppError).code).toBe('BAD_REQUEST');
          }
        }
      }),
      runs,
    );
  });
});

describe(`fuzzing the generic field mapper (${FUZZ_RUNS} cases each)`, () => {
  const mappingArb = fc.record(
    {
      asset: hostileString,
      signature: hostileString,
      severity: hostileString,
      status: hostileString,
      time: hostileString,
      items: hostileString,
      labels: hostileString,
      severityMap: fc.dictionary(hostileString, hostileString),
    },
    { requiredKeys: [] },
  );

  it('mapping parser: any value is a mapping or a 400', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, mappingArb), (v) => {
        try {
          const m = parseGenericMapping(v);
          expect(typeof m.asset).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
        }
      }),
      runs,
    );
  });

  it('paths: any path string parses or is refused, and a lookup never reaches the prototype', () => {
    fc.assert(
      fc.property(hostileString, hostile, (p, body) => {
        const segs = parsePath(p);
        if (segs === null) return;
        const got = getPath(body, segs);
        expect(got === Object.prototype || got === Function.prototype).toBe(false);
        if (typeof got === 'function') throw new Error(`path ${JSON.stringify(p)} reached a function`);
      }),
      runs,
    );
  });

  it('normalize and preview with any mapping over any body: alerts or a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        mappingArb,
        fc.oneof(hostile, mutated({ event: { host: 'h' }, sev: 'x' })),
        async (m, b) => {
          const body = throughBody(b);
          if (!body.ok) return;
          await validOr400(() => normalizeGeneric(body.value, ctx, m as never));
          const preview = previewGenericMapping(m, body.value);
          if (preview.ok) for (const a of preview.alerts) expect(a.asset.length).toBeGreaterThan(0);
          else expect(preview.problems.length).toBeGreaterThan(0);
        },
      ),
      runs,
    );
  });
});

describe(`fuzzing the HMAC verifiers (${FUZZ_RUNS} cases each)`, () => {
  const NOW = 1_795_723_200;
  const secret = 'whsec_fuzz-secret';

  it('verifySignature: only the exact signature of this body and timestamp within ±300 s passes', async () => {
    const bodyBytes = new TextEncoder().encode('{"alerts":[]}');
    const good = await signBody(secret, NOW, bodyBytes);
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.oneof(hostileString, fc.integer({ min: NOW - 1_000, max: NOW + 1_000 }).map(String))),
        fc.option(
          fc.oneof(
            hostileString,
            fc.constant(good),
            fc
              .string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 64, maxLength: 64 })
              .map((h) => `sha256=${h}`),
          ),
        ),
        fc.uint8Array({ maxLength: 64 }),
        async (timestamp, signature, raw) => {
          const rawBody = raw.length ? raw : bodyBytes;
          const r = await verifySignature({
            secrets: [secret],
            timestamp,
            signature,
            rawBody,
            nowSeconds: NOW,
          });
          if (r.ok) {
            expect(await signBody(secret, timestamp!.trim(), rawBody)).toBe(signature!.trim().toLowerCase());
            expect(Math.abs(Number(timestamp) - NOW)).toBeLessThanOrEqual(300);
          }
        },
      ),
      runs,
    );
  });

  it('verifyGrafanaSignature: arbitrary headers never throw and never pass without the secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(hostileString),
        fc.option(hostileString),
        fc.uint8Array({ maxLength: 64 }),
        async (timestamp, signature, rawBody) => {
          const r = await verifyGrafanaSignature({
            secrets: [secret],
            timestamp,
            signature,
            rawBody,
            nowSeconds: NOW,
          });
          expect(r.ok).toBe(false);
        },
      ),
      runs,
    );
  });
});
