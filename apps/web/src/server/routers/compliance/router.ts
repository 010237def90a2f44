import { router } from '../../trpc';
import { companyProcedure } from './company';
import { csvProcedure } from './csv';
import { mspProcedure } from './msp';
import { nodeProcedure } from './node';
import { saveSettingsProcedure } from './save-settings';
import { syncProcedure } from './sync';

export const complianceRouter = router({
  company: companyProcedure,
  msp: mspProcedure,
  node: nodeProcedure,
  csv: csvProcedure,
  sync: syncProcedure,
  saveSettings: saveSettingsProcedure,
});
