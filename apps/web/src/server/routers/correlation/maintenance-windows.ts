import { listMaintenanceWindows } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

export const maintenanceWindowsProcedure = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => listMaintenanceWindows(ctx, input.companyId));
