import {
  CreateActivationCommand,
  CreateDocumentCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  GetAutomationExecutionCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws } from './index.ts';

const MSP = '111122223333';
const CLIENT = '444455556666';

describe('fake AWS speaks the real wire protocols', () => {
  const fake = new FakeAws({ stepMs: 50 });
  let endpoint = '';
  let keys: { accessKeyId: string; secretAccessKey: string };
  const trust = (externalId: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow' as const,
        Principal: { AWS: `arn:aws:iam::${MSP}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  });

  beforeAll(async () => {
    endpoint = await fake.start();
    fake.createAccount(MSP);
    fake.createAccount(CLIENT);
    keys = fake.createUser(MSP, 'platform');
    fake.createRole(CLIENT, {
      name: 'Reader',
      trust: trust('ext-123'),
      policies: [
        { Statement: [{ Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' }] },
      ],
      managedPolicyArns: [],
      maxSessionDuration: 3600,
    });
  });
  afterAll(() => fake.stop());

  const sts = (creds = keys) => new STSClient({ region: 'us-east-1', endpoint, credentials: creds });

  it('answers GetCallerIdentity for a signed request', async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe(MSP);
    expect(out.Arn).toBe(`arn:aws:iam::${MSP}:user/platform`);
  });

  it('rejects a request signed with the wrong secret (SigV4)', async () => {
    const bad = sts({ accessKeyId: keys.accessKeyId, secretAccessKey: 'not-the-secret' });
    await expect(bad.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint,
      credentials: { ...keys, secretAccessKey: 'nope' },
    });
    await expect(ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
  });

  it('rejects an unknown access key and a missing session token', async () => {
    await expect(
      sts({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(
        new GetCallerIdentityCommand({}),
      ),
    ).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    const out = await sts().send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${CLIENT}:role/Reader`,
        RoleSessionName: 's1',
        ExternalId: 'ext-123',
        DurationSeconds: 900,
      }),
    );
    const noToken = new SSMClient({
      region: 'us-east-1',
      endpoint,
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
      },
    });
    await expect(noToken.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('enforces the trust policy, the External ID and DurationSeconds 900-43200', async () => {
    const base = { RoleArn: `arn:aws:iam::${CLIENT}:role/Reader`, RoleSessionName: 'aw-test' };
    const ok = await sts().send(
      new AssumeRoleCommand({ ...base, ExternalId: 'ext-123', DurationSeconds: 900 }),
    );
    expect(ok.Credentials?.SessionToken).toBeTruthy();
    expect(ok.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${CLIENT}:assumed-role/Reader/aw-test`);
    expect(ok.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(890_000);
    await expect(sts().send(new AssumeRoleCommand({ ...base, ExternalId: 'wrong' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(sts().send(new AssumeRoleCommand(base))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      sts().send(new AssumeRoleCommand({ ...base, ExternalId: 'ext-123', DurationSeconds: 600 })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('greater than or equal to 900'),
    });
    await expect(
      sts().send(new AssumeRoleCommand({ ...base, ExternalId: 'ext-123', DurationSeconds: 7200 })),
    ).rejects.toMatchObject({ message: expect.stringContaining('MaxSessionDuration') });
    const other = fake.createUser(CLIENT, 'stranger');
    await expect(
      sts(other).send(new AssumeRoleCommand({ ...base, ExternalId: 'ext-123' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('grants an assumed role only the actions its policy lists', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${CLIENT}:role/Reader`,
        RoleSessionName: 's2',
        ExternalId: 'ext-123',
        DurationSeconds: 900,
      }),
    );
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint,
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      },
    });
    await expect(ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }))).resolves.toMatchObject({
      InstanceInformationList: [],
    });
    await expect(ssm.send(new DescribeActivationsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('ssm:DescribeActivations'),
    });
    await expect(ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 2 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('throttles on request and the SDK retry absorbs it', async () => {
    fake.throttle(2, { service: 'sts', operation: 'GetCallerIdentity' });
    const before = fake.requests.length;
    await expect(sts().send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: MSP });
    expect(fake.requests.slice(before).map((r) => r.status)).toEqual([400, 400, 200]);
  });

  describe('SSM limits, pagination and status transitions', () => {
    let clock = Date.now();
    const timed = new FakeAws({ now: () => clock, stepMs: 1000 });
    let ssm: SSMClient;
    const acct = '777788889999';
    beforeAll(async () => {
      const ep = await timed.start();
      timed.createAccount(acct);
      const admin = timed.createUser(acct, 'admin', [
        { Statement: [{ Effect: 'Allow', Action: ['ssm:*', 'iam:PassRole'], Resource: '*' }] },
      ]);
      timed.createRole(acct, {
        name: 'Hybrid',
        trust: {
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        policies: [],
        managedPolicyArns: [],
        maxSessionDuration: 3600,
      });
      ssm = new SSMClient({ region: 'us-east-1', endpoint: ep, credentials: admin, maxAttempts: 1 });
    });
    afterAll(() => timed.stop());

    it('enforces RegistrationLimit, expiry, role trust and document names', async () => {
      const ok = { IamRole: 'Hybrid', ExpirationDate: new Date(clock + 86_400_000) };
      await expect(
        ssm.send(new CreateActivationCommand({ ...ok, RegistrationLimit: 0 })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(
        ssm.send(new CreateActivationCommand({ ...ok, RegistrationLimit: 1001 })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(
        ssm.send(new CreateActivationCommand({ ...ok, ExpirationDate: new Date(clock + 31 * 86_400_000) })),
      ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('30 days') });
      await expect(ssm.send(new CreateActivationCommand({ ...ok, IamRole: 'Nope' }))).rejects.toMatchObject({
        message: expect.stringContaining('Nonexistent role'),
      });
      const act = await ssm.send(new CreateActivationCommand({ ...ok, RegistrationLimit: 1 }));
      const reg = {
        activationId: act.ActivationId!,
        activationCode: act.ActivationCode!,
        region: 'us-east-1',
      };
      expect(timed.registerManagedInstance(reg)).toMatch(/^mi-[0-9a-f]{17}$/);
      expect(() => timed.registerManagedInstance(reg)).toThrow(/limit/);
      expect(() => timed.registerManagedInstance({ ...reg, activationCode: 'wrong' })).toThrow(/code/);
      for (const Name of ['AWS-Mine', 'x', 'bad name!'])
        await expect(
          ssm.send(new CreateDocumentCommand({ Name, Content: '{}', DocumentType: 'Command' })),
        ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('paginates with NextToken and rejects a forged token', async () => {
      for (let i = 0; i < 12; i++) timed.addEc2Instance(acct, 'us-east-1');
      const first = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
      expect(first.InstanceInformationList).toHaveLength(5);
      const ids = new Set(first.InstanceInformationList!.map((i) => i.InstanceId));
      let token = first.NextToken;
      while (token) {
        const page = await ssm.send(
          new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: token }),
        );
        page.InstanceInformationList!.forEach((i) => ids.add(i.InstanceId));
        token = page.NextToken;
      }
      expect(ids.size).toBe(13);
      await expect(
        ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: 'forged' })),
      ).rejects.toMatchObject({ name: 'InvalidNextToken' });
    });

    it('moves a failing command and automation to Failed', async () => {
      const node = timed.addEc2Instance(acct, 'us-east-1');
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [node],
          Parameters: { commands: ['exit 3'] },
        }),
      );
      expect(sent.Command?.Status).toBe('Pending');
      const get = () =>
        ssm.send(new GetCommandInvocationCommand({ CommandId: sent.Command!.CommandId!, InstanceId: node }));
      await expect(get()).rejects.toMatchObject({ name: 'InvocationDoesNotExist' });
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock += 1000;
        seen.push((await get()).Status!);
      }
      expect(seen).toEqual(['Pending', 'InProgress', 'Failed']);
      expect((await get()).ResponseCode).toBe(3);
      const started = await ssm.send(
        new StartAutomationExecutionCommand({
          DocumentName: 'AWS-RestartEC2Instance',
          Parameters: { InstanceId: ['i-00000000000000000'] },
        }),
      );
      const status = async () =>
        (
          await ssm.send(
            new GetAutomationExecutionCommand({ AutomationExecutionId: started.AutomationExecutionId! }),
          )
        ).AutomationExecution!;
      expect((await status()).AutomationExecutionStatus).toBe('Pending');
      clock += 1000;
      expect((await status()).AutomationExecutionStatus).toBe('InProgress');
      clock += 1000;
      expect(await status()).toMatchObject({
        AutomationExecutionStatus: 'Failed',
        FailureMessage: expect.stringContaining('not valid'),
      });
    });
  });
});
