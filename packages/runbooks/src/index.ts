export { DEFAULT_SIGNATURES, ensureRunbooks, shippedDocument } from './catalog.ts';
export { EXECUTE_JOB, type RunbookDeps } from './deps.ts';
export {
  MANUAL_LIMITS,
  approveExecution,
  onIncidentChanged,
  requestExecution,
  type RequestInput,
} from './executions.ts';
export { onIncidentsChanged } from './incident-listener.ts';
export { bootTimeFromLabels, checkGuardrails, type Guardrail, type GuardrailPolicy } from './guardrails.ts';
export { installDocuments, listDocuments, type DocumentStatus } from './install.ts';
export { policyMatches, stringLabels, templateParameters } from './policy.ts';
export { escalate } from './records.ts';
export { INSTANCE_ID, resolveTarget, type TargetNode, type TargetResolution } from './target.ts';
export {
  DEFAULT_VERIFY_MINUTES,
  OUTPUT_LIMIT,
  recoverExecutions,
  registerRunbookWorker,
  runExecutionStep,
} from './worker.ts';
export {
  EXECUTION_SELECT,
  deletePolicy,
  incidentRunbooks,
  listExecutions,
  listPolicies,
  runAdHoc,
  savePolicy,
  setKillSwitch,
  type PolicyInput,
  type Scope,
} from './queries.ts';
