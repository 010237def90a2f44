import { setApiKeyAlertKind } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

/** Chooses the alert kind (stateful or event) of one API key's alerts; null = the source default. */
export const setKeyAlertKindProcedure = protectedProcedure
  .input(
    z.object({
      ...ZCompany,
      keyId: z.string().uuid(),
      kind: z.enum(['STATEFUL', 'EVENT']).nullable().default(null),
    }),
  )
  .mutation(({ ctx, input }) => setApiKeyAlertKind(ctx, input));
