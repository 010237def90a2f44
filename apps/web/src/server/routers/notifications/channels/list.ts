import { listChannels } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

/** The MSP's channels (secrets never leave the server). */
export const listProcedure = mspProcedure().query(({ ctx }) => listChannels(ctx.prisma, ctx.mspId));
