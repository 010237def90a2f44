import { router } from '../../../trpc';
import { createProcedure } from './create';
import { listProcedure } from './list';
import { revokeProcedure } from './revoke';
import { rotateProcedure } from './rotate';
import { setAllowUnsignedProcedure } from './set-allow-unsigned';

/** Ingest API keys (`ingest.keys.*`). */
export const keysRouter = router({
  list: listProcedure,
  create: createProcedure,
  rotate: rotateProcedure,
  revoke: revokeProcedure,
  setAllowUnsigned: setAllowUnsignedProcedure,
});
