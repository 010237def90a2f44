// Every SSM call the product makes, in one place, so the template's permissions can be checked
// against them (see template-permissions.integration.test.ts). Errors are mapped by the callers.
import {
  CreateActivationCommand,
  CreateDocumentCommand,
  DeleteActivationCommand,
  DeleteDocumentCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  GetAutomationExecutionCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
  UpdateDocumentCommand,
  type Activation,
  type CommandInvocation,
  type InstanceInformation,
  type SSMClient,
  type Tag,
} from '@aws-sdk/client-ssm';

export async function describeAllInstances(ssm: SSMClient): Promise<InstanceInformation[]> {
  const out: InstanceInformation[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken }));
    out.push(...(page.InstanceInformationList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** The cheapest read call: proves the session works and the role can read SSM. */
export async function probeRead(ssm: SSMClient): Promise<number> {
  const page = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
  return page.InstanceInformationList?.length ?? 0;
}

export async function createHybridActivation(
  ssm: SSMClient,
  input: {
    iamRole: string;
    registrationLimit: number;
    expiresAt: Date;
    defaultInstanceName?: string;
    description?: string;
    tags: Tag[];
  },
): Promise<{ activationId: string; activationCode: string }> {
  const out = await ssm.send(
    new CreateActivationCommand({
      IamRole: input.iamRole,
      RegistrationLimit: input.registrationLimit,
      ExpirationDate: input.expiresAt,
      DefaultInstanceName: input.defaultInstanceName,
      Description: input.description,
      Tags: input.tags,
    }),
  );
  if (!out.ActivationId || !out.ActivationCode) throw new Error('CreateActivation returned no id or code');
  return { activationId: out.ActivationId, activationCode: out.ActivationCode };
}

export async function describeAllActivations(ssm: SSMClient, iamRole?: string): Promise<Activation[]> {
  const out: Activation[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeActivationsCommand({
        MaxResults: 50,
        NextToken,
        ...(iamRole ? { Filters: [{ FilterKey: 'IamRole', FilterValues: [iamRole] }] } : {}),
      }),
    );
    out.push(...(page.ActivationList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

export async function deleteHybridActivation(ssm: SSMClient, activationId: string): Promise<void> {
  await ssm.send(new DeleteActivationCommand({ ActivationId: activationId }));
}

export async function sendCommand(
  ssm: SSMClient,
  input: {
    documentName: string;
    instanceIds: string[];
    parameters: Record<string, string[]>;
    comment?: string;
    timeoutSeconds?: number;
  },
): Promise<string> {
  const out = await ssm.send(
    new SendCommandCommand({
      DocumentName: input.documentName,
      DocumentVersion: input.documentName.startsWith('MSP-') ? '$LATEST' : undefined,
      InstanceIds: input.instanceIds,
      Parameters: input.parameters,
      Comment: input.comment?.slice(0, 100),
      TimeoutSeconds: input.timeoutSeconds,
    }),
  );
  return out.Command!.CommandId!;
}

export type InvocationState =
  | { status: 'NotYet' }
  | { status: string; responseCode?: number; stdout: string; stderr: string; outputUrl?: string };

/** A command's result on one node; `NotYet` while AWS answers InvocationDoesNotExist. */
export async function getInvocation(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
): Promise<InvocationState> {
  try {
    const out = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    return {
      status: out.Status ?? 'Pending',
      responseCode: out.ResponseCode,
      stdout: out.StandardOutputContent ?? '',
      stderr: out.StandardErrorContent ?? '',
      outputUrl: out.StandardOutputUrl || undefined,
    };
  } catch (e) {
    if ((e as { name?: string }).name === 'InvocationDoesNotExist') return { status: 'NotYet' };
    throw e;
  }
}

/** Invocations of one command, or (commandId undefined) every recent command on one node. */
export async function listInvocations(
  ssm: SSMClient,
  commandId: string | undefined,
  instanceId?: string,
): Promise<CommandInvocation[]> {
  const out: CommandInvocation[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new ListCommandInvocationsCommand({
        CommandId: commandId,
        InstanceId: instanceId,
        NextToken,
        MaxResults: 50,
      }),
    );
    out.push(...(page.CommandInvocations ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** Creates or updates an MSP-* document (a new version when the content changed). */
export async function upsertMspDocument(
  ssm: SSMClient,
  input: { name: string; content: string; type: 'Command' | 'Automation' },
): Promise<'created' | 'updated' | 'unchanged'> {
  if (!/^MSP-[a-zA-Z0-9_.-]{1,124}$/.test(input.name))
    throw new Error(`document names must start with MSP-: ${input.name}`);
  try {
    await ssm.send(
      new CreateDocumentCommand({
        Name: input.name,
        Content: input.content,
        DocumentType: input.type,
        DocumentFormat: 'JSON',
      }),
    );
    return 'created';
  } catch (e) {
    if ((e as { name?: string }).name !== 'DocumentAlreadyExists') throw e;
  }
  try {
    await ssm.send(
      new UpdateDocumentCommand({
        Name: input.name,
        Content: input.content,
        DocumentVersion: '$LATEST',
        DocumentFormat: 'JSON',
      }),
    );
    return 'updated';
  } catch (e) {
    if ((e as { name?: string }).name === 'DuplicateDocumentContent') return 'unchanged';
    throw e;
  }
}

export async function deleteMspDocument(ssm: SSMClient, name: string): Promise<void> {
  await ssm.send(new DeleteDocumentCommand({ Name: name }));
}

export async function startAutomation(
  ssm: SSMClient,
  input: { documentName: string; parameters: Record<string, string[]>; automationRoleArn: string },
): Promise<string> {
  const out = await ssm.send(
    new StartAutomationExecutionCommand({
      DocumentName: input.documentName,
      Parameters: { ...input.parameters, AutomationAssumeRole: [input.automationRoleArn] },
    }),
  );
  return out.AutomationExecutionId!;
}

export async function getAutomation(
  ssm: SSMClient,
  id: string,
): Promise<{ status: string; failureMessage?: string; outputs?: Record<string, string[]> }> {
  const out = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
  const a = out.AutomationExecution;
  return {
    status: a?.AutomationExecutionStatus ?? 'Pending',
    failureMessage: a?.FailureMessage,
    outputs: a?.Outputs,
  };
}

export async function stopAutomation(ssm: SSMClient, id: string): Promise<void> {
  await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id }));
}
