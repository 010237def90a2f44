import { auditRouter } from './routers/audit/router';
import { awsRouter } from './routers/aws/router';
import { companyRouter } from './routers/company';
import { correlationRouter } from './routers/correlation/router';
import { ingestRouter } from './routers/ingest/router';
import { membersRouter } from './routers/members/router';
import { sitesRouter } from './routers/sites/router';
import { viewerRouter } from './routers/viewer';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  viewer: viewerRouter,
  company: companyRouter,
  correlation: correlationRouter,
  members: membersRouter,
  audit: auditRouter,
  aws: awsRouter,
  ingest: ingestRouter,
  sites: sitesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
