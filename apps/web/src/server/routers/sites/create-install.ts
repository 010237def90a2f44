// Mints the install for a new cluster: a fresh API key for the site and the company's signing
// secret, inside the exact `helm install` command, shown once.
import { CLUSTER_NAME, helmInstallCommand } from '@aw/aws/sites';
import { loadEnv } from '@aw/config';
import { AppError } from '@aw/core/errors';
import { assertCan } from '@aw/core/permissions';
import { createApiKey, revealWebhookSecret, rotateWebhookSecret } from '@aw/ingest';
import { z } from 'zod';
import { companyAccess } from '../../company-access';
import { protectedProcedure } from '../../trpc';
import { encryptionKey } from '../ingest/access';

const companyId = z.string().uuid();

/**
 * A new site key and the helm command. The key carries the `site` scope (registration, heartbeat,
 * activations) and `alerts:write` (the operator forwards the cluster's alerts); the operator
 * always signs with the company's secret, and the site endpoints require that signature whatever
 * the company's HMAC setting.
 */
export const createInstallProcedure = protectedProcedure
  .input(
    z.object({
      companyId,
      clusterName: z.string().trim().regex(CLUSTER_NAME, 'lowercase letters, digits and -, up to 63'),
      /** The portal's own origin when AUTH_URL is not configured. */
      origin: z.string().url().optional(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.create');
    assertCan(ctx.viewer.membership.role, 'signingSecret.reveal');
    const upstreamUrl = loadEnv().AUTH_URL ?? input.origin;
    if (!upstreamUrl)
      throw new AppError('BAD_REQUEST', 'the portal URL is unknown', [
        { field: 'origin', reason: 'is required' },
      ]);
    const svc = { prisma: ctx.prisma, companyId: input.companyId, actorId: ctx.userId };
    const key = await createApiKey({
      ...svc,
      input: { name: `Kubernetes cluster ${input.clusterName}`, scopes: ['alerts:write', 'site'] },
    });
    const existing = await revealWebhookSecret({ ...svc, encryptionKey: encryptionKey() });
    const secret =
      existing?.secret ??
      (await rotateWebhookSecret({ ...svc, encryptionKey: encryptionKey(), input: { overlapMinutes: 0 } }))
        .secret;
    ctx.services.forgetCachedCredentials();
    return {
      keyPrefix: key.prefix,
      command: helmInstallCommand({
        clusterName: input.clusterName,
        upstreamUrl: new URL(upstreamUrl).origin,
        apiKey: key.key,
        hmacSecret: secret,
      }),
    };
  });
