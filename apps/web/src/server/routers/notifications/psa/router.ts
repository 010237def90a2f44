import { router } from '../../../trpc';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';
import { mapCompanyProcedure } from './map-company';
import { saveProcedure } from './save';
import { testProcedure } from './test';

/** `notifications.psa.*`: PSA connections (ConnectWise Manage) and company mapping. */
export const psaRouter = router({
  list: listProcedure,
  save: saveProcedure,
  delete: deleteProcedure,
  test: testProcedure,
  mapCompany: mapCompanyProcedure,
});
