import { router } from '../../trpc';
import { keysRouter } from './keys/router';
import { mappingsRouter } from './mappings/router';
import { secretRouter } from './secret/router';

export const ingestRouter = router({
  keys: keysRouter,
  secret: secretRouter,
  mappings: mappingsRouter,
});
