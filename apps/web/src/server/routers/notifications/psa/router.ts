import { router } from '../../../trpc';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';
import { mapProcedure } from './map';
import { saveProcedure } from './save';
import { testProcedure } from './test';

/** `notifications.psa.*`: PSA connections (ConnectWise Manage) and company mapping. */
export const psaRouter = router({
  list: listProcedure,
  save: saveProcedure,
  delete: deleteProcedure,
  test: testProcedure,
  mapCompany: mapProcedure,
});
