import {
  createApiKey,
  forgetCachedCredentials,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  setApiKeyAllowUnsigned,
  ZApiKeyScope,
} from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

const companyId = z.string().uuid();
const keyRef = z.object({ companyId, id: z.string().uuid() });

export const listKeysProcedure = protectedProcedure
  .input(z.object({ companyId }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return listApiKeys({ prisma: ctx.prisma, companyId: input.companyId });
  });

/** Returns the plaintext key (and PagerDuty routing key) once. Scopes: packages/ingest/src/scopes.ts. */
export const createKeyProcedure = protectedProcedure
  .input(
    z.object({
      companyId,
      name: z.string().trim().min(1).max(100),
      scopes: z.array(ZApiKeyScope).min(1, 'choose at least one scope').max(2).default(['alerts:write']),
      allowUnsigned: z.boolean().default(false),
      pagerDuty: z.boolean().default(false),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.create');
    const { companyId: id, ...rest } = input;
    return createApiKey({ prisma: ctx.prisma, companyId: id, actorId: ctx.userId, input: rest });
  });

export const rotateKeyProcedure = protectedProcedure
  .input(keyRef.extend({ overlapMinutes: z.number().int().min(0).max(43_200).default(1440) }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.rotate');
    const out = await rotateApiKey({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { id: input.id, overlapMinutes: input.overlapMinutes },
    });
    forgetCachedCredentials();
    return out;
  });

export const revokeKeyProcedure = protectedProcedure.input(keyRef).mutation(async ({ ctx, input }) => {
  await companyAccess(ctx, input.companyId, 'apiKey.revoke');
  await revokeApiKey({
    prisma: ctx.prisma,
    companyId: input.companyId,
    actorId: ctx.userId,
    input: { id: input.id },
  });
  forgetCachedCredentials();
  return { revoked: true };
});

export const setAllowUnsignedProcedure = protectedProcedure
  .input(keyRef.extend({ allowUnsigned: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.update');
    await setApiKeyAllowUnsigned({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { id: input.id, allowUnsigned: input.allowUnsigned },
    });
    forgetCachedCredentials();
    return { allowUnsigned: input.allowUnsigned };
  });
