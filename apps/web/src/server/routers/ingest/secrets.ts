import {
  forgetCachedCredentials,
  revealWebhookSecret,
  rotateWebhookSecret,
  setHmacRequired,
  signedCurlExample,
} from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';
import { encryptionKey } from './access';

const companyId = z.string().uuid();

/** A new signing secret, shown once; the previous one stays valid for the overlap. */
export const rotateSecretProcedure = protectedProcedure
  .input(z.object({ companyId, overlapMinutes: z.number().int().min(0).max(43_200).default(1440) }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'signingSecret.rotate');
    const out = await rotateWebhookSecret({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      encryptionKey: encryptionKey(),
      input: { overlapMinutes: input.overlapMinutes },
    });
    forgetCachedCredentials();
    return out;
  });

export const revealSecretProcedure = protectedProcedure
  .input(z.object({ companyId }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'signingSecret.reveal');
    return revealWebhookSecret({
      prisma: ctx.prisma,
      companyId: input.companyId,
      encryptionKey: encryptionKey(),
    });
  });

export const setHmacRequiredProcedure = protectedProcedure
  .input(z.object({ companyId, required: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'company.hmacRequired.set');
    const out = await setHmacRequired({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { required: input.required },
    });
    forgetCachedCredentials();
    return out;
  });

/** The signed curl command the portal shows (placeholders unless a key/secret is passed in). */
export const curlExampleProcedure = protectedProcedure
  .input(
    z.object({
      companyId,
      baseUrl: z.string().url(),
      apiKey: z.string().max(200).optional(),
      secret: z.string().max(200).optional(),
    }),
  )
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return {
      command: signedCurlExample({ baseUrl: input.baseUrl, apiKey: input.apiKey, secret: input.secret }),
    };
  });
