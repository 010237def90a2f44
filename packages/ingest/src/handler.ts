// The request handler: a web-standard `(Request, runtime) => Promise<Response>` that any server
// (Next.js route handlers, node:http, an edge runtime with a pg-compatible pool) can mount.
//   415 wrong content type · 413 body too large · 401 bad key or signature (no hint which) ·
//   429 + Retry-After per key · 400 with field + reason · 503 only for transient faults ·
//   202 only after the alerts are committed.
import { AppError, errorBody, HTTP_STATUS, isAppError } from '@aw/core/errors';
import { appMetrics } from '@aw/observability';
import type pg from 'pg';
import { CredentialStore, type KeyInfo } from './auth.ts';
import { finalizeAlerts } from './fingerprint.ts';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  verifyGrafanaSignature,
  verifySignature,
  type VerifyResult,
} from './hmac.ts';
import {
  CertificateUnavailableError,
  defaultSnsDeps,
  isSnsUrl,
  normalizeAlertmanager,
  normalizeCloudWatch,
  normalizeGeneric,
  normalizeGrafana,
  normalizeNative,
  normalizePagerDuty,
  pagerDutyRoutingKey,
  parseSnsEnvelope,
  SnsVerifier,
  type GenericMappingPaths,
  type NormalizeOutput,
  type SnsDeps,
} from './normalizers/index.ts';
import { type CompanyBudget, PgCompanyBudget } from './company-budget.ts';
import { RateLimiter } from './rate-limit.ts';
import { requireScope } from './scopes.ts';
import type { AlertSink, Logger } from './types.ts';
import { consoleLogger } from './types.ts';
import { readBodyLimited as readBody } from './body.ts';
import { badRequest, parseJsonBody } from './util.ts';
import { GroupCommitWriter, type HttpReply, type StoredAlertRef, type WriteOutcome } from './writer.ts';
import { walledQuery } from './writer-sql.ts';

export const FORMATS = ['native', 'alertmanager', 'pagerduty', 'cloudwatch', 'grafana', 'generic'] as const;
export type Format = (typeof FORMATS)[number];

export interface IngestOptions {
  pool: pg.Pool;
  /** APP_ENCRYPTION_KEY (base64, 32 bytes): decrypts webhook signing secrets. */
  encryptionKey?: string;
  sink?: AlertSink;
  logger?: Logger;
  bodyLimitBytes?: number;
  rateLimitPerMinute?: number;
  /** Alerts accepted per minute per company (burst: a minute's worth); 0 or absent: no budget. */
  companyAlertsPerMinute?: number;
  /** The budget's burst (default: a minute's worth). */
  companyAlertsBurst?: number;
  sns?: SnsDeps;
  /** Milliseconds since the epoch (tests move the clock). */
  now?: () => number;
  writer?: { maxBatchAlerts?: number; maxInFlight?: number; maxQueuedAlerts?: number };
  credentialCacheMs?: number;
}

export interface IngestRuntime {
  pool: pg.Pool;
  writer: GroupCommitWriter;
  credentials: CredentialStore;
  limiter: RateLimiter;
  /** The per-company alert budget, shared by every process on the database (null: none). */
  companyBudget: CompanyBudget | null;
  sns: SnsVerifier;
  snsDeps: SnsDeps;
  logger: Logger;
  bodyLimitBytes: number;
  now: () => number;
  /** Drains the writer (the pool is the caller's). */
  close(): Promise<void>;
}

/** Builds the long-lived parts (writer, caches, limiter) once per process. */
export function createIngestRuntime(o: IngestOptions): IngestRuntime {
  const now = o.now ?? Date.now;
  const logger = o.logger ?? consoleLogger;
  const writer = new GroupCommitWriter(o.pool, { sink: o.sink, logger, ...o.writer });
  const snsDeps = o.sns ?? defaultSnsDeps;
  return {
    pool: o.pool,
    writer,
    credentials: new CredentialStore(o.pool, o.encryptionKey, o.credentialCacheMs ?? 5000, now),
    limiter: new RateLimiter(o.rateLimitPerMinute ?? 6000, now),
    companyBudget: o.companyAlertsPerMinute
      ? new PgCompanyBudget(o.pool, o.companyAlertsPerMinute, now, o.companyAlertsBurst)
      : null,
    sns: new SnsVerifier(snsDeps, now),
    snsDeps,
    logger,
    bodyLimitBytes: o.bodyLimitBytes ?? 1024 * 1024,
    now,
    close: () => writer.close(),
  };
}

/**
 * What the handler needs of a request: a web `Request` satisfies it; the node:http server passes
 * `readRawBody` (called after the credentials are checked) and skips building a web Request per call.
 */
export interface IngestRequest {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
  body?: ReadableStream<Uint8Array> | null;
  /** The body, already read (at most limit + 1 bytes). */
  rawBody?: Uint8Array;
  /** Or a reader the handler calls once the credentials are checked (at most limit + 1 bytes). */
  readRawBody?: () => Promise<Uint8Array>;
}

export interface IngestReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): IngestReply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

const UNAUTHORIZED = () => new AppError('UNAUTHORIZED', 'invalid credentials');
const PAGERDUTY_CREDENTIALS_MISSING = () =>
  new AppError('UNAUTHORIZED', 'credentials required before the body is read', [
    {
      field: 'routing_key',
      reason:
        'send an API key header (Authorization: Bearer awk_…) or put the routing key in the URL: /api/v1/webhooks/pagerduty?routing_key=<key>',
    },
  ]);

/** A PagerDuty routing key given in the events URL (`?routing_key=`), or null. */
function urlRoutingKey(req: IngestRequest): string | null {
  const v = new URL(req.url, 'http://x').searchParams.get('routing_key');
  return v && v.length <= 128 ? v : null;
}

function errorResponse(e: AppError, format: Format | null): IngestReply {
  const headers: Record<string, string> = {};
  if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
  if (e.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer realm="alert-whisperer"';
  const body: Record<string, unknown> = errorBody(e);
  // PagerDuty senders expect the Events API's error shape as well.
  if (format === 'pagerduty' && e.code === 'BAD_REQUEST') {
    body.status = 'invalid event';
    body.message = 'Event object is invalid';
    body.errors = e.problems.map((p) => `${p.field}: ${p.reason}`);
  }
  return json(HTTP_STATUS[e.code], body, headers);
}

/** The format served at a path (`/api/v1/alerts`, `/api/v1/webhooks/<format>`), or null. */
export function formatForPath(pathname: string): Format | null | 'unknown' {
  const p = pathname.replace(/\/+$/, '');
  if (p.endsWith('/api/v1/alerts')) return 'native';
  const m = /\/api\/v1\/webhooks\/([^/]+)$/.exec(p);
  if (!m) return null;
  return (FORMATS as readonly string[]).includes(m[1]!) && m[1] !== 'native' ? (m[1] as Format) : 'unknown';
}

function presentedKey(req: IngestRequest): string | null {
  const x = req.headers.get('x-api-key');
  if (x) return x.trim();
  const auth = req.headers.get('authorization');
  if (!auth) return null;
  const [scheme, value] = auth.trim().split(/\s+/, 2);
  if (!scheme || !value) return null;
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    // SNS subscriptions carry credentials in the URL (https://user:KEY@host/…): the password is the key.
    try {
      const decoded = atob(value);
      const i = decoded.indexOf(':');
      return i >= 0 ? decoded.slice(i + 1) : decoded;
    } catch {
      return null;
    }
  }
  return null;
}

function checkContentType(req: IngestRequest, format: Format) {
  const ct = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const jsonLike = ct === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(ct);
  // SNS posts its JSON as text/plain.
  if (jsonLike || (format === 'cloudwatch' && ct === 'text/plain')) return;
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json', [
    { field: 'Content-Type', reason: ct ? `${ct} is not supported` : 'is missing' },
  ]);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest('body', 'is not valid UTF-8');
  }
}

function idempotencyKeyOf(req: IngestRequest): string | null {
  const v = req.headers.get('idempotency-key');
  if (v === null) return null;
  const k = v.trim();
  if (!k || k.length > 255 || !/^[\x21-\x7e]+$/.test(k))
    throw badRequest('Idempotency-Key', 'must be 1..255 visible ASCII characters');
  return k;
}

/** The key's company's generic mapping `name`, read walled in to that company. */
async function loadMapping(rt: IngestRuntime, key: KeyInfo, name: string): Promise<GenericMappingPaths> {
  const { rows } = await rt.pool.query<{ a: string }>(
    walledQuery(
      [key.id],
      `SELECT 'mapping'::text, paths::text, NULL::text, NULL::text FROM "GenericMapping"
       WHERE "companyId" = $2[1] AND name = $4[1]`,
      { p2: [key.companyId], p4: [name] },
    ),
  );
  if (!rows[0])
    throw badRequest('mapping', `no generic mapping named "${name}" for this company`, 'unknown format');
  return JSON.parse(rows[0].a) as GenericMappingPaths;
}

function replyFor(format: Format, info: Record<string, unknown> | undefined) {
  return (stored: StoredAlertRef[]): HttpReply => {
    if (format === 'pagerduty')
      return {
        status: 202,
        body: { status: 'success', message: 'Event processed', dedup_key: info?.dedup_key },
      };
    const created = stored.filter((s) => s.created).length;
    return {
      status: 202,
      body: {
        accepted: stored.length,
        created,
        duplicates: stored.length - created,
        alerts: stored.map((s) => ({
          id: s.id,
          fingerprint: s.fingerprint,
          status: s.created ? 'created' : 'duplicate',
        })),
        ...(info ?? {}),
      },
    };
  };
}

function outcomeResponse(o: WriteOutcome): IngestReply {
  switch (o.kind) {
    case 'stored':
      return json(o.reply.status, o.reply.body);
    case 'idempotent-replay':
      return json(o.reply.status, o.reply.body, { 'idempotent-replayed': 'true' });
    case 'unauthorized':
      throw UNAUTHORIZED();
    case 'invalid':
      throw badRequest('body', 'contains a value the database cannot store');
    case 'unavailable':
      throw new AppError('UNAVAILABLE', 'temporarily unable to store alerts, retry', [], 1);
  }
}

/** Handles one ingestion request. `format` defaults to the one the URL path names. */
export async function handleIngest(req: Request, rt: IngestRuntime, format?: Format): Promise<Response> {
  const r = await ingestReply(req, rt, format);
  return new Response(r.body, { status: r.status, headers: r.headers });
}

/** The same as handleIngest, answering with a plain status/headers/body (for node:http). */
export async function ingestReply(
  req: IngestRequest,
  rt: IngestRuntime,
  format?: Format,
): Promise<IngestReply> {
  const reply = await answer(req, rt, format);
  appMetrics().ingest(format ?? metricsSource(req.url), reply.status);
  return reply;
}

/** The source label for /metrics: a known format or "unknown" (bounded, whatever the path). */
function metricsSource(url: string): string {
  const f = formatForPath(new URL(url, 'http://localhost').pathname);
  return f && f !== 'unknown' ? f : 'unknown';
}

async function answer(req: IngestRequest, rt: IngestRuntime, format?: Format): Promise<IngestReply> {
  let fmt: Format | null = format ?? null;
  try {
    if (!fmt) {
      const f = formatForPath(new URL(req.url).pathname);
      if (f === null) return json(404, errorBody(new AppError('NOT_FOUND', 'not found')));
      if (f === 'unknown')
        throw badRequest(
          'format',
          `unknown webhook format; use one of ${FORMATS.filter((x) => x !== 'native').join(', ')}`,
          'unknown format',
        );
      fmt = f;
    }
    if (req.method !== 'POST')
      return json(405, errorBody(new AppError('BAD_REQUEST', 'use POST')), { allow: 'POST' });
    return await ingest(req, rt, fmt);
  } catch (e) {
    if (isAppError(e)) return errorResponse(e, fmt);
    if (e instanceof CertificateUnavailableError)
      return errorResponse(new AppError('UNAVAILABLE', 'signing certificate unavailable, retry', [], 5), fmt);
    // Anything else is ours or the database's: transient from the sender's point of view.
    rt.logger.error('ingest failed', { error: (e as Error)?.message });
    return errorResponse(
      new AppError('UNAVAILABLE', 'temporarily unable to store alerts, retry', [], 1),
      fmt,
    );
  }
}

async function ingest(req: IngestRequest, rt: IngestRuntime, fmt: Format): Promise<IngestReply> {
  checkContentType(req, fmt);
  const receivedAt = new Date(rt.now());

  // Credentials are checked before a byte of the body is read: an API key in a header, or (PagerDuty
  // senders that can only be given a URL) the routing key in the query string.
  const presented = presentedKey(req);
  const routingKey = presented || fmt !== 'pagerduty' ? null : urlRoutingKey(req);
  let key: KeyInfo | null;
  if (presented) key = await rt.credentials.verifyApiKey(presented);
  else if (routingKey) key = await rt.credentials.verifyRoutingKey(routingKey);
  else throw fmt === 'pagerduty' ? PAGERDUTY_CREDENTIALS_MISSING() : UNAUTHORIZED();
  if (!key) throw UNAUTHORIZED();
  requireScope(key, 'alerts:write');
  limit(rt, key);

  const raw = await readBody(req, rt.bodyLimitBytes);
  // Authenticate the body before looking inside it.
  const verified = await checkSignature(req, rt, key, fmt, raw);
  const body = parseJsonBody(decodeUtf8(raw));
  if (routingKey) {
    const inBody = pagerDutyRoutingKey(body);
    if (inBody !== null && inBody !== routingKey)
      throw badRequest('routing_key', 'does not match the routing_key in the URL');
  }
  const idempotencyKey = idempotencyKeyOf(req);

  let out: NormalizeOutput;
  const ctx = { receivedAt };
  switch (fmt) {
    case 'native':
      out = normalizeNative(body, ctx);
      break;
    case 'alertmanager':
      out = normalizeAlertmanager(body, ctx);
      break;
    case 'grafana':
      out = normalizeGrafana(body, ctx);
      break;
    case 'pagerduty':
      out = await normalizePagerDuty(body, ctx);
      break;
    case 'generic': {
      const name = new URL(req.url).searchParams.get('mapping') ?? 'default';
      if (!/^[\w.-]{1,100}$/.test(name)) throw badRequest('mapping', 'must be 1..100 letters, digits, . _ -');
      out = normalizeGeneric(body, ctx, await loadMapping(rt, key, name));
      break;
    }
    case 'cloudwatch': {
      const env = parseSnsEnvelope(body);
      if (!(await rt.sns.verify(env))) throw UNAUTHORIZED();
      if (env.Type === 'SubscriptionConfirmation') {
        if (!isSnsUrl(env.SubscribeURL!)) throw UNAUTHORIZED();
        try {
          await rt.snsDeps.confirmSubscription(env.SubscribeURL!);
        } catch (e) {
          rt.logger.warn('SNS subscription confirmation failed', { error: (e as Error).message });
          throw new AppError('UNAVAILABLE', 'could not confirm the subscription, retry', [], 5);
        }
        rt.logger.info('SNS subscription confirmed', { companyId: key.companyId, topic: env.TopicArn });
        return json(200, { confirmed: true, topicArn: env.TopicArn });
      }
      if (env.Type === 'UnsubscribeConfirmation')
        return json(200, { unsubscribed: true, topicArn: env.TopicArn });
      out = normalizeCloudWatch(env, ctx);
      break;
    }
  }

  const alerts = await finalizeAlerts(out.alerts);
  await budget(rt, key, alerts.length, verified && verified.ok ? verified.signature : null);
  const outcome = await rt.writer.submit({
    companyId: key.companyId,
    mspId: key.mspId,
    apiKeyId: key.id,
    alerts,
    idempotencyKey,
    nonce:
      verified && verified.ok
        ? {
            signature: verified.signature,
            expiresAt: new Date((verified.timestamp + SIGNATURE_TOLERANCE_SECONDS + 60) * 1000),
          }
        : null,
    reply: replyFor(fmt, out.info),
  });
  return outcomeResponse(outcome);
}

function limit(rt: IngestRuntime, key: KeyInfo) {
  const wait = rt.limiter.take(key.id);
  if (wait > 0) throw new AppError('TOO_MANY_REQUESTS', 'rate limit exceeded for this API key', [], wait);
}

/**
 * The company's alert budget, whatever key sends and whichever process answers: a storm from one
 * company leaves the others room. Refused requests store nothing (this runs before the writer).
 */
async function budget(rt: IngestRuntime, key: KeyInfo, alerts: number, signature: string | null) {
  const wait = alerts > 0 && rt.companyBudget ? await rt.companyBudget.take(key, alerts, signature) : 0;
  // A signature already used: the writer would refuse it as a replay; it spends no budget.
  if (wait === 'replay') throw UNAUTHORIZED();
  if (wait > 0) throw new AppError('TOO_MANY_REQUESTS', 'alert budget exceeded for this company', [], wait);
}

/**
 * Signature policy: required unless the company turned HMAC off or this key is for a sender that
 * cannot sign. A signature that is present is always checked. Every failure is the same 401.
 */
async function checkSignature(
  req: IngestRequest,
  rt: IngestRuntime,
  key: KeyInfo,
  fmt: Format,
  raw: Uint8Array,
): Promise<VerifyResult | null> {
  const nowSeconds = Math.floor(rt.now() / 1000);
  const ts = req.headers.get('x-timestamp');
  const sig = req.headers.get('x-signature');
  const gSig = fmt === 'grafana' ? req.headers.get('x-grafana-alerting-signature') : null;
  const gTs = fmt === 'grafana' ? req.headers.get('x-grafana-alerting-timestamp') : null;
  if (!sig && !ts && !gSig) {
    if (key.hmacRequired && !key.allowUnsigned) throw UNAUTHORIZED();
    return null;
  }
  const check = async (fresh: boolean) => {
    const secrets = await rt.credentials.webhookSecrets(key, { fresh });
    const input = { secrets, rawBody: raw, nowSeconds };
    return sig || ts
      ? verifySignature({ ...input, timestamp: ts, signature: sig })
      : verifyGrafanaSignature({ ...input, timestamp: gTs, signature: gSig });
  };
  let verified = await check(false);
  // A secret rotated a moment ago may not be in the cache yet: look once more.
  if (!verified.ok && verified.reason === 'mismatch') verified = await check(true);
  if (!verified.ok) {
    rt.logger.info('signature rejected', { companyId: key.companyId, reason: verified.reason });
    throw UNAUTHORIZED();
  }
  return verified;
}
