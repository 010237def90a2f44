import { router } from '../../../trpc';
import { listProcedure } from './list';
import { retryProcedure } from './retry';

/** `notifications.deadLetters.*` */
export const deadLettersRouter = router({ list: listProcedure, retry: retryProcedure });
