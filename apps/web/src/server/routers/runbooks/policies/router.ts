import { router } from '../../../trpc';
import { listProcedure } from './list';
import { saveProcedure } from './save';
import { deleteProcedure } from './delete';

export const policiesRouter = router({
  list: listProcedure,
  save: saveProcedure,
  delete: deleteProcedure,
});
