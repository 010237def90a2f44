// POST /api/v1/sites/register: the operator's heartbeat. A cluster, authenticated like the other
// site endpoints (company API key + HMAC signature, always), says who it is and how its
// forwarding is doing; the `Site` row is upserted so the portal lists the company's clusters with
// their last-seen time, operator version and queue depth.
import { AppError, errorBody, HTTP_STATUS, isAppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import type { SiteAuthenticate } from '@aw/core/domain';
import { readSiteJson } from './site-request.ts';

export interface SiteRegisterDeps {
  prisma: PrismaClient;
  authenticate: SiteAuthenticate;
  now?: () => number;
}

const SITE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

interface Heartbeat {
  siteName: string;
  clusterUid?: string;
  operatorVersion?: string;
  queueDepth?: number;
  queueBytes?: number;
  alertsForwarded?: number;
  lastDelivery?: Date;
  lastError?: string;
}

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

export function parseHeartbeat(raw: unknown): Heartbeat {
  const b = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const problems: { field: string; reason: string }[] = [];
  const siteName = typeof b.siteName === 'string' ? b.siteName : '';
  if (!SITE_NAME.test(siteName))
    problems.push({ field: 'siteName', reason: 'lowercase letters, digits and -, 1-63' });
  const str = (k: string, max: number) => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.length > max) problems.push({ field: k, reason: `string up to ${max}` });
    return typeof v === 'string' ? v : undefined;
  };
  const count = (k: string) => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      problems.push({ field: k, reason: 'a non-negative integer' });
    return typeof v === 'number' ? v : undefined;
  };
  const out: Heartbeat = {
    siteName,
    clusterUid: str('clusterUid', 128),
    operatorVersion: str('operatorVersion', 64),
    queueDepth: count('queueDepth'),
    queueBytes: count('queueBytes'),
    alertsForwarded: count('alertsForwarded'),
    lastError: str('lastError', 1000),
  };
  const ld = str('lastDelivery', 40);
  if (ld !== undefined) {
    const t = Date.parse(ld);
    if (Number.isNaN(t)) problems.push({ field: 'lastDelivery', reason: 'an RFC 3339 time' });
    else out.lastDelivery = new Date(t);
  }
  if (out.queueDepth !== undefined && out.queueDepth > 2_147_483_647)
    problems.push({ field: 'queueDepth', reason: 'too large' });
  if (problems.length) throw new AppError('BAD_REQUEST', 'invalid request body', problems);
  return out;
}

export function createSiteRegisterHandler(deps: SiteRegisterDeps): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    try {
      const { caller, json } = await readSiteJson(req, deps.authenticate, 16_384);
      const hb = parseHeartbeat(json);
      const company = await deps.prisma.company.findFirst({
        where: { id: caller.companyId, mspId: caller.mspId },
      });
      if (!company) throw new AppError('UNAUTHORIZED', 'invalid credentials');
      const seen = new Date(now());
      const fields = {
        lastSeenAt: seen,
        ...(hb.clusterUid ? { clusterUid: hb.clusterUid } : {}),
        ...(hb.operatorVersion ? { operatorVersion: hb.operatorVersion } : {}),
        ...(hb.queueDepth !== undefined ? { queueDepth: hb.queueDepth } : {}),
        ...(hb.queueBytes !== undefined ? { queueBytes: BigInt(hb.queueBytes) } : {}),
        ...(hb.alertsForwarded !== undefined ? { alertsForwarded: BigInt(hb.alertsForwarded) } : {}),
        ...(hb.lastDelivery ? { lastDeliveryAt: hb.lastDelivery } : {}),
        lastError: hb.lastError ?? null,
      };
      const site = await deps.prisma.site.upsert({
        where: { companyId_name: { companyId: company.id, name: hb.siteName } },
        create: {
          mspId: company.mspId,
          companyId: company.id,
          name: hb.siteName,
          kind: 'KUBERNETES',
          apiKeyId: caller.apiKeyId ?? null,
          ...fields,
        },
        update: { ...fields, ...(caller.apiKeyId ? { apiKeyId: caller.apiKeyId } : {}) },
      });
      return reply(200, { siteId: site.id, name: site.name, lastSeenAt: seen.toISOString() });
    } catch (e) {
      if (isAppError(e)) {
        const headers: Record<string, string> = e.retryAfterSeconds
          ? { 'retry-after': String(e.retryAfterSeconds) }
          : {};
        return reply(HTTP_STATUS[e.code], errorBody(e), headers);
      }
      console.error('site register failed', e);
      return reply(500, { error: { code: 'INTERNAL', message: 'internal error' } });
    }
  };
}
