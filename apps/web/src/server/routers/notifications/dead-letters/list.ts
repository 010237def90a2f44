import { listDeadLetters } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

/** Deliveries whose every attempt failed, with the last error. */
export const listProcedure = mspProcedure().query(({ ctx }) => listDeadLetters(ctx, ctx.mspId));
