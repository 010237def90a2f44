import { router } from '../../../trpc';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';
import { saveProcedure } from './save';
import { testProcedure } from './test';

/** `notifications.channels.*` */
export const channelsRouter = router({
  list: listProcedure,
  save: saveProcedure,
  delete: deleteProcedure,
  test: testProcedure,
});
