import { router } from '../../trpc';
import { acknowledgeProcedure } from './acknowledge';
import { assignProcedure } from './assign';
import { backtestProcedure } from './backtest';
import { configProcedure } from './config';
import { createSilenceProcedure } from './create-silence';
import { deleteInhibitionRuleProcedure } from './delete-inhibition-rule';
import { deleteMaintenanceWindowProcedure } from './delete-maintenance-window';
import { expireSilenceProcedure } from './expire-silence';
import { explainAlertProcedure } from './explain-alert';
import { incidentProcedure } from './incident';
import { incidentsProcedure } from './incidents';
import { inhibitionRulesProcedure } from './inhibition-rules';
import { kpiCsvProcedure } from './kpi-csv';
import { kpisProcedure } from './kpis';
import { maintenanceWindowsProcedure } from './maintenance-windows';
import { noteProcedure } from './note';
import { resolveProcedure } from './resolve';
import { saveInhibitionRuleProcedure } from './save-inhibition-rule';
import { saveMaintenanceWindowProcedure } from './save-maintenance-window';
import { silencesProcedure } from './silences';
import { updateConfigProcedure } from './update-config';
import { situationProcedure } from './situation';
import { incidentHubsProcedure } from './incident-hubs';
import { actOnSituationProcedure } from './act-on-situation';
import { situationSettingsProcedure } from './situation-settings';
import { updateSituationSettingsProcedure } from './update-situation-settings';
import { setKeyAlertKindProcedure } from './set-key-alert-kind';

/** Incidents, KPIs, backtests and correlation settings; every procedure scopes by membership. */
export const correlationRouter = router({
  incidents: incidentsProcedure,
  incident: incidentProcedure,
  explainAlert: explainAlertProcedure,
  acknowledge: acknowledgeProcedure,
  resolve: resolveProcedure,
  assign: assignProcedure,
  note: noteProcedure,
  kpis: kpisProcedure,
  kpiCsv: kpiCsvProcedure,
  backtest: backtestProcedure,
  config: configProcedure,
  updateConfig: updateConfigProcedure,
  maintenanceWindows: maintenanceWindowsProcedure,
  saveMaintenanceWindow: saveMaintenanceWindowProcedure,
  deleteMaintenanceWindow: deleteMaintenanceWindowProcedure,
  silences: silencesProcedure,
  createSilence: createSilenceProcedure,
  expireSilence: expireSilenceProcedure,
  inhibitionRules: inhibitionRulesProcedure,
  saveInhibitionRule: saveInhibitionRuleProcedure,
  deleteInhibitionRule: deleteInhibitionRuleProcedure,
  situation: situationProcedure,
  incidentHubs: incidentHubsProcedure,
  actOnSituation: actOnSituationProcedure,
  situationSettings: situationSettingsProcedure,
  updateSituationSettings: updateSituationSettingsProcedure,
  setKeyAlertKind: setKeyAlertKindProcedure,
});
