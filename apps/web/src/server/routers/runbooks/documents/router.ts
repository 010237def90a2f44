import { router } from '../../../trpc';
import { listProcedure } from './list';
import { installProcedure } from './install';

export const documentsRouter = router({
  list: listProcedure,
  install: installProcedure,
});
