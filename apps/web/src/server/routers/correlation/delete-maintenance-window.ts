import { deleteMaintenanceWindow } from '@aw/correlation';
import { protectedProcedure } from '../../trpc';
import { ZById } from './schemas';

export const deleteMaintenanceWindowProcedure = protectedProcedure
  .input(ZById)
  .mutation(({ ctx, input }) => deleteMaintenanceWindow(ctx, input.companyId, input.id));
