import { router } from '../../../trpc';
import { listProcedure } from './list';
import { overrideProcedure } from './override';
import { saveProcedure } from './save';

/** `notifications.oncall.*` */
export const oncallRouter = router({ list: listProcedure, save: saveProcedure, override: overrideProcedure });
