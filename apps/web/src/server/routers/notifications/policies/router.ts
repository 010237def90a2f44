import { router } from '../../../trpc';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';
import { saveProcedure } from './save';

/** `notifications.policies.*` */
export const policiesRouter = router({ list: listProcedure, save: saveProcedure, delete: deleteProcedure });
