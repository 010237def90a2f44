import { router } from '../../../trpc';
import { approveProcedure } from './approve';
import { listProcedure } from './list';
import { runProcedure } from './run';

/** Runbook executions (`runbooks.executions.*`). */
export const executionsRouter = router({ list: listProcedure, approve: approveProcedure, run: runProcedure });
