import { router } from '../../../trpc';
import { listProcedure } from './list';
import { saveProcedure } from './save';

/** `notifications.escalation.*` */
export const escalationRouter = router({ list: listProcedure, save: saveProcedure });
