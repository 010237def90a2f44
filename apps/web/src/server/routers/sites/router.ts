// The company's Kubernetes clusters: list them (last seen, queue depth, version) and mint the
// install for a new one (a fresh API key for the site + the company's signing secret, inside the
// exact `helm install` command, shown once).
import { assertCompanyAccess } from '@aw/accounts';
import { CLUSTER_NAME, helmInstallCommand, listSites } from '@aw/aws/sites';
import { loadEnv } from '@aw/config';
import { AppError } from '@aw/core/errors';
import { createApiKey, forgetCachedCredentials, revealWebhookSecret, rotateWebhookSecret } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure, router } from '../../trpc';
import { encryptionKey, ingestCompanyAccess } from '../ingest/access';

const companyId = z.string().uuid();

export const sitesRouter = router({
  list: protectedProcedure.input(z.object({ companyId })).query(async ({ ctx, input }) => {
    await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return listSites({ prisma: ctx.prisma, companyId: input.companyId });
  }),

  /**
   * A new site key and the helm command. The key is an ordinary company API key named after the
   * cluster; the operator always signs with the company's secret, and the site endpoints require
   * that signature whatever the key's settings.
   * TODO(lead): give the key the `site` scope once API keys have scopes (other branch).
   */
  createInstall: protectedProcedure
    .input(
      z.object({
        companyId,
        clusterName: z.string().trim().regex(CLUSTER_NAME, 'lowercase letters, digits and -, up to 63'),
        /** The portal's own origin when AUTH_URL is not configured. */
        origin: z.string().url().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ingestCompanyAccess(ctx, input.companyId, 'manage');
      const upstreamUrl = loadEnv().AUTH_URL ?? input.origin;
      if (!upstreamUrl)
        throw new AppError('BAD_REQUEST', 'the portal URL is unknown', [
          { field: 'origin', reason: 'is required' },
        ]);
      const svc = { prisma: ctx.prisma, companyId: input.companyId, actorId: ctx.userId };
      const key = await createApiKey({ ...svc, input: { name: `Kubernetes cluster ${input.clusterName}` } });
      const existing = await revealWebhookSecret({ ...svc, encryptionKey: encryptionKey() });
      const secret =
        existing?.secret ??
        (await rotateWebhookSecret({ ...svc, encryptionKey: encryptionKey(), input: { overlapMinutes: 0 } }))
          .secret;
      forgetCachedCredentials();
      return {
        keyPrefix: key.prefix,
        command: helmInstallCommand({
          clusterName: input.clusterName,
          upstreamUrl: new URL(upstreamUrl).origin,
          apiKey: key.key,
          hmacSecret: secret,
        }),
      };
    }),
});
