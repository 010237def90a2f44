import { router } from '../../trpc';
import { meProcedure } from './me';

export const viewerRouter = router({ me: meProcedure });
