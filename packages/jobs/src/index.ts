export {
  JobQueue,
  type EnqueueOptions,
  type Handler,
  type HandlerResult,
  type Job,
  type JobContext,
  type JobQueueOptions,
} from './queue.ts';
export { q, qn, ts, type Queryable } from './sql.ts';
