import { router } from '../../../trpc';
import { listProcedure } from './list';
import { approveProcedure } from './approve';
import { runProcedure } from './run';

export const executionsRouter = router({
  list: listProcedure,
  approve: approveProcedure,
  run: runProcedure,
});
