import { getSituationSettings } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

/** The company's situation settings and the hub values currently not used for linking. */
export const situationSettingsProcedure = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => getSituationSettings(ctx, input.companyId));
