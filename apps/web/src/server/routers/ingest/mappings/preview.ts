import { previewGenericMapping } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId } from '../schemas';

/** What a sample payload would become under a mapping (nothing is stored). */
export const previewProcedure = protectedProcedure
  .input(z.object({ companyId: ZCompanyId, paths: z.record(z.string(), z.unknown()), sample: z.unknown() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return previewGenericMapping(input.paths, input.sample);
  });
