import { router } from '../../trpc';
import { listProcedure } from './list';

export const auditRouter = router({ list: listProcedure });
