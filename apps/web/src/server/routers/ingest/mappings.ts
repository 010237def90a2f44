import {
  deleteGenericMapping,
  listGenericMappings,
  previewGenericMapping,
  saveGenericMapping,
} from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

const companyId = z.string().uuid();
const name = z.string().trim().min(1).max(100);

export const listMappingsProcedure = protectedProcedure
  .input(z.object({ companyId }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return listGenericMappings({ prisma: ctx.prisma, companyId: input.companyId });
  });

export const saveMappingProcedure = protectedProcedure
  .input(z.object({ companyId, name, paths: z.record(z.string(), z.unknown()) }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'mapping.save');
    return saveGenericMapping({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { name: input.name, paths: input.paths },
    });
  });

export const deleteMappingProcedure = protectedProcedure
  .input(z.object({ companyId, name }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'mapping.delete');
    await deleteGenericMapping({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { name: input.name },
    });
    return { deleted: true };
  });

/** What a sample payload would become under a mapping (nothing is stored). */
export const previewMappingProcedure = protectedProcedure
  .input(z.object({ companyId, paths: z.record(z.string(), z.unknown()), sample: z.unknown() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return previewGenericMapping(input.paths, input.sample);
  });
