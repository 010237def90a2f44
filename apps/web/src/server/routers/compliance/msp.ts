import { mspCompliance } from '@aw/compliance';
import { mspProcedure as staffProcedure } from '../../trpc';

/** Every company of the viewer's MSP ranked by compliance (worst first), with trends. MSP staff only. */
export const mspProcedure = staffProcedure().query(({ ctx }) =>
  mspCompliance(ctx.prisma, { mspId: ctx.mspId, now: new Date() }),
);
