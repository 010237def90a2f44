// SSM (AWS JSON 1.1): routes each operation to the module of its part of the service.
import type { Caller, ServiceContext, SsmInput } from './context.ts';
import {
  addTagsToResource,
  createActivation,
  deleteActivation,
  describeActivations,
  describeInstanceInformation,
} from './ssm-activations.ts';
import { getAutomationExecution, startAutomation, stopAutomationExecution } from './ssm-automation.ts';
import { getCommandInvocation, listCommandInvocations, sendCommand } from './ssm-commands.ts';
import { documentOp } from './ssm-documents.ts';
import {
  describeInstancePatches,
  describeInstancePatchStates,
  describePatchBaselines,
  listComplianceSummaries,
  listResourceComplianceSummaries,
} from './ssm-patch.ts';
import { AwsError } from './wire.ts';

type Operation = (svc: ServiceContext, caller: Caller, input: SsmInput) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreateActivation: createActivation,
  DescribeActivations: describeActivations,
  DeleteActivation: deleteActivation,
  DescribeInstanceInformation: describeInstanceInformation,
  AddTagsToResource: addTagsToResource,
  CreateDocument: (svc, caller, input) => documentOp(svc, caller, 'CreateDocument', input),
  UpdateDocument: (svc, caller, input) => documentOp(svc, caller, 'UpdateDocument', input),
  DeleteDocument: (svc, caller, input) => documentOp(svc, caller, 'DeleteDocument', input),
  SendCommand: sendCommand,
  GetCommandInvocation: getCommandInvocation,
  ListCommandInvocations: listCommandInvocations,
  StartAutomationExecution: startAutomation,
  GetAutomationExecution: getAutomationExecution,
  StopAutomationExecution: stopAutomationExecution,
  DescribeInstancePatchStates: describeInstancePatchStates,
  DescribeInstancePatches: describeInstancePatches,
  DescribePatchBaselines: describePatchBaselines,
  ListComplianceSummaries: listComplianceSummaries,
  ListResourceComplianceSummaries: listResourceComplianceSummaries,
};

export function ssm(svc: ServiceContext, caller: Caller, op: string, input: SsmInput): unknown {
  // The caller's region exists from its first request on, whatever the operation.
  svc.region(caller.account.id, caller.region);
  const operation = Object.hasOwn(OPERATIONS, op) ? OPERATIONS[op] : undefined;
  if (!operation)
    throw new AwsError('UnknownOperationException', `Operation ${op} is not supported by the fake`);
  return operation(svc, caller, input);
}
