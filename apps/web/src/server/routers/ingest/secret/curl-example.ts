import { signedCurlExample } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId } from '../schemas';

/** The signed curl command the portal shows (placeholders unless a key/secret is passed in). */
export const curlExampleProcedure = protectedProcedure
  .input(
    z.object({
      companyId: ZCompanyId,
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
