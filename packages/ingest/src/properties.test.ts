// Property tests: arbitrary input never crashes a normalizer, the HMAC verifier or the handler,
// and nothing that fails validation or authentication ever reaches the writer (the database).
import { AppError } from '@aw/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from './auth.ts';
import { fixture } from './fixtures/index.ts';
import { finalizeAlerts } from './fingerprint.ts';
import { createIngestRuntime, handleIngest, type Format, type IngestRuntime } from './handler.ts';
import { signatureHeaders, signBody, verifyGrafanaSignature, verifySignature } from './hmac.ts';
import {
  normalizeAlertmanager,
  normalizeCloudWatch,
  normalizeGeneric,
  normalizeGrafana,
  normalizeNative,
  normalizePagerDuty,
  parseSnsEnvelope,
  type NormalizeOutput,
} from './normalizers/index.ts';
import type { NormalizedAlertDraft } from './types.ts';
import { findUnstorableString, parseJsonBody } from './util.ts';
import { silentLogger } from './types.ts';
import type { WriteRequest } from './writer.ts';

const ctx = { receivedAt: new Date('2026-11-26T21:00:00Z') };
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];

/** A value a JSON body can hold, including the strings PostgreSQL rejects. */
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: 'binary' }));
const anyInput = fc.oneof(jsonish, fc.anything({ maxDepth: 3 }));

/** A valid fixture with one field somewhere replaced by an arbitrary value: reaches deep branches. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), jsonish).map(([p, val]) => {
    if (p.length === 0) return val;
    const copy = structuredClone(base) as Record<string | number, unknown>;
    let cur = copy;
    for (const seg of p.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
    cur[p[p.length - 1]!] = val;
    return copy;
  });
}

function checkOutput(out: NormalizeOutput) {
  for (const a of out.alerts) checkDraft(a);
}

function checkDraft(a: NormalizedAlertDraft) {
  expect(typeof a.asset).toBe('string');
  expect(a.asset.length).toBeGreaterThan(0);
  expect(a.asset.length).toBeLessThanOrEqual(255);
  expect(a.signature.length).toBeGreaterThan(0);
  expect(SEVERITIES).toContain(a.severity);
  expect(['FIRING', 'RESOLVED']).toContain(a.status);
  expect(Number.isFinite(a.occurredAt.getTime())).toBe(true);
  expect(a.occurredAt.getUTCFullYear()).toBeGreaterThanOrEqual(1970);
  expect(a.occurredAt.getUTCFullYear()).toBeLessThanOrEqual(9999);
  for (const v of Object.values(a.labels)) expect(typeof v).toBe('string');
  // everything we hand to PostgreSQL is storable
  expect(
    findUnstorableString([a.asset, a.signature, a.summary, a.service, a.labels, a.annotations, a.raw]),
  ).toBeNull();
}

/** Runs a normalizer; only AppError BAD_REQUEST may escape. */
async function safely(fn: () => NormalizeOutput | Promise<NormalizeOutput>) {
  try {
    checkOutput(await fn());
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'BAD_REQUEST') throw e;
    expect(e.problems.length).toBeGreaterThan(0);
  }
}

const REJECTED = Symbol('rejected at the door');

/**
 * What a sender can actually put in a body: JSON text, so values have been through parseJsonBody
 * (which already answers 400 for strings PostgreSQL cannot store). Non-JSON values pass as they are.
 */
function viaJson(v: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    return v;
  }
  if (text === undefined) return v;
  try {
    return parseJsonBody(text);
  } catch {
    return REJECTED;
  }
}

async function normalizeVia(fn: (b: unknown) => NormalizeOutput | Promise<NormalizeOutput>, v: unknown) {
  const input = viaJson(v);
  if (input === REJECTED) return;
  await safely(() => fn(input));
}

describe('normalizer properties', () => {
  const cases: [string, (b: unknown) => NormalizeOutput | Promise<NormalizeOutput>, unknown][] = [
    ['native', (b) => normalizeNative(b, ctx), fixture('native-batch')],
    ['alertmanager', (b) => normalizeAlertmanager(b, ctx), fixture('alertmanager-firing')],
    ['grafana', (b) => normalizeGrafana(b, ctx), fixture('grafana-firing')],
    ['pagerduty', (b) => normalizePagerDuty(b, ctx), fixture('pagerduty-trigger')],
    [
      'generic',
      (b) =>
        normalizeGeneric(b, ctx, {
          asset: 'event.host',
          signature: 'event.name',
          severity: 'sev',
          status: 'st',
          time: 'ts',
          labels: 'tags',
        }),
      { event: { host: 'h', name: 'n' }, sev: 'high', st: 'ok', ts: 1795723200, tags: { a: 'b' } },
    ],
    [
      'cloudwatch',
      (b) =>
        normalizeCloudWatch(
          {
            Type: 'Notification',
            MessageId: 'm',
            TopicArn: 't',
            Message: JSON.stringify(b) ?? '',
            Timestamp: 't',
            SignatureVersion: '2',
            Signature: 's',
            SigningCertURL: 'u',
          },
          ctx,
        ),
      fixture('cloudwatch-alarm'),
    ],
  ];

  for (const [name, fn, base] of cases) {
    it(`${name}: arbitrary values only ever give valid alerts or a 400`, async () => {
      await fc.assert(
        fc.asyncProperty(anyInput, async (v) => normalizeVia(fn, v)),
        { numRuns: 300 },
      );
    });
    it(`${name}: mutated realistic payloads only ever give valid alerts or a 400`, async () => {
      await fc.assert(
        fc.asyncProperty(mutated(base), async (v) => normalizeVia(fn, v)),
        { numRuns: 300 },
      );
    });
  }

  it('generic: arbitrary mappings never crash', async () => {
    const mapping = fc.record(
      {
        asset: fc.string(),
        signature: fc.string(),
        severity: fc.string(),
        status: fc.string(),
        time: fc.string(),
        items: fc.string(),
        severityMap: fc.dictionary(fc.string(), fc.string()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(mapping, jsonish, async (m, body) =>
        safely(() => normalizeGeneric(body, ctx, m as never)),
      ),
      { numRuns: 300 },
    );
  });

  it('SNS envelope parsing never crashes', () => {
    fc.assert(
      fc.property(anyInput, (v) => {
        try {
          parseSnsEnvelope(v);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fingerprints are stable for equal alerts', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(fixture('alertmanager-firing')), async (v) => {
        let out: NormalizeOutput;
        try {
          out = normalizeAlertmanager(viaJson(v), ctx);
        } catch {
          return;
        }
        const [a, b] = await Promise.all([
          finalizeAlerts(out.alerts),
          finalizeAlerts(structuredClone(out.alerts)),
        ]);
        expect(a.map((x) => x.dedupKey)).toEqual(b.map((x) => x.dedupKey));
        expect(a.every((x) => /^[0-9a-f]{64}$/.test(x.fingerprint))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('HMAC verifier properties', () => {
  const bytes = fc.uint8Array({ maxLength: 2048 });
  const now = 1_795_723_200;

  it('accepts exactly what was signed with a current secret within the window', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes,
        fc.string({ minLength: 1 }),
        fc.integer({ min: -300, max: 300 }),
        async (body, secret, skew) => {
          const h = await signatureHeaders(secret, body, now + skew);
          const r = await verifySignature({
            secrets: [secret],
            timestamp: h['X-Timestamp'],
            signature: h['X-Signature'],
            rawBody: body,
            nowSeconds: now,
          });
          expect(r.ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects any change to the body, the timestamp or the secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes.filter((b) => b.length > 0),
        fc.nat(),
        fc.string({ minLength: 1 }),
        async (body, at, secret) => {
          const h = await signatureHeaders(secret, body, now);
          const flipped = body.slice();
          flipped[at % body.length] = flipped[at % body.length]! ^ 1;
          const base = {
            secrets: [secret],
            timestamp: h['X-Timestamp'],
            signature: h['X-Signature'],
            nowSeconds: now,
          };
          expect((await verifySignature({ ...base, rawBody: flipped })).ok).toBe(false);
          expect((await verifySignature({ ...base, rawBody: body, timestamp: String(now + 1) })).ok).toBe(
            false,
          );
          expect((await verifySignature({ ...base, rawBody: body, secrets: [`${secret}x`] })).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary headers', async () => {
    const header = fc.option(
      fc.oneof(
        fc.string(),
        fc.constant('sha256=').chain((p) => fc.stringMatching(/^[0-9a-f]{0,70}$/).map((h) => p + h)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        bytes,
        header,
        header,
        fc.array(fc.string(), { maxLength: 3 }),
        async (body, ts, sig, secrets) => {
          const input = { secrets, timestamp: ts, signature: sig, rawBody: body, nowSeconds: now };
          const r = await verifySignature(input);
          const g = await verifyGrafanaSignature(input);
          if (r.ok) expect(sig).toBe(await signBody(secrets.find(() => true) ?? '', ts!, body));
          expect(typeof g.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('handler properties: arbitrary bodies never crash or reach the database', () => {
  const key: KeyInfo = {
    id: '00000000-0000-4000-8000-000000000001',
    companyId: '00000000-0000-4000-8000-000000000002',
    mspId: '00000000-0000-4000-8000-000000000003',
    scopes: ['alerts:write'],
    allowUnsigned: false,
    hmacRequired: true,
    expiresAt: null,
    revokedAt: null,
  };
  const API_KEY = `awk_${'a'.repeat(16)}_${'b'.repeat(43)}`;
  const SECRET = 'whsec_test';

  function fakeRuntime() {
    const writes: WriteRequest[] = [];
    const rt = createIngestRuntime({ pool: {} as never, logger: silentLogger, rateLimitPerMinute: 1e9 });
    const fake = {
      ...rt,
      credentials: {
        verifyApiKey: async (k: string) => (k === API_KEY ? key : null),
        verifyRoutingKey: async () => null,
        webhookSecrets: async () => [SECRET],
        clear() {},
      },
      writer: {
        submit: async (w: WriteRequest) => {
          writes.push(w);
          for (const a of w.alerts) checkDraft(a);
          return {
            kind: 'stored',
            created: w.alerts.length,
            reply: w.reply(
              w.alerts.map((a, i) => ({ id: String(i), fingerprint: a.fingerprint, created: true })),
            ),
          };
        },
      },
      sns: { verify: async () => false },
    } as unknown as IngestRuntime;
    return { rt: fake, writes };
  }

  const formats: Format[] = ['native', 'alertmanager', 'pagerduty', 'grafana', 'cloudwatch'];
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    jsonish.map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'null')),
    fc
      .constantFrom('alertmanager-firing', 'native-batch', 'grafana-firing', 'pagerduty-trigger')
      .chain((f) => mutated(fixture(f)).map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'null'))),
  );

  it('unsigned arbitrary bodies: always 401, nothing written', async () => {
    const { rt, writes } = fakeRuntime();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...formats.filter((f) => f !== 'pagerduty')), body, async (fmt, b) => {
        const res = await handleIngest(
          new Request(`http://x/api/v1/${fmt === 'native' ? 'alerts' : `webhooks/${fmt}`}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
            body: b,
          }),
          rt,
        );
        expect(res.status).toBe(401);
      }),
      { numRuns: 200 },
    );
    expect(writes).toHaveLength(0);
  });

  it('signed arbitrary bodies: 400 with a field (nothing written) or 202 with valid alerts', async () => {
    const { rt, writes } = fakeRuntime();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...formats), body, async (fmt, b) => {
        const before = writes.length;
        const headers = await signatureHeaders(SECRET, b);
        const res = await handleIngest(
          new Request(`http://x/api/v1/${fmt === 'native' ? 'alerts' : `webhooks/${fmt}`}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers },
            body: b,
          }),
          rt,
        );
        expect([202, 400, 401]).toContain(res.status);
        const json = (await res.json()) as { error?: { problems?: { field: string; reason: string }[] } };
        if (res.status === 400) {
          expect(json.error!.problems![0]!.field).toBeTruthy();
          expect(writes.length).toBe(before);
        }
        if (res.status === 401) {
          expect(fmt).toBe('cloudwatch'); // the fake SNS verifier rejects every envelope
          expect(writes.length).toBe(before);
        }
        if (res.status === 202) expect(writes.length).toBe(before + 1);
      }),
      { numRuns: 400 },
    );
    expect(writes.length).toBeGreaterThan(0); // the valid part of the space was reached too
  });
});
