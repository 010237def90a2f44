// What the portal reads and changes around runbooks: executions, policies, kill switches, the
// incident panel (candidate runbooks with their parameters prefilled) and ad hoc runs. Callers pass
// the tenant scope from the session; every query filters by it.
import { AppError } from '@aw/core/errors';
import type { Prisma, PrismaClient } from '@aw/db';
import { ensureRunbooks, shippedDocument } from './catalog.ts';
import type { RunbookDeps } from './deps.ts';
import { SHIPPED_DOCUMENTS, documentParameters } from './documents/index.ts';
import { MANUAL_LIMITS, requestExecution } from './executions.ts';
import { stringLabels, templateParameters } from './policy.ts';

export interface Scope {
  mspId: string;
  companyId?: string;
}

const scoped = (s: Scope) => ({ mspId: s.mspId, ...(s.companyId ? { companyId: s.companyId } : {}) });

export const EXECUTION_SELECT = {
  id: true,
  companyId: true,
  incidentId: true,
  policyId: true,
  status: true,
  automatic: true,
  asset: true,
  instanceId: true,
  targetSource: true,
  parameters: true,
  commandId: true,
  automationExecutionId: true,
  output: true,
  outputUrl: true,
  error: true,
  escalated: true,
  requestedById: true,
  approvedById: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  verifyUntil: true,
  runbook: { select: { id: true, name: true, kind: true } },
  company: { select: { name: true } },
} satisfies Prisma.RunbookExecutionSelect;

export async function listExecutions(
  prisma: PrismaClient,
  scope: Scope,
  filter: { companyId?: string; incidentId?: string; status?: string[]; limit?: number } = {},
) {
  return prisma.runbookExecution.findMany({
    where: {
      ...scoped(scope),
      ...(filter.companyId ? { companyId: filter.companyId } : {}),
      ...(filter.incidentId ? { incidentId: filter.incidentId } : {}),
      ...(filter.status?.length ? { status: { in: filter.status as never } } : {}),
    },
    orderBy: { createdAt: 'desc' },
    take: Math.min(filter.limit ?? 100, 500),
    select: EXECUTION_SELECT,
  });
}

export async function listPolicies(prisma: PrismaClient, scope: Scope, companyId: string) {
  return prisma.runbookPolicy.findMany({
    where: { ...scoped(scope), companyId },
    orderBy: { createdAt: 'asc' },
    include: { runbook: { select: { name: true, documentName: true } } },
  });
}

export interface PolicyInput {
  id?: string;
  companyId: string;
  runbookName: string;
  signature: string;
  asset?: string | null;
  labelMatchers?: Record<string, string>;
  parameters?: Record<string, string>;
  mode: 'AUTO' | 'APPROVAL' | 'DISABLED';
  maxPerHour?: number;
  cooldownMinutes?: number;
  bootGraceMinutes?: number;
  timeoutSeconds?: number;
  maxConcurrent?: number;
  verifyMinutes?: number;
  enabled?: boolean;
}

/** Creates or updates a policy; parameter names must belong to the document. */
export async function savePolicy(prisma: PrismaClient, mspId: string, actorId: string, input: PolicyInput) {
  const company = await prisma.company.findFirst({ where: { id: input.companyId, mspId } });
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  const runbooks = await ensureRunbooks(prisma, mspId);
  const runbook = runbooks.find((r) => r.name === input.runbookName);
  if (!runbook) throw new AppError('BAD_REQUEST', `unknown runbook ${input.runbookName}`);
  const declared = documentParameters(shippedDocument(runbook.documentName).content);
  for (const k of Object.keys(input.parameters ?? {}))
    if (!(k in declared) || k === 'AutomationAssumeRole' || k === 'InstanceId')
      throw new AppError('BAD_REQUEST', `parameters.${k}: not a parameter of ${runbook.name}`);
  const data = {
    runbookId: runbook.id,
    signature: input.signature,
    asset: input.asset || null,
    labelMatchers: input.labelMatchers ?? {},
    parameters: input.parameters ?? {},
    mode: input.mode,
    maxPerHour: input.maxPerHour ?? 3,
    cooldownMinutes: input.cooldownMinutes ?? 30,
    bootGraceMinutes: input.bootGraceMinutes ?? 10,
    timeoutSeconds: input.timeoutSeconds ?? 900,
    maxConcurrent: input.maxConcurrent ?? 2,
    verifyMinutes: input.verifyMinutes ?? 5,
    enabled: input.enabled ?? true,
  };
  const policy = input.id
    ? await (async () => {
        const n = await prisma.runbookPolicy.updateMany({
          where: { id: input.id, mspId, companyId: company.id },
          data,
        });
        if (!n.count) throw new AppError('NOT_FOUND', 'policy not found');
        return prisma.runbookPolicy.findUniqueOrThrow({ where: { id: input.id } });
      })()
    : await prisma.runbookPolicy
        .create({ data: { mspId, companyId: company.id, ...data } })
        .catch((e: { code?: string }) => {
          if (e.code === 'P2002')
            throw new AppError(
              'CONFLICT',
              'this company already has a policy for that runbook and signature',
            );
          throw e;
        });
  await prisma.auditLog.create({
    data: {
      mspId,
      companyId: company.id,
      actorId,
      action: input.id ? 'runbook.policy.updated' : 'runbook.policy.created',
      targetType: 'runbook_policy',
      targetId: policy.id,
      data: { ...data, runbook: runbook.name } as Prisma.InputJsonValue,
    },
  });
  return policy;
}

export async function deletePolicy(prisma: PrismaClient, mspId: string, actorId: string, id: string) {
  const p = await prisma.runbookPolicy.findFirst({ where: { id, mspId } });
  if (!p) throw new AppError('NOT_FOUND', 'policy not found');
  await prisma.runbookPolicy.delete({ where: { id } });
  await prisma.auditLog.create({
    data: {
      mspId,
      companyId: p.companyId,
      actorId,
      action: 'runbook.policy.deleted',
      targetType: 'runbook_policy',
      targetId: id,
    },
  });
  return { deleted: true };
}

/** The kill switch of one company (companyId) or of the whole MSP. */
export async function setKillSwitch(
  prisma: PrismaClient,
  input: { mspId: string; companyId?: string; paused: boolean; actorId: string },
) {
  if (input.companyId) {
    const n = await prisma.company.updateMany({
      where: { id: input.companyId, mspId: input.mspId },
      data: { runbooksPaused: input.paused },
    });
    if (!n.count) throw new AppError('NOT_FOUND', 'company not found');
  } else await prisma.msp.update({ where: { id: input.mspId }, data: { runbooksPaused: input.paused } });
  await prisma.auditLog.create({
    data: {
      mspId: input.mspId,
      companyId: input.companyId ?? null,
      actorId: input.actorId,
      action: input.paused ? 'runbook.kill_switch.on' : 'runbook.kill_switch.off',
      targetType: input.companyId ? 'company' : 'msp',
      targetId: input.companyId ?? input.mspId,
    },
  });
  return { paused: input.paused };
}

/** The incident page's panel: its executions, and each runbook with parameters prefilled. */
export async function incidentRunbooks(prisma: PrismaClient, scope: Scope, incidentId: string) {
  const inc = await prisma.incident.findFirst({ where: { id: incidentId, ...scoped(scope) } });
  if (!inc) throw new AppError('NOT_FOUND', 'incident not found');
  const [executions, runbooks, policies, alert, company] = await Promise.all([
    listExecutions(prisma, scope, { incidentId }),
    // Reads on every live refresh: create the MSP's runbook rows only when some are missing.
    prisma.runbook
      .findMany({ where: { mspId: inc.mspId }, orderBy: { name: 'asc' } })
      .then((rows) => (rows.length >= SHIPPED_DOCUMENTS.length ? rows : ensureRunbooks(prisma, inc.mspId))),
    prisma.runbookPolicy.findMany({ where: { companyId: inc.companyId, signature: inc.signature } }),
    prisma.alert.findFirst({
      where: { incidentId, status: 'FIRING' },
      orderBy: { id: 'desc' },
      select: { labels: true },
    }),
    prisma.company.findUniqueOrThrow({
      where: { id: inc.companyId },
      select: { runbooksPaused: true, msp: { select: { runbooksPaused: true } } },
    }),
  ]);
  const ctx = { signature: inc.signature, asset: inc.asset, labels: stringLabels(alert?.labels) };
  const candidates = runbooks.map((r) => {
    const declared = documentParameters(shippedDocument(r.documentName).content);
    const policy = policies.find((p) => p.runbookId === r.id);
    const tpl = policy ? templateParameters(policy.parameters as Record<string, unknown>, ctx) : null;
    const params = Object.entries(declared)
      .filter(([name]) => name !== 'AutomationAssumeRole' && name !== 'InstanceId')
      .map(([name, p]) => ({
        name,
        description: p.description ?? '',
        allowedPattern: p.allowedPattern ?? '',
        value: (tpl?.ok ? tpl.values[name] : undefined) ?? (typeof p.default === 'string' ? p.default : ''),
      }));
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      suggested: r.signatures.includes(inc.signature) || !!policy,
      parameters: params,
    };
  });
  return {
    incident: {
      id: inc.id,
      companyId: inc.companyId,
      asset: inc.asset,
      signature: inc.signature,
      status: inc.status,
      escalationReason: inc.escalationReason,
    },
    paused: company.runbooksPaused || company.msp.runbooksPaused,
    executions,
    runbooks: candidates.sort((a, b) => Number(b.suggested) - Number(a.suggested)),
  };
}

/** A technician runs a runbook by hand against an incident's asset. */
export async function runAdHoc(
  deps: RunbookDeps,
  input: {
    mspId: string;
    incidentId: string;
    runbookId: string;
    parameters: Record<string, string>;
    actorId: string;
  },
) {
  const inc = await deps.prisma.incident.findFirst({ where: { id: input.incidentId, mspId: input.mspId } });
  if (!inc) throw new AppError('NOT_FOUND', 'incident not found');
  const alert = await deps.prisma.alert.findFirst({
    where: { incidentId: inc.id },
    orderBy: { id: 'desc' },
    select: { labels: true },
  });
  return requestExecution(deps, {
    companyId: inc.companyId,
    runbookId: input.runbookId,
    incidentId: inc.id,
    parameters: input.parameters,
    actorId: input.actorId,
    needsApproval: false,
    asset: inc.asset,
    labels: stringLabels(alert?.labels),
    limits: MANUAL_LIMITS,
  });
}
