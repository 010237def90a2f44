import { router } from '../../trpc';
import { channelsRouter } from './channels/router';
import { deadLettersRouter } from './dead-letters/router';
import { escalationRouter } from './escalation/router';
import { forIncidentProcedure } from './for-incident';
import { inboxProcedure } from './inbox';
import { kpisCsvProcedure } from './kpis-csv';
import { kpisProcedure } from './kpis';
import { oncallRouter } from './oncall/router';
import { policiesRouter } from './policies/router';
import { psaRouter } from './psa/router';

/** Notifications (`notifications.*`): channels, policies, escalation, on-call, dead letters, demo inbox, KPIs, PSA. */
export const notificationsRouter = router({
  channels: channelsRouter,
  policies: policiesRouter,
  escalation: escalationRouter,
  oncall: oncallRouter,
  deadLetters: deadLettersRouter,
  inbox: inboxProcedure,
  forIncident: forIncidentProcedure,
  kpis: kpisProcedure,
  kpisCsv: kpisCsvProcedure,
  psa: psaRouter,
});
