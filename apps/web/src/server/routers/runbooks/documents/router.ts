import { router } from '../../../trpc';
import { installProcedure } from './install';
import { listProcedure } from './list';

/** Runbook documents installed in a company's account (`runbooks.documents.*`). */
export const documentsRouter = router({ list: listProcedure, install: installProcedure });
