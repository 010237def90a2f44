import { router } from '../../trpc';
import { acknowledge, assign, detail, explain, list, note, resolve } from './incidents';
import { backtest, kpiCsv, kpis } from './reports';
import {
  createSilenceProcedure,
  deleteInhibition,
  deleteMaintenance,
  expireSilenceProcedure,
  getConfig,
  inhibitionRules,
  maintenanceWindows,
  saveInhibition,
  saveMaintenance,
  silences,
  updateConfig,
} from './settings';

/** Incidents, KPIs, backtests and correlation settings; every procedure scopes by membership. */
export const correlationRouter = router({
  incidents: list,
  incident: detail,
  explainAlert: explain,
  acknowledge,
  resolve,
  assign,
  note,
  kpis,
  kpiCsv,
  backtest,
  config: getConfig,
  updateConfig,
  maintenanceWindows,
  saveMaintenanceWindow: saveMaintenance,
  deleteMaintenanceWindow: deleteMaintenance,
  silences,
  createSilence: createSilenceProcedure,
  expireSilence: expireSilenceProcedure,
  inhibitionRules,
  saveInhibitionRule: saveInhibition,
  deleteInhibitionRule: deleteInhibition,
});
