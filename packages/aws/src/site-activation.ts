// POST /api/v1/sites/activation: a Kubernetes cluster running the operator, authenticated by its
// company's API key and an HMAC signature (always), asks for a hybrid activation for its site;
// DELETE /api/v1/sites/activation/<id> removes one it asked for. Web-standard handlers; the
// authentication is injected: the ingest package's `createSiteAuthenticator(...).raw` guards them
// (site-scoped key, signature always, replay, rate limits, body limit while it streams). Every
// creation and every re-disclosure of a code is audited with the key that asked.
import { decryptSecret } from '@aw/core/crypto';
import type { SiteAuthenticate } from '@aw/core/domain';
import { AppError, errorBody, HTTP_STATUS, isAppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { installCommands } from './install-commands.ts';
import type { AwsRuntime } from './runtime.ts';
import { activationAad, createActivation, deleteActivation } from './service.ts';
import { readSiteJson } from './site-request.ts';

export type { SiteAuthenticate, SiteCaller } from '@aw/core/domain';

export interface SiteActivationDeps {
  prisma: PrismaClient;
  runtime: AwsRuntime;
  authenticate: SiteAuthenticate;
  /** APP_ENCRYPTION_KEY: the code is kept encrypted so a restarted operator gets it again. */
  encryptionKey: string;
  now?: () => number;
}

const SITE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Reuse an activation while it has registrations left and at least this long to live. */
const REUSE_MIN_REMAINING_MS = 24 * 3_600_000;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

function fail(e: AppError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (e.retryAfterSeconds) headers['retry-after'] = String(e.retryAfterSeconds);
  return new Response(JSON.stringify(errorBody(e)), { status: HTTP_STATUS[e.code], headers });
}

interface Body {
  siteName: string;
  clusterUid?: string;
  operatorVersion?: string;
  registrationLimit: number;
  expiresInDays: number;
  instanceNamePrefix?: string;
}

function parseBody(raw: unknown): Body {
  const b = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const problems: { field: string; reason: string }[] = [];
  const siteName = typeof b.siteName === 'string' ? b.siteName : '';
  if (!SITE_NAME.test(siteName))
    problems.push({ field: 'siteName', reason: 'lowercase letters, digits and -, 1-63' });
  const limit = b.registrationLimit === undefined ? 10 : Number(b.registrationLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    problems.push({ field: 'registrationLimit', reason: '1-1000' });
  const days = b.expiresInDays === undefined ? 30 : Number(b.expiresInDays);
  if (!Number.isInteger(days) || days < 1 || days > 30)
    problems.push({ field: 'expiresInDays', reason: '1-30' });
  const optional = (k: string) => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length > 128) problems.push({ field: k, reason: 'string up to 128' });
    return typeof v === 'string' ? v : undefined;
  };
  const clusterUid = optional('clusterUid');
  const operatorVersion = optional('operatorVersion');
  const instanceNamePrefix = optional('instanceNamePrefix');
  if (instanceNamePrefix !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(instanceNamePrefix))
    problems.push({ field: 'instanceNamePrefix', reason: 'letters, digits, _ . -, 1-64' });
  if (problems.length) throw new AppError('BAD_REQUEST', 'invalid request body', problems);
  return {
    siteName,
    clusterUid,
    operatorVersion,
    registrationLimit: limit,
    expiresInDays: days,
    instanceNamePrefix,
  };
}

export function createSiteActivationHandler(deps: SiteActivationDeps): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    try {
      const { caller, json: input } = await readSiteJson(req, deps.authenticate, 16_384);
      const body = parseBody(input);
      const company = await deps.prisma.company.findFirst({
        where: { id: caller.companyId, mspId: caller.mspId },
      });
      if (!company) throw new AppError('UNAUTHORIZED', 'a valid company API key is required');
      const site = await deps.prisma.site.upsert({
        where: { companyId_name: { companyId: company.id, name: body.siteName } },
        create: {
          mspId: company.mspId,
          companyId: company.id,
          name: body.siteName,
          kind: 'KUBERNETES',
          clusterUid: body.clusterUid ?? null,
          operatorVersion: body.operatorVersion ?? null,
          apiKeyId: caller.apiKeyId ?? null,
          lastSeenAt: new Date(now()),
        },
        update: {
          lastSeenAt: new Date(now()),
          ...(body.clusterUid ? { clusterUid: body.clusterUid } : {}),
          ...(body.operatorVersion ? { operatorVersion: body.operatorVersion } : {}),
        },
      });
      const reusable = await deps.prisma.hybridActivation.findFirst({
        where: {
          companyId: company.id,
          siteId: site.id,
          deletedAt: null,
          codeCiphertext: { not: null },
          expiresAt: { gt: new Date(now() + REUSE_MIN_REMAINING_MS) },
          region: company.awsRegion,
        },
        orderBy: { createdAt: 'desc' },
      });
      if (reusable && reusable.registrationsCount < reusable.registrationLimit) {
        const code = await decryptSecret(
          reusable.codeCiphertext!,
          deps.encryptionKey,
          activationAad(company.id, reusable.activationId),
        );
        // Every re-disclosure of a code is audited with the key that asked (the code never is).
        await deps.prisma.auditLog.create({
          data: {
            mspId: company.mspId,
            companyId: company.id,
            actorId: null,
            action: 'aws.activation.code_disclosed',
            targetType: 'hybridActivation',
            targetId: reusable.id,
            data: { activationId: reusable.activationId, siteId: site.id, apiKeyId: caller.apiKeyId },
          },
        });
        return json(200, {
          siteId: site.id,
          activationId: reusable.activationId,
          activationCode: code,
          region: reusable.region,
          registrationLimit: reusable.registrationLimit,
          expiresAt: reusable.expiresAt.toISOString(),
          reused: true,
          commands: installCommands({
            activationCode: code,
            activationId: reusable.activationId,
            region: reusable.region,
          }),
        });
      }
      const created = await createActivation({
        prisma: deps.prisma,
        runtime: deps.runtime,
        companyId: company.id,
        actorId: null,
        input: {
          registrationLimit: body.registrationLimit,
          expiresAt: new Date(now() + body.expiresInDays * 86_400_000 - 60_000),
          defaultInstanceName: body.instanceNamePrefix ?? `${company.slug}-${body.siteName}`,
          description: `Kubernetes site ${body.siteName}`,
          siteId: site.id,
          apiKeyId: caller.apiKeyId,
          keepCodeWithKey: deps.encryptionKey,
        },
      });
      return json(201, {
        siteId: site.id,
        activationId: created.activationId,
        activationCode: created.activationCode,
        region: created.region,
        registrationLimit: created.registrationLimit,
        expiresAt: created.expiresAt.toISOString(),
        reused: false,
        commands: created.commands,
      });
    } catch (e) {
      if (isAppError(e)) return fail(e);
      console.error('site activation failed', e);
      return fail(new AppError('INTERNAL', 'internal error'));
    }
  };
}

/**
 * DELETE /api/v1/sites/activation/<activationId>: the operator's finalizer removes an activation it
 * asked for. Only activations of the caller's company that belong to a site can be deleted here;
 * another company's id answers 404 like an unknown one. Servers already registered stay registered.
 */
export function createSiteActivationDeleteHandler(
  deps: SiteActivationDeps,
): (req: Request, activationId: string) => Promise<Response> {
  return async (req, activationId) => {
    try {
      if (req.method !== 'DELETE') throw new AppError('BAD_REQUEST', 'use DELETE');
      const { caller } = await deps.authenticate(req, { methods: ['DELETE'], limit: 1024 });
      if (!/^[A-Za-z0-9-]{1,128}$/.test(activationId))
        throw new AppError('BAD_REQUEST', 'invalid activation id', [
          { field: 'activationId', reason: 'format' },
        ]);
      const row = await deps.prisma.hybridActivation.findFirst({
        where: { companyId: caller.companyId, mspId: caller.mspId, activationId, siteId: { not: null } },
      });
      if (!row) throw new AppError('NOT_FOUND', 'activation not found');
      if (!row.deletedAt)
        await deleteActivation({
          prisma: deps.prisma,
          runtime: deps.runtime,
          companyId: caller.companyId,
          actorId: null,
          input: { activationId },
        });
      return json(200, { deleted: true, activationId });
    } catch (e) {
      if (isAppError(e)) return fail(e);
      console.error('site activation delete failed', e);
      return fail(new AppError('INTERNAL', 'internal error'));
    }
  };
}
