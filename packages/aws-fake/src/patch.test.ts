import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstancePatchesCommand,
  DescribeInstancePatchStatesCommand,
  DescribePatchBaselinesCommand,
  ListComplianceSummariesCommand,
  ListResourceComplianceSummariesCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws, seedPatchFleet } from './index.ts';

const ACCOUNT = '444455556666';
const REGION = 'us-east-1';

describe('fake Patch Manager and S3', () => {
  const fake = new FakeAws();
  let endpoint = '';
  let full: { accessKeyId: string; secretAccessKey: string };
  let statesOnly: { accessKeyId: string; secretAccessKey: string };
  let ids: Record<string, string> = {};
  const ssm = (creds = full) =>
    new SSMClient({ region: REGION, endpoint, credentials: creds, maxAttempts: 1 });

  beforeAll(async () => {
    endpoint = await fake.start();
    fake.createAccount(ACCOUNT);
    full = fake.createUser(ACCOUNT, 'reader', [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['ssm:Describe*', 'ssm:List*'], Resource: '*' },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::exports/aw/*' },
        ],
      },
    ]);
    statesOnly = fake.createUser(ACCOUNT, 'narrow', [
      { Statement: [{ Effect: 'Allow', Action: 'ssm:DescribeInstancePatchStates', Resource: '*' }] },
    ]);
    ids = seedPatchFleet(fake, { accountId: ACCOUNT, region: REGION, iamRole: 'Hybrid', now: Date.now() });
    fake.createBucket(ACCOUNT, 'exports');
  });
  afterAll(() => fake.stop());

  it('reports patch states with counts derived from the patches, leaving out unscanned nodes', async () => {
    const out = await ssm().send(
      new DescribeInstancePatchStatesCommand({ InstanceIds: Object.values(ids), MaxResults: 50 }),
    );
    const states = out.InstancePatchStates!;
    expect(states).toHaveLength(8); // build-01 never scanned
    const app = states.find((s) => s.InstanceId === ids['app-01'])!;
    expect(app).toMatchObject({
      InstalledCount: 4,
      MissingCount: 3,
      FailedCount: 0,
      CriticalNonCompliantCount: 2,
      SecurityNonCompliantCount: 1,
      OtherNonCompliantCount: 0,
      Operation: 'Scan',
      BaselineId: 'pb-0e392de35e7c563b7',
      PatchGroup: 'linux-prod',
    });
    expect(app.OperationEndTime).toBeInstanceOf(Date);
    const api = states.find((s) => s.InstanceId === ids['api-01'])!;
    expect([api.InstalledPendingRebootCount, api.Operation]).toEqual([1, 'Install']);
    expect(ids['dc-01']).toMatch(/^mi-\w{17}$/);
  });

  it('paginates patch states and refuses more than 50 ids', async () => {
    const first = await ssm().send(
      new DescribeInstancePatchStatesCommand({ InstanceIds: Object.values(ids), MaxResults: 10 }),
    );
    expect(first.InstancePatchStates).toHaveLength(8);
    const many = Array.from({ length: 51 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    await expect(
      ssm().send(new DescribeInstancePatchStatesCommand({ InstanceIds: many })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 50'),
    });
  });

  it('filters a node’s patches by State and Severity and pages them', async () => {
    const missing = await ssm().send(
      new DescribeInstancePatchesCommand({
        InstanceId: ids['app-01'],
        Filters: [
          { Key: 'State', Values: ['Missing'] },
          { Key: 'Severity', Values: ['Critical'] },
        ],
      }),
    );
    expect(missing.Patches!.map((p) => p.KBId)).toEqual([
      'kernel.x86_64:0:6.1.112-122.189.amzn2023',
      'openssh.x86_64:0:8.7p1-8.amzn2023',
    ]);
    const p1 = await ssm().send(
      new DescribeInstancePatchesCommand({ InstanceId: ids['app-01'], MaxResults: 10 }),
    );
    expect([p1.Patches!.length, p1.NextToken]).toEqual([7, undefined]);
    await expect(
      ssm().send(
        new DescribeInstancePatchesCommand({
          InstanceId: ids['app-01'],
          Filters: [{ Key: 'Bogus', Values: ['x'] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidFilter' });
    await expect(
      ssm().send(new DescribeInstancePatchesCommand({ InstanceId: 'i-00000000000000000' })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceId' });
  });

  it('summarises compliance per resource and per type', async () => {
    const res = await ssm().send(
      new ListResourceComplianceSummariesCommand({
        Filters: [{ Key: 'Status', Values: ['NON_COMPLIANT'], Type: 'EQUAL' }],
      }),
    );
    const byId = new Map(res.ResourceComplianceSummaryItems!.map((r) => [r.ResourceId, r]));
    expect(byId.size).toBe(5);
    expect(byId.get(ids['app-01'])!.OverallSeverity).toBe('CRITICAL');
    expect(byId.get(ids['legacy-01'])!.OverallSeverity).toBe('LOW');
    const sum = await ssm().send(new ListComplianceSummariesCommand({}));
    expect(sum.ComplianceSummaryItems).toEqual([
      expect.objectContaining({
        ComplianceType: 'Patch',
        CompliantSummary: expect.objectContaining({ CompliantCount: 3 }),
        NonCompliantSummary: expect.objectContaining({
          NonCompliantCount: 5,
          SeveritySummary: expect.objectContaining({ CriticalCount: 2, HighCount: 2, LowCount: 1 }),
        }),
      }),
    ]);
    const baselines = await ssm().send(
      new DescribePatchBaselinesCommand({ Filters: [{ Key: 'OWNER', Values: ['AWS'] }] }),
    );
    expect(baselines.BaselineIdentities!.map((b) => b.BaselineName).sort()).toEqual([
      'AWS-AmazonLinux2023DefaultPatchBaseline',
      'AWS-DefaultPatchBaseline',
    ]);
  });

  it('checks each action against the policy and throttles on request', async () => {
    await expect(ssm(statesOnly).send(new ListComplianceSummariesCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    fake.throttle(1, { operation: 'DescribeInstancePatchStates' });
    await expect(
      ssm(statesOnly).send(new DescribeInstancePatchStatesCommand({ InstanceIds: [ids['web-01']!] })),
    ).rejects.toMatchObject({ name: 'ThrottlingException' });
    const ok = await ssm(statesOnly).send(
      new DescribeInstancePatchStatesCommand({ InstanceIds: [ids['web-01']!] }),
    );
    expect(ok.InstancePatchStates).toHaveLength(1);
  });

  it('a removed node disappears from every answer', async () => {
    fake.removeInstance(ACCOUNT, REGION, ids['web-02']!);
    const out = await ssm().send(
      new DescribeInstancePatchStatesCommand({ InstanceIds: [ids['web-02']!, ids['web-01']!] }),
    );
    expect(out.InstancePatchStates!.map((s) => s.InstanceId)).toEqual([ids['web-01']]);
    const sum = await ssm().send(new ListComplianceSummariesCommand({}));
    expect(sum.ComplianceSummaryItems![0]!.CompliantSummary!.CompliantCount).toBe(2);
  });

  it('stores a SigV4-signed S3 PutObject under the allowed prefix only', async () => {
    const s3 = (creds = full) =>
      new S3Client({
        region: REGION,
        endpoint,
        forcePathStyle: true,
        credentials: creds,
        maxAttempts: 1,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
    const put = await s3().send(
      new PutObjectCommand({
        Bucket: 'exports',
        Key: 'aw/2026/x y.jsonl',
        Body: '{"a":1}\n',
        ContentType: 'application/x-ndjson',
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(fake.state.accounts[ACCOUNT]!.buckets!.exports!.objects['aw/2026/x y.jsonl']).toMatchObject({
      body: '{"a":1}\n',
      contentType: 'application/x-ndjson',
    });
    await expect(
      s3().send(new PutObjectCommand({ Bucket: 'exports', Key: 'other/x', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(
      s3().send(new PutObjectCommand({ Bucket: 'nope', Key: 'aw/x', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    const forged = s3({
      accessKeyId: full.accessKeyId,
      secretAccessKey: 'wrong-secret-000000000000000000000000',
    });
    await expect(
      forged.send(new PutObjectCommand({ Bucket: 'exports', Key: 'aw/y', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    expect(Object.keys(fake.state.accounts[ACCOUNT]!.buckets!.exports!.objects)).toEqual([
      'aw/2026/x y.jsonl',
    ]);
  });
});
