import { router } from '../../../trpc';
import { listProcedure } from './list';
import { syncProcedure } from './sync';

/** Managed nodes (`aws.nodes.*`). */
export const nodesRouter = router({ list: listProcedure, sync: syncProcedure });
