import { router } from '../../trpc';
import { approveProcedure } from './approve';
import { deletePolicyProcedure } from './delete-policy';
import { incidentPanelProcedure } from './incident-panel';
import { installDocumentsProcedure } from './install-documents';
import { killSwitchProcedure } from './kill-switch';
import { listDocumentsProcedure } from './list-documents';
import { listExecutionsProcedure } from './list-executions';
import { listPoliciesProcedure } from './list-policies';
import { runProcedure } from './run';
import { savePolicyProcedure } from './save-policy';

export const runbooksRouter = router({
  documents: router({ list: listDocumentsProcedure, install: installDocumentsProcedure }),
  policies: router({ list: listPoliciesProcedure, save: savePolicyProcedure, delete: deletePolicyProcedure }),
  executions: router({ list: listExecutionsProcedure, approve: approveProcedure, run: runProcedure }),
  incident: incidentPanelProcedure,
  killSwitch: killSwitchProcedure,
});
