// SSM Run Command: SendCommand, GetCommandInvocation, ListCommandInvocations.
import { randomUUID } from 'node:crypto';
import type { Caller, ServiceContext, SsmInput } from './context.ts';
import { checkCustomDocumentParameters } from './ssm-behaviour.ts';
import { documentArn } from './ssm-documents.ts';
import { AWS_DOCUMENTS, type FakeCommand } from './state.ts';
import { AwsError, secs, validation, str, paginate } from './wire.ts';

export function sendCommand(svc: ServiceContext, caller: Caller, input: Record<string, unknown>) {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const docName = str(input.DocumentName);
  let ids = (input.InstanceIds as string[] | undefined) ?? [];
  const targets = (input.Targets as { Key: string; Values: string[] }[] | undefined) ?? [];
  for (const t of targets) if (t.Key === 'InstanceIds') ids = [...ids, ...t.Values];
  if (!ids.length) throw new AwsError('InvalidParameters', 'InstanceIds or Targets must be provided.');
  if (ids.length > 50)
    throw validation(
      'instanceIds',
      `[${ids.length} ids]`,
      'Member must have length less than or equal to 50',
    );
  const timeout = input.TimeoutSeconds === undefined ? 3600 : Number(input.TimeoutSeconds);
  if (timeout < 30 || timeout > 2_592_000)
    throw validation('timeoutSeconds', timeout, 'Member must have value greater than or equal to 30');
  svc.authorize(caller, 'ssm:SendCommand', documentArn(r, acct, docName));
  for (const id of ids) {
    const arn = id.startsWith('mi-')
      ? `arn:aws:ssm:${r}:${acct}:managed-instance/${id}`
      : `arn:aws:ec2:${r}:${acct}:instance/${id}`;
    svc.authorize(caller, 'ssm:SendCommand', arn);
  }
  const doc = region.documents[docName];
  const type = AWS_DOCUMENTS[docName] ?? doc?.DocumentType;
  if (!type) throw new AwsError('InvalidDocument', `Document ${docName} does not exist`);
  if (type !== 'Command')
    throw new AwsError('InvalidDocument', `Document ${docName} is not a Command document`);
  const bad = ids.filter((i) => !region.instances[i]);
  if (bad.length)
    throw new AwsError(
      'InvalidInstanceId',
      `Instances [${bad.join(', ')}] not in a valid state for account ${acct}`,
    );
  const params = (input.Parameters as Record<string, string[]> | undefined) ?? {};
  if (doc && !(docName in AWS_DOCUMENTS)) checkCustomDocumentParameters(doc.versions.at(-1)!, params);
  if ((docName === 'AWS-RunShellScript' || docName === 'AWS-RunPowerShellScript') && !params.commands?.length)
    throw new AwsError('InvalidParameters', 'Parameters required: commands');
  const script = (params.commands ?? []).join('\n');
  const exit = /\bexit\s+([1-9]\d*)/.exec(script);
  const outcome: FakeCommand['outcome'] = {};
  for (const id of ids) {
    const online = region.instances[id]!.PingStatus === 'Online';
    const scripted = online
      ? svc.commandBehaviour?.({
          accountId: acct,
          documentName: docName,
          instanceId: id,
          parameters: params,
        })
      : undefined;
    outcome[id] = scripted
      ? {
          status: scripted.status,
          code: scripted.code ?? (scripted.status === 'Success' ? 0 : scripted.status === 'Failed' ? 1 : -1),
          stdout: scripted.stdout ?? '',
          stderr: scripted.stderr ?? '',
        }
      : !online
        ? { status: 'Failed', code: -1, stdout: '', stderr: 'Undeliverable: the node is not online' }
        : exit
          ? { status: 'Failed', code: Number(exit[1]), stdout: '', stderr: `script exited with ${exit[1]}` }
          : { status: 'Success', code: 0, stdout: `ran ${docName} on ${id}\n`, stderr: '' };
  }
  const cmd = {
    CommandId: randomUUID(),
    DocumentName: docName,
    Comment: input.Comment === undefined ? undefined : str(input.Comment),
    InstanceIds: ids,
    Parameters: params,
    RequestedDateTime: svc.now(),
    outcome,
  };
  region.commands[cmd.CommandId] = cmd;
  return {
    Command: {
      CommandId: cmd.CommandId,
      DocumentName: docName,
      DocumentVersion: '$DEFAULT',
      Comment: cmd.Comment,
      Parameters: params,
      InstanceIds: ids,
      Targets: targets,
      RequestedDateTime: secs(cmd.RequestedDateTime),
      Status: 'Pending',
      StatusDetails: 'Pending',
      TimeoutSeconds: timeout,
      TargetCount: ids.length,
      CompletedCount: 0,
      ErrorCount: 0,
      DeliveryTimedOutCount: 0,
      MaxConcurrency: '50',
      MaxErrors: '0',
    },
  };
}

/** Pending → InProgress → Success/Failed in steps of `stepMs`; nothing before the first step. */

export function invocation(
  svc: ServiceContext,
  cmd: Pick<FakeCommand, 'RequestedDateTime' | 'outcome'>,
  instanceId: string,
) {
  const age = svc.now() - cmd.RequestedDateTime;
  const o = cmd.outcome[instanceId]!;
  if (age < svc.stepMs) return null;
  if (age < 2 * svc.stepMs) return { status: 'Pending', code: -1, stdout: '', stderr: '' };
  const started = cmd.RequestedDateTime + 2 * svc.stepMs;
  if (age < 3 * svc.stepMs || o.status === 'InProgress')
    return { status: 'InProgress', code: -1, stdout: '', stderr: '', started };
  return {
    status: o.status,
    code: o.code,
    stdout: o.stdout,
    stderr: o.stderr,
    started,
    ended: cmd.RequestedDateTime + 3 * svc.stepMs,
  };
}

export function getCommandInvocation(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const any = `arn:aws:ssm:${r}:${acct}:*`;
  svc.authorize(caller, 'ssm:GetCommandInvocation', any);
  const cmd = region.commands[str(input.CommandId)];
  if (!cmd) throw new AwsError('InvalidCommandId', '');
  const instanceId = str(input.InstanceId);
  if (!cmd.InstanceIds.includes(instanceId))
    throw new AwsError('InvalidInstanceId', 'Instance Id is not valid');
  const inv = invocation(svc, cmd, instanceId);
  if (!inv) throw new AwsError('InvocationDoesNotExist', '');
  return {
    CommandId: cmd.CommandId,
    InstanceId: instanceId,
    Comment: cmd.Comment,
    DocumentName: cmd.DocumentName,
    DocumentVersion: '$DEFAULT',
    PluginName: 'aws:runShellScript',
    ResponseCode: inv.code,
    ExecutionStartDateTime: inv.started ? new Date(inv.started).toISOString() : '',
    ExecutionElapsedTime: inv.ended ? `PT${((inv.ended - inv.started!) / 1000).toFixed(3)}S` : '',
    ExecutionEndDateTime: inv.ended ? new Date(inv.ended).toISOString() : '',
    Status: inv.status,
    StatusDetails: inv.status,
    StandardOutputContent: inv.stdout,
    StandardOutputUrl: '',
    StandardErrorContent: inv.stderr,
    StandardErrorUrl: '',
  };
}

export function listCommandInvocations(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const any = `arn:aws:ssm:${r}:${acct}:*`;
  const op = 'ListCommandInvocations';
  svc.authorize(caller, 'ssm:ListCommandInvocations', any);
  const commandId = input.CommandId === undefined ? undefined : str(input.CommandId);
  const instanceId = input.InstanceId === undefined ? undefined : str(input.InstanceId);
  if (commandId && !region.commands[commandId]) throw new AwsError('InvalidCommandId', '');
  const items = Object.values(region.commands)
    .filter((c) => !commandId || c.CommandId === commandId)
    .sort((a, b) => a.RequestedDateTime - b.RequestedDateTime)
    .flatMap((c) =>
      c.InstanceIds.filter((i) => !instanceId || i === instanceId).flatMap((i) => {
        const inv = invocation(svc, c, i);
        if (!inv) return [];
        return [
          {
            CommandId: c.CommandId,
            InstanceId: i,
            InstanceName: region.instances[i]?.ComputerName ?? '',
            Comment: c.Comment,
            DocumentName: c.DocumentName,
            DocumentVersion: '$DEFAULT',
            RequestedDateTime: secs(c.RequestedDateTime),
            Status: inv.status,
            StatusDetails: inv.status,
            StandardOutputUrl: '',
            StandardErrorUrl: '',
            ...(input.Details
              ? {
                  CommandPlugins: [
                    {
                      Name: 'aws:runShellScript',
                      Status: inv.status,
                      ResponseCode: inv.code,
                      Output: inv.stdout + inv.stderr,
                    },
                  ],
                }
              : {}),
          },
        ];
      }),
    );
  const page = paginate(op, items, input, 1, 50, 50);
  return { CommandInvocations: page.items, NextToken: page.next };
}
