import { router } from '../../../trpc';
import { createProcedure } from './create';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';

/** Hybrid activations (`aws.activations.*`). */
export const activationsRouter = router({
  create: createProcedure,
  list: listProcedure,
  delete: deleteProcedure,
});
