// The runbook paths run with exactly the role the platform's CloudFormation template creates:
// installing the shipped documents, sending a Command document, finding a command by its comment
// after a crash, polling it, and starting, polling and stopping the Automation document. Every
// action those paths use is granted, and removing any one of them (or any resource it needs)
// breaks the path with an error naming the missing permission.
import {
  AwsRuntime,
  cloudFormationTemplate,
  getAutomation,
  getInvocation,
  listInvocations,
  mapAwsError,
  sendCommand,
  startAutomation,
  stopAutomation,
  upsertMspDocument,
  type AwsCompany,
  type CloudFormationTemplate,
} from '@aw/aws';
import { FakeAws, type CfnTemplate } from '@aw/aws-fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_DOCUMENTS, checkParameterValues } from './documents/index.ts';

const MSP = '111122223333';
const REGION = 'eu-west-1';
let clock = Date.now();
const fake = new FakeAws({ now: () => clock, stepMs: 1000 });
let msp: { accessKeyId: string; secretAccessKey: string };
let next = 610000000000;

beforeAll(async () => {
  await fake.start();
  fake.createAccount(MSP);
  msp = fake.createUser(MSP, 'platform');
});
afterAll(() => fake.stop());

async function runbookFlow(template: CloudFormationTemplate) {
  const accountId = String(next++);
  fake.createAccount(accountId);
  const externalId = `aw-${accountId}`;
  const outputs = fake.createStack(accountId, template as unknown as CfnTemplate, {
    parameters: { ExternalId: externalId, TrustedAccountId: MSP },
    region: REGION,
  });
  const runtime = new AwsRuntime({ fake: { endpoint: fake.endpoint, ...msp } });
  const company: AwsCompany = {
    id: `c-${accountId}`,
    slug: 'acme',
    simulated: true,
    awsRoleArn: outputs.RoleArn!,
    awsExternalId: externalId,
    awsRegion: REGION,
  };
  try {
    const t = runtime.forCompany(company);
    const ec2 = fake.addEc2Instance(accountId, REGION, { name: 'web-01' });
    const act = fake.seedActivation(accountId, REGION, { iamRole: t.hybridRoleName });
    const hybrid = fake.registerManagedInstance({ ...act, region: REGION });
    for (const d of SHIPPED_DOCUMENTS)
      await upsertMspDocument(t.ssm, { name: d.name, content: d.content, type: d.type });
    const disk = SHIPPED_DOCUMENTS.find((d) => d.name === 'MSP-DiskCleanup')!;
    const values = checkParameterValues(disk.content, {});
    if (!values.ok) throw new Error('defaults refused');
    const params = Object.fromEntries(Object.entries(values.values).map(([k, v]) => [k, [v]]));
    for (const id of [ec2, hybrid]) {
      const commandId = await sendCommand(t.ssm, {
        documentName: disk.name,
        instanceIds: [id],
        parameters: params,
        comment: `aw-exec:${id}`,
        timeoutSeconds: 600,
      });
      clock += 1000;
      const found = (await listInvocations(t.ssm, undefined, id)).find((i) => i.Comment === `aw-exec:${id}`);
      expect(found?.CommandId).toBe(commandId);
      clock += 3000;
      expect((await getInvocation(t.ssm, commandId, id)).status).toBe('Success');
    }
    const recovery = {
      documentName: 'MSP-ServiceRecovery',
      parameters: { InstanceId: [ec2], ServiceName: ['nginx'] },
      automationRoleArn: t.automationRoleArn,
    };
    const a = await startAutomation(t.ssm, recovery);
    expect((await getAutomation(t.ssm, a)).status).toBe('Pending');
    await stopAutomation(t.ssm, a);
    expect((await getAutomation(t.ssm, a)).status).toBe('Cancelled');
  } finally {
    runtime.destroy();
  }
}

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };
const statements = (tpl: CloudFormationTemplate) =>
  (
    tpl.Resources.PlatformRole!.Properties.Policies as unknown as {
      PolicyDocument: { Statement: Statement[] };
    }[]
  )[0]!.PolicyDocument.Statement;
const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

describe('the runbook paths need exactly these template permissions', () => {
  let used: string[] = [];
  it('run with the role the template creates', async () => {
    const before = fake.requests.length;
    await runbookFlow(cloudFormationTemplate());
    used = [
      ...new Set(
        fake.requests
          .slice(before)
          .filter((r) => r.service === 'ssm' && r.status === 200)
          .map((r) => `ssm:${r.operation}`),
      ),
    ].sort();
    expect(used).toEqual([
      'ssm:CreateDocument',
      'ssm:GetAutomationExecution',
      'ssm:GetCommandInvocation',
      'ssm:ListCommandInvocations',
      'ssm:SendCommand',
      'ssm:StartAutomationExecution',
      'ssm:StopAutomationExecution',
    ]);
    const granted = new Set(statements(cloudFormationTemplate()).flatMap((s) => asList(s.Action)));
    for (const a of [...used, 'iam:PassRole', 'ssm:UpdateDocument']) expect(granted.has(a), a).toBe(true);
  });

  // Each action the runbook paths use (plus passing the automation role), and each resource of the
  // statements that grant them, removed in turn.
  const variants: { label: string; action: string; mutate: (t: CloudFormationTemplate) => void }[] = [];
  const RUNBOOK_SIDS = [
    'ReadSsm',
    'RunCommand',
    'MspDocuments',
    'StartAutomation',
    'ControlAutomation',
    'PassSsmRoles',
  ];
  const NEEDED = new Set([
    'ssm:CreateDocument',
    'ssm:GetAutomationExecution',
    'ssm:GetCommandInvocation',
    'ssm:ListCommandInvocations',
    'ssm:SendCommand',
    'ssm:StartAutomationExecution',
    'ssm:StopAutomationExecution',
    'iam:PassRole',
  ]);
  for (const s of statements(cloudFormationTemplate()).filter((x) => RUNBOOK_SIDS.includes(x.Sid))) {
    for (const action of asList(s.Action).filter((a) => NEEDED.has(a)))
      variants.push({
        label: `without ${action}`,
        action,
        mutate: (t) => {
          const st = statements(t).find((x) => x.Sid === s.Sid)!;
          st.Action = asList(st.Action).filter((a) => a !== action);
          if (!st.Action.length) st.Action = 'ssm:NothingAtAll';
        },
      });
    const resources = asList(s.Resource);
    resources.forEach((r, i) => {
      const text = JSON.stringify(r);
      // AWS-Run*Script and AWS-RestartEC2Instance are the ad hoc and Automation-internal paths, not these.
      if (resources.length < 2 || /AWS-Run|AWS-RestartEC2Instance|HybridRole/.test(text)) return;
      variants.push({
        label: `${s.Sid} without resource ${text}`,
        action: asList(s.Action)[0]!,
        mutate: (t) => {
          const st = statements(t).find((x) => x.Sid === s.Sid)!;
          st.Resource = asList(st.Resource).filter((_x, j) => j !== i);
        },
      });
    });
  }

  it('covers every action the runbook paths use', () => {
    expect(new Set(variants.map((v) => v.action))).toEqual(NEEDED);
  });

  it.each(variants)('fails $label, naming the missing permission', async ({ action, mutate }) => {
    const t = cloudFormationTemplate();
    mutate(t);
    const err = await runbookFlow(t).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(mapAwsError(err).message).toContain(`missing the permission ${action}`);
  });
});
