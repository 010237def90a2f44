import { router } from '../../trpc';
import { documentsRouter } from './documents/router';
import { executionsRouter } from './executions/router';
import { incidentProcedure } from './incident';
import { killSwitchProcedure } from './kill-switch';
import { policiesRouter } from './policies/router';

export const runbooksRouter = router({
  documents: documentsRouter,
  policies: policiesRouter,
  executions: executionsRouter,
  incident: incidentProcedure,
  killSwitch: killSwitchProcedure,
});
