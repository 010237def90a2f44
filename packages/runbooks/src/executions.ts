// Creating executions: from a policy when correlation opens or updates an incident, from a
// technician (ad hoc), and approving a pending one. Every check that can refuse runs here, before
// any AWS call: parameters against the document's allowedPattern, the target node, the guardrails.
import { AppError } from '@aw/core/errors';
import type { Prisma, RunbookExecution } from '@aw/db';
import { shippedDocument } from './catalog.ts';
import { EXECUTE_JOB, now, type RunbookDeps } from './deps.ts';
import { checkParameterValues } from './documents/index.ts';
import { bootTimeFromLabels, checkGuardrails, type GuardrailPolicy } from './guardrails.ts';
import { policyMatches, stringLabels, templateParameters } from './policy.ts';
import { auditExecution, escalate, incidentEvent, publishExecution } from './records.ts';
import { resolveTarget } from './target.ts';

export const MANUAL_LIMITS: GuardrailPolicy & { timeoutSeconds: number } = {
  maxPerHour: 1_000_000,
  cooldownMinutes: 0,
  bootGraceMinutes: 0,
  maxConcurrent: 5,
  timeoutSeconds: 900,
};

export interface RequestInput {
  companyId: string;
  runbookId: string;
  incidentId: string | null;
  policyId?: string | null;
  /** Raw values: from a person's form, or a policy's templates already filled from labels. */
  parameters: Record<string, unknown>;
  /** The person asking; null when a policy triggers. */
  actorId: string | null;
  needsApproval: boolean;
  asset: string;
  labels: Record<string, string>;
  limits: GuardrailPolicy & { timeoutSeconds: number };
  /** Problems found while filling a policy's templates (a label the alert lacks). */
  templateProblems?: { field: string; reason: string }[];
}

const IMPLICIT = ['AutomationAssumeRole', 'InstanceId'];

function problemsText(problems: { field: string; reason: string }[]): string {
  return problems.map((p) => `${p.field} ${p.reason}`).join('; ');
}

/**
 * Creates one execution. A person's request with bad parameters or a guardrail in the way is an
 * error (nothing is created); a policy's becomes a REFUSED execution that escalates the incident.
 */
export async function requestExecution(deps: RunbookDeps, input: RequestInput): Promise<RunbookExecution> {
  const { prisma } = deps;
  const automatic = input.actorId === null;
  const at = now(deps);
  const runbook = await prisma.runbook.findUnique({ where: { id: input.runbookId } });
  const company = await prisma.company.findUnique({ where: { id: input.companyId }, include: { msp: true } });
  if (!runbook || !company || runbook.mspId !== company.mspId)
    throw new AppError('NOT_FOUND', 'runbook not found');
  const doc = shippedDocument(runbook.documentName);

  const refuse = async (reason: string, extra: Partial<Prisma.RunbookExecutionUncheckedCreateInput> = {}) => {
    if (!automatic) throw new AppError(reason.startsWith('parameters') ? 'BAD_REQUEST' : 'CONFLICT', reason);
    const e = await prisma.runbookExecution.create({
      data: {
        mspId: company.mspId,
        companyId: company.id,
        runbookId: runbook.id,
        incidentId: input.incidentId,
        policyId: input.policyId ?? null,
        automatic,
        asset: input.asset,
        status: 'REFUSED',
        parameters: input.parameters as Prisma.InputJsonValue,
        ...extra,
      },
    });
    await auditExecution(prisma, e, 'refused', null, { reason, policyId: input.policyId ?? null });
    await escalate(deps, e.id, 'REFUSED', reason);
    return prisma.runbookExecution.findUniqueOrThrow({ where: { id: e.id } });
  };

  // 1. Parameters, against the document's allowedPattern (never reaches AWS otherwise).
  if (input.templateProblems?.length) return refuse(`parameters: ${problemsText(input.templateProblems)}`);
  const checked = checkParameterValues(doc.content, input.parameters, IMPLICIT);
  if (!checked.ok) return refuse(`parameters: ${problemsText(checked.problems)}`);

  // 2. Target node.
  const nodes = await prisma.managedNode.findMany({ where: { companyId: company.id } });
  const target = resolveTarget(nodes, { asset: input.asset, labels: input.labels });
  if (!target.ok) return refuse(`target: ${target.reason}`, { instanceId: target.instanceId ?? null });
  const platform = target.node.platformType;
  const values = { ...checked.values };
  if (doc.type === 'Automation') values.InstanceId = target.node.instanceId;
  const full = checkParameterValues(doc.content, values, ['AutomationAssumeRole']);
  if (!full.ok) return refuse(`parameters: ${problemsText(full.problems)}`);

  // 3. Guardrails, counted under a per-company lock so concurrent requests cannot both pass.
  const created = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${company.id}))) l`;
    if (automatic && input.incidentId && input.policyId) {
      const prior = await tx.runbookExecution.findFirst({
        where: { incidentId: input.incidentId, policyId: input.policyId },
      });
      if (prior) return { prior };
    }
    const sameAsset = { companyId: company.id, runbookId: runbook.id, asset: input.asset };
    const [attemptsLastHour, last, running] = await Promise.all([
      tx.runbookExecution.count({
        where: {
          ...sameAsset,
          createdAt: { gte: new Date(at.getTime() - 3_600_000) },
          status: { notIn: ['REFUSED', 'PENDING_APPROVAL', 'CANCELLED'] },
        },
      }),
      tx.runbookExecution.findFirst({
        where: { ...sameAsset, finishedAt: { not: null }, status: { not: 'REFUSED' } },
        orderBy: { finishedAt: 'desc' },
      }),
      tx.runbookExecution.count({
        where: { companyId: company.id, status: { in: ['PENDING', 'IN_PROGRESS'] } },
      }),
    ]);
    const refused = checkGuardrails(
      input.limits,
      {
        mspPaused: company.msp.runbooksPaused,
        companyPaused: company.runbooksPaused,
        attemptsLastHour,
        lastFinishedAt: last?.finishedAt ?? null,
        bootedAt: bootTimeFromLabels(input.labels, at) ?? target.node.onlineSince,
        running,
      },
      at,
      { automatic },
    );
    if (refused) return { refused };
    const e = await tx.runbookExecution.create({
      data: {
        mspId: company.mspId,
        companyId: company.id,
        runbookId: runbook.id,
        incidentId: input.incidentId,
        policyId: input.policyId ?? null,
        automatic,
        status: input.needsApproval ? 'PENDING_APPROVAL' : 'PENDING',
        asset: input.asset,
        instanceId: target.node.instanceId,
        targetSource: target.source,
        targets: [target.node.instanceId],
        parameters: full.values,
        timeoutSeconds: input.limits.timeoutSeconds,
        requestedById: input.actorId,
        createdAt: at,
      },
    });
    await auditExecution(tx, e, 'requested', input.actorId, {
      runbook: runbook.name,
      policyId: input.policyId ?? null,
      parameters: full.values,
      target: target.node.instanceId,
      targetSource: target.source,
      platform,
      needsApproval: input.needsApproval,
    });
    await incidentEvent(
      tx,
      e,
      input.needsApproval ? 'runbook.pending_approval' : 'runbook.requested',
      `${runbook.name} on ${target.node.instanceId} ${input.needsApproval ? 'awaits approval' : automatic ? 'started by a policy' : 'started by a technician'}`,
      input.actorId,
    );
    return { e };
  });
  if ('prior' in created) return created.prior!;
  if ('refused' in created) return refuse(created.refused!.reason, { instanceId: target.node.instanceId });
  const e = created.e!;
  if (e.status === 'PENDING')
    await deps.queue.enqueue(EXECUTE_JOB, { executionId: e.id }, { singletonKey: e.id });
  await publishExecution(deps, e);
  return e;
}

/** A technician approves a pending automatic execution: kill switches and concurrency still apply. */
export async function approveExecution(
  deps: RunbookDeps,
  input: { executionId: string; companyIds: string[] | null; mspId: string; actorId: string },
): Promise<RunbookExecution> {
  const { prisma } = deps;
  const e = await prisma.runbookExecution.findFirst({
    where: {
      id: input.executionId,
      mspId: input.mspId,
      ...(input.companyIds ? { companyId: { in: input.companyIds } } : {}),
    },
    include: { company: { include: { msp: true } } },
  });
  if (!e) throw new AppError('NOT_FOUND', 'execution not found');
  if (e.status !== 'PENDING_APPROVAL')
    throw new AppError('CONFLICT', `the execution is ${e.status.toLowerCase()}, not awaiting approval`);
  const policy = e.policyId ? await prisma.runbookPolicy.findUnique({ where: { id: e.policyId } }) : null;
  const approved = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${e.companyId}))) l`;
    const running = await tx.runbookExecution.count({
      where: { companyId: e.companyId, status: { in: ['PENDING', 'IN_PROGRESS'] } },
    });
    const refused = checkGuardrails(
      { ...MANUAL_LIMITS, maxConcurrent: policy?.maxConcurrent ?? MANUAL_LIMITS.maxConcurrent },
      {
        mspPaused: e.company.msp.runbooksPaused,
        companyPaused: e.company.runbooksPaused,
        attemptsLastHour: 0,
        lastFinishedAt: null,
        bootedAt: null,
        running,
      },
      now(deps),
      { automatic: false },
    );
    if (refused) throw new AppError('CONFLICT', refused.reason);
    const n = await tx.runbookExecution.updateMany({
      where: { id: e.id, status: 'PENDING_APPROVAL' },
      data: { status: 'PENDING', approvedById: input.actorId },
    });
    if (!n.count) throw new AppError('CONFLICT', 'someone else already decided this execution');
    const after = await tx.runbookExecution.findUniqueOrThrow({ where: { id: e.id } });
    await auditExecution(tx, after, 'approved', input.actorId, {});
    await incidentEvent(tx, after, 'runbook.approved', 'Runbook approved by a technician', input.actorId);
    return after;
  });
  await deps.queue.enqueue(EXECUTE_JOB, { executionId: e.id }, { singletonKey: e.id });
  await publishExecution(deps, approved);
  return approved;
}

/**
 * The correlation hook: an incident opened or changed. Each enabled AUTO or APPROVAL policy of the
 * company that matches it (signature, optional asset, optional labels of its latest firing alert)
 * gets one execution per incident.
 */
export async function onIncidentChanged(
  deps: RunbookDeps,
  ev: { incidentId: string; companyId: string; status: string },
): Promise<RunbookExecution[]> {
  if (ev.status === 'RESOLVED') return [];
  const { prisma } = deps;
  const inc = await prisma.incident.findUnique({ where: { id: ev.incidentId } });
  if (!inc || inc.status === 'RESOLVED') return [];
  const policies = await prisma.runbookPolicy.findMany({
    where: {
      companyId: inc.companyId,
      enabled: true,
      signature: inc.signature,
      mode: { in: ['AUTO', 'APPROVAL'] },
    },
    orderBy: { createdAt: 'asc' },
  });
  if (!policies.length) return [];
  const alert = await prisma.alert.findFirst({
    where: { incidentId: inc.id, status: 'FIRING' },
    orderBy: { id: 'desc' },
    select: { labels: true },
  });
  const ctx = { signature: inc.signature, asset: inc.asset, labels: stringLabels(alert?.labels) };
  const out: RunbookExecution[] = [];
  for (const p of policies) {
    if (!policyMatches({ ...p, labelMatchers: stringLabels(p.labelMatchers) }, ctx)) continue;
    const done = await prisma.runbookExecution.findFirst({ where: { incidentId: inc.id, policyId: p.id } });
    if (done) continue;
    const tpl = templateParameters((p.parameters ?? {}) as Record<string, unknown>, ctx);
    out.push(
      await requestExecution(deps, {
        companyId: inc.companyId,
        runbookId: p.runbookId,
        incidentId: inc.id,
        policyId: p.id,
        parameters: tpl.ok ? tpl.values : {},
        templateProblems: tpl.ok ? undefined : tpl.problems,
        actorId: null,
        needsApproval: p.mode === 'APPROVAL',
        asset: inc.asset,
        labels: ctx.labels,
        limits: p,
      }),
    );
  }
  return out;
}
