// The CloudFormation template is the single statement of what the platform may do in a client's
// account. This test creates the fake role from the template (so it holds exactly the template's
// actions), runs every product call, and then removes each action and each resource in turn: every
// removal must break the flow, and the flow must use every action the template grants.
import { FakeAws, type CfnTemplate } from '@aw/aws-fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapAwsError } from './errors.ts';
import {
  existingNodes,
  listManagedNodes,
  openPatches,
  patchBaselines,
  patchStatesBatch,
  patchSummary,
  putExportObject,
  resourceSummaries,
  s3Client,
} from './patch-reads.ts';
import { AwsRuntime, type AwsCompany } from './runtime.ts';
import {
  createHybridActivation,
  deleteHybridActivation,
  deleteMspDocument,
  describeAllActivations,
  describeAllInstances,
  getAutomation,
  getInvocation,
  listInvocations,
  probeRead,
  sendCommand,
  startAutomation,
  stopAutomation,
  upsertMspDocument,
} from './ssm.ts';
import { cloudFormationTemplate, type CloudFormationTemplate } from './template.ts';

const MSP = '111122223333';
const REGION = 'eu-west-1';
const STEP = 1000;

let clock = Date.now();
const fake = new FakeAws({ now: () => clock, stepMs: STEP });
let msp: { accessKeyId: string; secretAccessKey: string };
let nextAccount = 500000000000;

beforeAll(async () => {
  await fake.start();
  fake.createAccount(MSP);
  msp = fake.createUser(MSP, 'platform');
});
afterAll(() => fake.stop());

function setup(template: CloudFormationTemplate) {
  const accountId = String(nextAccount++);
  fake.createAccount(accountId);
  const externalId = `aw-${accountId}`;
  const bucket = `aw-export-${accountId}`;
  fake.createBucket(accountId, bucket, REGION);
  const outputs = fake.createStack(accountId, template as unknown as CfnTemplate, {
    parameters: {
      ExternalId: externalId,
      TrustedAccountId: MSP,
      ComplianceExportBucket: bucket,
      ComplianceExportPrefix: 'compliance',
    },
    region: REGION,
  });
  const runtime = new AwsRuntime({ fake: { endpoint: fake.endpoint, ...msp } });
  const company: AwsCompany = {
    id: `company-${accountId}`,
    slug: 'acme',
    simulated: true,
    awsRoleArn: outputs.RoleArn!,
    awsExternalId: externalId,
    awsRegion: REGION,
  };
  return { accountId, runtime, company, bucket };
}

const commandDoc = (v: string) =>
  JSON.stringify({
    schemaVersion: '2.2',
    description: `Disk cleanup ${v}`,
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'clean',
        inputs: { runCommand: ['journalctl --vacuum-size=200M'] },
      },
    ],
  });
const automationDoc = JSON.stringify({
  schemaVersion: '0.3',
  assumeRole: '{{ AutomationAssumeRole }}',
  parameters: { AutomationAssumeRole: { type: 'String' } },
  mainSteps: [{ name: 'sleep', action: 'aws:sleep', inputs: { Duration: 'PT1S' } }],
});

/** Every AWS call the product makes, in the order a client's first day would make them. */
async function productFlow(template: CloudFormationTemplate) {
  const { accountId, runtime, company, bucket } = setup(template);
  const t = runtime.forCompany(company);
  await t.credentials();
  await probeRead(t.ssm);
  const act = await createHybridActivation(t.ssm, {
    iamRole: t.hybridRoleName,
    registrationLimit: 3,
    expiresAt: new Date(clock + 86_400_000),
    defaultInstanceName: 'acme-onprem',
    tags: [{ Key: 'alert-whisperer:company', Value: 'acme' }],
  });
  const linux = fake.registerManagedInstance({ ...act, region: REGION, platformType: 'Linux' });
  const windows = fake.registerManagedInstance({ ...act, region: REGION, platformType: 'Windows' });
  const ec2 = fake.addEc2Instance(accountId, REGION);
  expect((await describeAllActivations(t.ssm, t.hybridRoleName)).map((a) => a.RegistrationsCount)).toEqual([
    2,
  ]);
  expect((await describeAllInstances(t.ssm)).length).toBe(3);

  const c1 = await sendCommand(t.ssm, {
    documentName: 'AWS-RunShellScript',
    instanceIds: [linux, ec2],
    parameters: { commands: ['df -h'] },
  });
  await sendCommand(t.ssm, {
    documentName: 'AWS-RunPowerShellScript',
    instanceIds: [windows],
    parameters: { commands: ['Get-Volume'] },
  });
  expect(
    await upsertMspDocument(t.ssm, { name: 'MSP-DiskCleanup', content: commandDoc('1'), type: 'Command' }),
  ).toBe('created');
  expect(
    await upsertMspDocument(t.ssm, { name: 'MSP-DiskCleanup', content: commandDoc('2'), type: 'Command' }),
  ).toBe('updated');
  await sendCommand(t.ssm, { documentName: 'MSP-DiskCleanup', instanceIds: [linux], parameters: {} });

  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    seen.push((await getInvocation(t.ssm, c1, linux)).status);
    clock += STEP;
  }
  expect(seen).toEqual(['NotYet', 'Pending', 'InProgress', 'Success']);
  expect((await listInvocations(t.ssm, c1)).map((i) => i.Status)).toEqual(['Success', 'Success']);

  await upsertMspDocument(t.ssm, { name: 'MSP-RestartService', content: automationDoc, type: 'Automation' });
  const a1 = await startAutomation(t.ssm, {
    documentName: 'MSP-RestartService',
    parameters: {},
    automationRoleArn: t.automationRoleArn,
  });
  const a2 = await startAutomation(t.ssm, {
    documentName: 'AWS-RestartEC2Instance',
    parameters: { InstanceId: [ec2] },
    automationRoleArn: t.automationRoleArn,
  });
  expect((await getAutomation(t.ssm, a1)).status).toBe('Pending');
  await stopAutomation(t.ssm, a2);
  clock += STEP;
  expect((await getAutomation(t.ssm, a1)).status).toBe('InProgress');
  clock += STEP;
  expect((await getAutomation(t.ssm, a1)).status).toBe('Success');
  expect((await getAutomation(t.ssm, a2)).status).toBe('Cancelled');

  // Patch compliance: the sync's reads and the daily export.
  const node = (kb: string) => ({
    BaselineId: 'pb-0123456789abcdef0',
    PatchGroup: 'prod',
    Operation: 'Scan' as const,
    OperationStartTime: clock - 60_000,
    OperationEndTime: clock,
    SnapshotId: 'snap',
    patches: [
      { Title: kb, KBId: kb, Classification: 'Security', Severity: 'Critical', State: 'MISSING' as const },
    ],
  });
  fake.setPatchState(accountId, REGION, linux, node('kernel'));
  fake.setPatchState(accountId, REGION, windows, node('KB5044281'));
  fake.addPatchBaseline(accountId, REGION, {
    BaselineId: 'pb-0123456789abcdef0',
    BaselineName: 'AWS-DefaultPatchBaseline',
    OperatingSystem: 'WINDOWS',
    BaselineDescription: '',
    DefaultBaseline: true,
    owner: 'AWS',
  });
  const retry = { sleep: async () => {}, random: () => 0, attempts: 1 };
  const listed = await listManagedNodes(t.ssm, retry);
  const states = await patchStatesBatch(
    t.ssm,
    listed.map((n) => n.InstanceId!),
    retry,
  );
  expect(states.map((s) => s.CriticalNonCompliantCount)).toEqual([1, 1]);
  expect([...(await existingNodes(t.ssm, [ec2], retry))]).toEqual([ec2]);
  expect((await openPatches(t.ssm, linux, retry)).map((p) => p.KBId)).toEqual(['kernel']);
  expect((await patchSummary(t.ssm, retry))?.NonCompliantSummary?.NonCompliantCount).toBe(2);
  expect((await resourceSummaries(t.ssm, retry)).size).toBe(2);
  expect((await patchBaselines(t.ssm, retry)).length).toBe(1);
  const s3 = s3Client({ region: REGION, credentials: t.credentials, endpoint: fake.endpoint });
  await putExportObject(s3, {
    bucket,
    key: 'compliance/manifest.json',
    body: '{}',
    contentType: 'application/json',
  });
  s3.destroy();

  await deleteMspDocument(t.ssm, 'MSP-DiskCleanup');
  await deleteMspDocument(t.ssm, 'MSP-RestartService');
  await deleteHybridActivation(t.ssm, act.activationId);
  runtime.destroy();
}

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };
type Policy = { PolicyDocument: { Statement: Statement[] } };
/** Every statement of the role's policies; the export's policy sits behind its Fn::If (taken on). */
const policyStatements = (tpl: CloudFormationTemplate) =>
  (
    tpl.Resources.PlatformRole!.Properties.Policies as unknown as (
      Policy | { 'Fn::If': [string, Policy, unknown] }
    )[]
  ).flatMap((p) => ('Fn::If' in p ? p['Fn::If'][1] : p).PolicyDocument.Statement);
const asList = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

describe('the CloudFormation template grants exactly what the product uses', () => {
  it('runs every product call with the role the template creates', async () => {
    const before = fake.requests.length;
    await productFlow(cloudFormationTemplate());
    const calls = fake.requests.slice(before).filter((r) => r.status === 200);
    const used = new Set(calls.map((r) => `${r.service}:${r.operation}`));
    // Implied by the calls: passing the hybrid role (CreateActivation) and the automation role,
    // tagging on create (CreateActivation with Tags).
    used.add('iam:PassRole');
    used.add('ssm:AddTagsToResource');
    used.delete('sts:AssumeRole');
    const granted = new Set(policyStatements(cloudFormationTemplate()).flatMap((s) => asList(s.Action)));
    expect([...used].sort()).toEqual([...granted].sort());
  });

  const variants: { label: string; action: string; mutate: (t: CloudFormationTemplate) => void }[] = [];
  for (const s of policyStatements(cloudFormationTemplate())) {
    for (const action of asList(s.Action)) {
      variants.push({
        label: `without ${action}`,
        action,
        mutate: (t) => {
          const st = policyStatements(t).find((x) => x.Sid === s.Sid)!;
          st.Action = asList(st.Action).filter((a) => a !== action);
          if (!st.Action.length) st.Action = 'ssm:NothingAtAll';
        },
      });
    }
    const resources = asList(s.Resource);
    if (resources.length > 1)
      resources.forEach((r, i) =>
        variants.push({
          label: `${s.Sid} without resource ${JSON.stringify(r)}`,
          action: asList(s.Action)[0]!,
          mutate: (t) => {
            const st = policyStatements(t).find((x) => x.Sid === s.Sid)!;
            st.Resource = asList(st.Resource).filter((_x, j) => j !== i);
          },
        }),
      );
  }

  it('grants s3:PutObject only when an export bucket is given, and only under its prefix', async () => {
    const accountId = String(nextAccount++);
    fake.createAccount(accountId);
    fake.createStack(accountId, cloudFormationTemplate() as unknown as CfnTemplate, {
      parameters: { ExternalId: 'aw-x', TrustedAccountId: MSP },
      region: REGION,
    });
    const off = fake.state.accounts[accountId]!.roles['AlertWhisperer-Access']!.policies;
    expect(JSON.stringify(off)).not.toContain('s3:');
    const { runtime, company, bucket } = setup(cloudFormationTemplate());
    const t = runtime.forCompany(company);
    const s3 = s3Client({ region: REGION, credentials: t.credentials, endpoint: fake.endpoint });
    const err = await putExportObject(s3, {
      bucket,
      key: 'elsewhere/x.csv',
      body: 'x',
      contentType: 'text/csv',
    }).catch((e: unknown) => e);
    expect(mapAwsError(err).message).toContain('missing the permission s3:PutObject');
    s3.destroy();
    runtime.destroy();
  });

  it('covers every action and resource of the template', () => {
    expect(variants.length).toBeGreaterThanOrEqual(30);
  });

  it.each(variants)('fails $label, naming the missing permission', async ({ action, mutate }) => {
    const t = cloudFormationTemplate();
    mutate(t);
    const err = await productFlow(t).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect((err as { name: string }).name).toMatch(/^AccessDenied/);
    expect(mapAwsError(err).message).toContain(`missing the permission ${action}`);
  });
});
