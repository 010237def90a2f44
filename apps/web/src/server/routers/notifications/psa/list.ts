import { listPsaConnections } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

/** The MSP's PSA connections with their company mappings (keys never leave the server). */
export const listProcedure = mspProcedure().query(({ ctx }) => listPsaConnections(ctx.prisma, ctx.mspId));
