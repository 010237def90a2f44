import { auditRouter } from './routers/audit/router';
import { awsRouter } from './routers/aws/router';
import { companyRouter } from './routers/company/router';
import { complianceRouter } from './routers/compliance/router';
import { correlationRouter } from './routers/correlation/router';
import { ingestRouter } from './routers/ingest/router';
import { membersRouter } from './routers/members/router';
import { notificationsRouter } from './routers/notifications/router';
import { runbooksRouter } from './routers/runbooks/router';
import { sitesRouter } from './routers/sites/router';
import { viewerRouter } from './routers/viewer/router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  viewer: viewerRouter,
  company: companyRouter,
  correlation: correlationRouter,
  members: membersRouter,
  audit: auditRouter,
  aws: awsRouter,
  ingest: ingestRouter,
  runbooks: runbooksRouter,
  sites: sitesRouter,
  compliance: complianceRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
