import { router } from '../../../trpc';
import { curlExampleProcedure } from './curl-example';
import { revealProcedure } from './reveal';
import { rotateProcedure } from './rotate';
import { setHmacRequiredProcedure } from './set-hmac-required';

/** The company's webhook signing secret (`ingest.secret.*`). */
export const secretRouter = router({
  rotate: rotateProcedure,
  reveal: revealProcedure,
  setHmacRequired: setHmacRequiredProcedure,
  curlExample: curlExampleProcedure,
});
