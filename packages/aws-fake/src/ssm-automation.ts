// SSM Automation: StartAutomationExecution, GetAutomationExecution, StopAutomationExecution.
import { randomUUID } from 'node:crypto';
import type { Caller, ServiceContext, SsmInput } from './context.ts';
import { trustAllows } from './policy.ts';
import { checkCustomDocumentParameters } from './ssm-behaviour.ts';
import { AWS_DOCUMENTS } from './state.ts';
import { AwsError, secs, str } from './wire.ts';

export function startAutomation(svc: ServiceContext, caller: Caller, input: Record<string, unknown>) {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const name = str(input.DocumentName);
  const owner = name in AWS_DOCUMENTS ? '' : acct;
  svc.authorize(
    caller,
    'ssm:StartAutomationExecution',
    `arn:aws:ssm:${r}:${owner}:automation-definition/${name}:$DEFAULT`,
  );
  const type = AWS_DOCUMENTS[name] ?? region.documents[name]?.DocumentType;
  if (type !== 'Automation')
    throw new AwsError('AutomationDefinitionNotFoundException', `Automation definition ${name} not found`);
  const params = (input.Parameters as Record<string, string[]> | undefined) ?? {};
  const assume = params.AutomationAssumeRole?.[0];
  if (assume) {
    svc.authorize(caller, 'iam:PassRole', assume, { 'iam:PassedToService': 'ssm.amazonaws.com' });
    const role = caller.account.roles[assume.replace(/^.*role\//, '')];
    if (
      !role ||
      !trustAllows(role.trust, { service: 'ssm.amazonaws.com' }, 'sts:AssumeRole', {
        'aws:SourceAccount': acct,
        'aws:SourceArn': `arn:aws:ssm:${r}:${acct}:automation-execution/x`,
      })
    )
      throw new AwsError(
        'InvalidAutomationExecutionParametersException',
        `The defined assume role is unable to be assumed: ${assume}`,
      );
  }
  if (name === 'AWS-RestartEC2Instance' && !params.InstanceId?.length)
    throw new AwsError('InvalidAutomationExecutionParametersException', 'Parameter "InstanceId" is required');
  const custom = region.documents[name];
  if (custom && !(name in AWS_DOCUMENTS))
    checkCustomDocumentParameters(custom.versions.at(-1)!, params, ['AutomationAssumeRole']);
  const missing = (params.InstanceId ?? []).filter((i) => !region.instances[i]);
  const scripted = missing.length
    ? undefined
    : svc.automationBehaviour?.({ accountId: acct, documentName: name, parameters: params });
  const a = {
    AutomationExecutionId: randomUUID(),
    DocumentName: name,
    Parameters: params,
    ExecutionStartTime: svc.now(),
    outcome: missing.length
      ? {
          status: 'Failed' as const,
          failure: `Step fails when it is verifying the instances. The instance Ids ${missing.join(', ')} are not valid.`,
        }
      : (scripted ?? { status: 'Success' as const }),
  };
  region.automations[a.AutomationExecutionId] = a;
  return { AutomationExecutionId: a.AutomationExecutionId };
}

export function automationStatus(
  svc: ServiceContext,
  a: {
    ExecutionStartTime: number;
    outcome: { status: 'Success' | 'Failed' };
    stoppedAt?: number;
  },
) {
  if (a.stoppedAt) return { status: 'Cancelled', ended: a.stoppedAt };
  const age = svc.now() - a.ExecutionStartTime;
  if (age < svc.stepMs) return { status: 'Pending' };
  if (age < 2 * svc.stepMs) return { status: 'InProgress' };
  return { status: a.outcome.status, ended: a.ExecutionStartTime + 2 * svc.stepMs };
}

export function getAutomationExecution(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const id = str(input.AutomationExecutionId);
  svc.authorize(caller, 'ssm:GetAutomationExecution', `arn:aws:ssm:${r}:${acct}:automation-execution/${id}`);
  const a = region.automations[id];
  if (!a)
    throw new AwsError('AutomationExecutionNotFoundException', `Automation Execution id ${id} not found`);
  const s = automationStatus(svc, a);
  return {
    AutomationExecution: {
      AutomationExecutionId: a.AutomationExecutionId,
      DocumentName: a.DocumentName,
      DocumentVersion: '1',
      ExecutionStartTime: secs(a.ExecutionStartTime),
      ...(s.ended ? { ExecutionEndTime: secs(s.ended) } : {}),
      AutomationExecutionStatus: s.status,
      Parameters: a.Parameters,
      Outputs: {},
      Mode: 'Auto',
      ...(s.status === 'Failed' ? { FailureMessage: a.outcome.failure } : {}),
      StepExecutions: [],
    },
  };
}

export function stopAutomationExecution(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const id = str(input.AutomationExecutionId);
  svc.authorize(caller, 'ssm:StopAutomationExecution', `arn:aws:ssm:${r}:${acct}:automation-execution/${id}`);
  const a = region.automations[id];
  if (!a)
    throw new AwsError('AutomationExecutionNotFoundException', `Automation Execution id ${id} not found`);
  const s = automationStatus(svc, a);
  if (['Success', 'Failed', 'Cancelled'].includes(s.status))
    throw new AwsError('InvalidAutomationStatusUpdateException', `Automation ${id} is already ${s.status}`);
  a.stoppedAt = svc.now();
  return {};
}
