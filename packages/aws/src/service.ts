// The AWS connection services: onboarding artefacts, role ARN, test connection, hybrid activations
// and managed nodes. Plain arguments in, AppError out; callers have already checked tenancy.
import type { Tag } from '@aws-sdk/client-ssm';
import { encryptSecret } from '@aw/core/crypto';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { mapAwsError, type AwsErrorContext } from './errors.ts';
import { installCommands, type InstallCommands } from './install-commands.ts';
import type { AwsRuntime } from './runtime.ts';
import {
  createHybridActivation,
  deleteHybridActivation,
  describeAllActivations,
  describeAllInstances,
  probeRead,
} from './ssm.ts';
import {
  cloudFormationTemplate,
  MAX_SESSION_DURATION,
  PLATFORM_ROLE_NAME,
  quickCreateUrl,
  ROLE_ARN,
  STACK_NAME,
  terraformUsage,
} from './template.ts';
import { SESSION_SECONDS } from './credentials.ts';

export interface AwsSvc {
  prisma: PrismaClient;
  runtime: AwsRuntime;
  companyId: string;
  actorId?: string | null;
}

export const MAX_ACTIVATION_DAYS = 30;
export const TAG_COMPANY_ID = 'alert-whisperer:company-id';
export const TAG_COMPANY = 'alert-whisperer:company';
export const TAG_MSP_ID = 'alert-whisperer:msp-id';
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const INSTANCE_NAME = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

async function loadCompany(prisma: PrismaClient, companyId: string) {
  const company = await prisma.company.findUnique({
    where: { id: companyId },
    include: { msp: { select: { awsAccountId: true } } },
  });
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  return company;
}

type LoadedCompany = Awaited<ReturnType<typeof loadCompany>>;

function errorContext(c: LoadedCompany): AwsErrorContext {
  return {
    roleArn: c.awsRoleArn,
    externalId: c.awsExternalId,
    mspAccountId: c.msp.awsAccountId,
    region: c.awsRegion,
  };
}

async function audit(
  prisma: PrismaClient,
  c: { id: string; mspId: string },
  actorId: string | null | undefined,
  action: string,
  data: Record<string, string | number | boolean | null>,
) {
  await prisma.auditLog.create({
    data: {
      mspId: c.mspId,
      companyId: c.id,
      actorId: actorId ?? null,
      action,
      targetType: 'company',
      targetId: c.id,
      data,
    },
  });
}

async function aws<T>(c: LoadedCompany, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapAwsError(e, errorContext(c));
  }
}

// ─────────────────────────── onboarding ───────────────────────────

export interface OnboardingArtefacts {
  companyId: string;
  simulated: boolean;
  externalId: string;
  mspAccountId: string;
  region: string;
  roleArn: string | null;
  status: string;
  lastTestedAt: Date | null;
  lastError: string | null;
  sessionSeconds: number;
  expectedRoleName: string;
  cloudFormation: { fileName: string; body: string; stackName: string; quickCreateUrl: string | null };
  terraform: { usage: string; moduleSource: string };
}

export async function getOnboarding({ prisma, runtime, companyId }: AwsSvc): Promise<OnboardingArtefacts> {
  const c = await loadCompany(prisma, companyId);
  const mspAccountId = c.msp.awsAccountId ?? runtime.platformAccountId;
  if (!mspAccountId)
    throw new AppError(
      'BAD_REQUEST',
      'This deployment has no AWS account configured (PLATFORM_AWS_ACCOUNT_ID): AWS onboarding is unavailable, webhook-only mode works.',
    );
  const moduleSource = 'github.com/alert-whisperer/alert-whisperer//packages/aws/terraform';
  return {
    companyId: c.id,
    simulated: c.simulated,
    externalId: c.awsExternalId,
    mspAccountId,
    region: c.awsRegion,
    roleArn: c.awsRoleArn,
    status: c.awsStatus,
    lastTestedAt: c.awsLastTestedAt,
    lastError: c.awsLastError,
    sessionSeconds: SESSION_SECONDS,
    expectedRoleName: PLATFORM_ROLE_NAME,
    cloudFormation: {
      fileName: `alert-whisperer-${c.slug}.cfn.json`,
      body: JSON.stringify(cloudFormationTemplate({ externalId: c.awsExternalId, mspAccountId }), null, 2),
      stackName: STACK_NAME,
      quickCreateUrl: runtime.templateUrl
        ? quickCreateUrl({
            templateUrl: runtime.templateUrl,
            region: c.awsRegion,
            externalId: c.awsExternalId,
            mspAccountId,
          })
        : null,
    },
    terraform: {
      usage: terraformUsage({
        externalId: c.awsExternalId,
        mspAccountId,
        region: c.awsRegion,
        source: moduleSource,
      }),
      moduleSource,
    },
  };
}

export async function setRoleArn({
  prisma,
  runtime,
  companyId,
  actorId,
  input,
}: AwsSvc & { input: { roleArn: string; region?: string } }) {
  const roleArn = input.roleArn.trim();
  if (!ROLE_ARN.test(roleArn))
    throw new AppError(
      'BAD_REQUEST',
      'That is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>).',
      [{ field: 'roleArn', reason: 'format' }],
    );
  if (input.region !== undefined && !REGION.test(input.region))
    throw new AppError('BAD_REQUEST', `Unknown AWS region ${input.region}`, [
      { field: 'region', reason: 'format' },
    ]);
  const c = await loadCompany(prisma, companyId);
  const updated = await prisma.company.update({
    where: { id: c.id },
    data: {
      awsRoleArn: roleArn,
      awsRegion: input.region ?? c.awsRegion,
      awsStatus: 'PENDING',
      awsLastError: null,
    },
    select: { awsRoleArn: true, awsRegion: true, awsStatus: true },
  });
  runtime.credentials.invalidate(c.id);
  await audit(prisma, c, actorId, 'aws.role_arn.set', { roleArn, region: updated.awsRegion });
  return updated;
}

// ─────────────────────────── test connection ───────────────────────────

export interface ConnectionResult {
  ok: boolean;
  status: 'CONNECTED' | 'FAILED';
  testedAt: Date;
  error: string | null;
  /** Which step failed: assuming the role or the read call with its session. */
  stage: 'assume-role' | 'read' | null;
  accountId: string | null;
  nodesVisible: number | null;
  sessionExpiresAt: Date | null;
}

/** AssumeRole (fresh), then a read call; the outcome is stored on the company either way. */
export async function testConnection({
  prisma,
  runtime,
  companyId,
  actorId,
}: AwsSvc): Promise<ConnectionResult> {
  const c = await loadCompany(prisma, companyId);
  if (!c.awsRoleArn)
    throw new AppError('BAD_REQUEST', 'Set the role ARN from the CloudFormation stack output first.');
  runtime.credentials.invalidate(c.id);
  const target = runtime.forCompany(c);
  let stage: ConnectionResult['stage'] = 'assume-role';
  let result: ConnectionResult;
  const testedAt = new Date();
  try {
    const creds = await target.credentials();
    stage = 'read';
    const nodesVisible = await probeRead(target.ssm);
    result = {
      ok: true,
      status: 'CONNECTED',
      testedAt,
      error: null,
      stage: null,
      accountId: target.accountId,
      nodesVisible,
      sessionExpiresAt: creds.expiration ?? null,
    };
  } catch (e) {
    const mapped = mapAwsError(e, errorContext(c));
    result = {
      ok: false,
      status: 'FAILED',
      testedAt,
      error: mapped.message,
      stage,
      accountId: target.accountId,
      nodesVisible: null,
      sessionExpiresAt: null,
    };
  }
  await prisma.company.update({
    where: { id: c.id },
    data: { awsStatus: result.status, awsLastTestedAt: testedAt, awsLastError: result.error },
  });
  await audit(prisma, c, actorId, 'aws.connection.tested', {
    ok: result.ok,
    stage: result.stage,
    error: result.error,
  });
  return result;
}

// ─────────────────────────── hybrid activations ───────────────────────────

export interface CreateActivationInput {
  registrationLimit: number;
  /** At most 30 days ahead; default 7 days. */
  expiresAt?: Date;
  defaultInstanceName?: string;
  description?: string;
  siteId?: string;
  /** The `site` key whose operator asked (site activation); null when a person creates it. */
  apiKeyId?: string;
  /** Keep the code, encrypted with APP_ENCRYPTION_KEY (the operator may fetch it again). */
  keepCodeWithKey?: string;
}

export interface CreatedActivation {
  id: string;
  activationId: string;
  /** Shown once: not stored unless `keepCodeWithKey` was given (then only encrypted). */
  activationCode: string;
  region: string;
  iamRole: string;
  registrationLimit: number;
  defaultInstanceName: string | null;
  expiresAt: Date;
  commands: InstallCommands;
}

export function activationAad(companyId: string, activationId: string): string {
  return `hybrid-activation:${companyId}:${activationId}`;
}

export async function createActivation({
  prisma,
  runtime,
  companyId,
  actorId,
  input,
}: AwsSvc & { input: CreateActivationInput }): Promise<CreatedActivation> {
  const limit = input.registrationLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new AppError('BAD_REQUEST', 'Registration limit must be between 1 and 1000.', [
      { field: 'registrationLimit', reason: 'range' },
    ]);
  const now = Date.now();
  const expiresAt = input.expiresAt ?? new Date(now + 7 * 86_400_000);
  if (expiresAt.getTime() <= now || expiresAt.getTime() > now + MAX_ACTIVATION_DAYS * 86_400_000)
    throw new AppError('BAD_REQUEST', 'An activation expires at most 30 days from now.', [
      { field: 'expiresAt', reason: 'range' },
    ]);
  const name = input.defaultInstanceName?.trim() || undefined;
  if (name && !INSTANCE_NAME.test(name))
    throw new AppError(
      'BAD_REQUEST',
      'Default instance name: up to 256 letters, digits, spaces and _.:/=+-@.',
      [{ field: 'defaultInstanceName', reason: 'format' }],
    );
  const description = input.description?.trim().slice(0, 256) || undefined;
  const c = await loadCompany(prisma, companyId);
  const target = runtime.forCompany(c);
  const tags: Tag[] = [
    { Key: TAG_COMPANY_ID, Value: c.id },
    { Key: TAG_COMPANY, Value: c.slug },
    { Key: TAG_MSP_ID, Value: c.mspId },
  ];
  const created = await aws(c, () =>
    createHybridActivation(target.ssm, {
      iamRole: target.hybridRoleName,
      registrationLimit: limit,
      expiresAt,
      defaultInstanceName: name,
      description,
      tags,
    }),
  );
  const codeCiphertext = input.keepCodeWithKey
    ? await encryptSecret(
        created.activationCode,
        input.keepCodeWithKey,
        activationAad(c.id, created.activationId),
      )
    : null;
  const row = await prisma.hybridActivation.create({
    data: {
      mspId: c.mspId,
      companyId: c.id,
      siteId: input.siteId ?? null,
      activationId: created.activationId,
      codeCiphertext,
      iamRole: target.hybridRoleName,
      region: target.region,
      registrationLimit: limit,
      defaultInstanceName: name ?? null,
      expiresAt,
      createdById: actorId ?? null,
      apiKeyId: input.apiKeyId ?? null,
    },
  });
  await audit(prisma, c, actorId, 'aws.activation.created', {
    activationId: created.activationId,
    registrationLimit: limit,
    expiresAt: expiresAt.toISOString(),
    siteId: input.siteId ?? null,
    apiKeyId: input.apiKeyId ?? null,
  });
  return {
    id: row.id,
    activationId: created.activationId,
    activationCode: created.activationCode,
    region: target.region,
    iamRole: target.hybridRoleName,
    registrationLimit: limit,
    defaultInstanceName: name ?? null,
    expiresAt,
    commands: installCommands({
      activationCode: created.activationCode,
      activationId: created.activationId,
      region: target.region,
    }),
  };
}

export interface ActivationSummary {
  activationId: string;
  description: string | null;
  defaultInstanceName: string | null;
  iamRole: string;
  registrationLimit: number;
  registrationsCount: number;
  registrationsLeft: number;
  expiresAt: Date | null;
  expired: boolean;
  createdAt: Date | null;
  siteId: string | null;
  siteName: string | null;
  /** The `site` API key whose operator asked for it (null: created by a person or outside). */
  createdByKey: { id: string; name: string; prefix: string } | null;
  /** Created through Alert Whisperer (else made in the AWS console with the same role). */
  tracked: boolean;
}

/** Activations of the hybrid role as AWS reports them, with registrations used and left. */
export async function listActivations({ prisma, runtime, companyId }: AwsSvc): Promise<ActivationSummary[]> {
  const c = await loadCompany(prisma, companyId);
  const target = runtime.forCompany(c);
  const remote = await aws(c, () => describeAllActivations(target.ssm, target.hybridRoleName));
  const rows = await prisma.hybridActivation.findMany({
    where: { companyId: c.id, deletedAt: null },
    include: {
      site: { select: { name: true } },
      apiKey: { select: { id: true, name: true, prefix: true } },
    },
  });
  const byId = new Map(rows.map((r) => [r.activationId, r]));
  const seen = new Set<string>();
  const items: ActivationSummary[] = [];
  for (const a of remote) {
    if (!a.ActivationId) continue;
    seen.add(a.ActivationId);
    const row = byId.get(a.ActivationId);
    const used = a.RegistrationsCount ?? 0;
    const limit = a.RegistrationLimit ?? 1;
    if (row && row.registrationsCount !== used)
      await prisma.hybridActivation.update({ where: { id: row.id }, data: { registrationsCount: used } });
    items.push({
      activationId: a.ActivationId,
      description: a.Description ?? null,
      defaultInstanceName: a.DefaultInstanceName ?? null,
      iamRole: a.IamRole ?? target.hybridRoleName,
      registrationLimit: limit,
      registrationsCount: used,
      registrationsLeft: Math.max(0, limit - used),
      expiresAt: a.ExpirationDate ?? null,
      expired: a.Expired ?? false,
      createdAt: a.CreatedDate ?? null,
      siteId: row?.siteId ?? null,
      siteName: row?.site?.name ?? null,
      createdByKey: row?.apiKey ?? null,
      tracked: Boolean(row),
    });
  }
  const gone = rows.filter((r) => !seen.has(r.activationId) && r.region === target.region).map((r) => r.id);
  if (gone.length)
    await prisma.hybridActivation.updateMany({
      where: { id: { in: gone } },
      data: { deletedAt: new Date(), codeCiphertext: null },
    });
  return items.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
}

export async function deleteActivation({
  prisma,
  runtime,
  companyId,
  actorId,
  input,
}: AwsSvc & { input: { activationId: string } }): Promise<{ deleted: true }> {
  const c = await loadCompany(prisma, companyId);
  const target = runtime.forCompany(c);
  const row = await prisma.hybridActivation.findFirst({
    where: { companyId: c.id, activationId: input.activationId },
  });
  try {
    await deleteHybridActivation(target.ssm, input.activationId);
  } catch (e) {
    const mapped = mapAwsError(e, errorContext(c));
    // Already gone in AWS: forget our copy too.
    if (!(mapped.code === 'NOT_FOUND' && row)) throw mapped;
  }
  if (row)
    await prisma.hybridActivation.update({
      where: { id: row.id },
      data: { deletedAt: new Date(), codeCiphertext: null },
    });
  await audit(prisma, c, actorId, 'aws.activation.deleted', { activationId: input.activationId });
  return { deleted: true };
}

// ─────────────────────────── managed nodes ───────────────────────────

/** Reads every managed node (mi-* and EC2) from DescribeInstanceInformation into ManagedNode. */
export async function syncNodes({
  prisma,
  runtime,
  companyId,
  actorId,
}: AwsSvc): Promise<{ count: number; syncedAt: Date }> {
  const c = await loadCompany(prisma, companyId);
  const target = runtime.forCompany(c);
  const nodes = await aws(c, () => describeAllInstances(target.ssm));
  const syncedAt = new Date();
  const before = new Map(
    (await prisma.managedNode.findMany({ where: { companyId: c.id } })).map((n) => [n.instanceId, n]),
  );
  await prisma.$transaction(async (tx) => {
    for (const n of nodes) {
      if (!n.InstanceId) continue;
      // When a node came back Online (the runbook boot-grace guardrail counts from it); unknown on
      // first sight, kept while it stays Online.
      const prev = before.get(n.InstanceId);
      const onlineSince =
        n.PingStatus !== 'Online' || !prev
          ? null
          : prev.pingStatus === 'Online'
            ? prev.onlineSince
            : syncedAt;
      const data = {
        computerName: n.ComputerName ?? null,
        onlineSince,
        name: n.Name ?? n.ComputerName ?? null,
        pingStatus: n.PingStatus ?? 'Unknown',
        platformType: n.PlatformType ?? null,
        platformName: [n.PlatformName, n.PlatformVersion].filter(Boolean).join(' ') || null,
        agentVersion: n.AgentVersion ?? null,
        ipAddress: n.IPAddress ?? null,
        isHybrid: n.ResourceType === 'ManagedInstance' || n.InstanceId.startsWith('mi-'),
        activationId: n.ActivationId ?? null,
        lastPingAt: n.LastPingDateTime ?? null,
        syncedAt,
      };
      await tx.managedNode.upsert({
        where: { companyId_instanceId: { companyId: c.id, instanceId: n.InstanceId } },
        create: { mspId: c.mspId, companyId: c.id, instanceId: n.InstanceId, ...data },
        update: data,
      });
    }
    await tx.managedNode.deleteMany({ where: { companyId: c.id, syncedAt: { lt: syncedAt } } });
  });
  await audit(prisma, c, actorId, 'aws.nodes.synced', { count: nodes.length });
  return { count: nodes.length, syncedAt };
}

export async function listNodes({ prisma, companyId }: { prisma: PrismaClient; companyId: string }) {
  return prisma.managedNode.findMany({
    where: { companyId },
    orderBy: [{ name: 'asc' }, { instanceId: 'asc' }],
    select: {
      id: true,
      instanceId: true,
      name: true,
      pingStatus: true,
      platformType: true,
      platformName: true,
      agentVersion: true,
      ipAddress: true,
      isHybrid: true,
      activationId: true,
      lastPingAt: true,
      syncedAt: true,
    },
  });
}

export { MAX_SESSION_DURATION };
