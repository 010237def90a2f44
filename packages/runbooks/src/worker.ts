// The execution worker, one job (`runbook.execute`, keyed by the execution id) per execution.
// Each run does one step and reschedules itself, so a restart anywhere resumes from the stored
// state: PENDING → send (the send is marked first and looked up by its comment after a crash, so
// it is not sent twice) → IN_PROGRESS → poll with backoff until done or timed out → VERIFYING for
// the verify window → resolve the incident as RUNBOOK, or escalate.
import { mspOfRow, walledJob } from '@aw/db';
import {
  getAutomation,
  getInvocation,
  listInvocations,
  mapAwsError,
  sendCommand,
  startAutomation,
  stopAutomation,
} from '@aw/aws';
import type { HandlerResult } from '@aw/jobs';
import { shippedDocument } from './catalog.ts';
import { EXECUTE_JOB, now, type RunbookDeps } from './deps.ts';
import { checkParameterValues } from './documents/index.ts';
import { auditExecution, escalate, incidentEvent, publishExecution, publishIncident } from './records.ts';

export const OUTPUT_LIMIT = 16_000;
export const DEFAULT_VERIFY_MINUTES = 5;
const MAX_POLL_MS = 30_000;
const RUNNING = new Set(['NotYet', 'Pending', 'InProgress', 'Delayed', 'Waiting', 'Cancelling']);

const commentOf = (id: string) => `aw-exec:${id}`;

function truncate(s: string): string {
  return s.length <= OUTPUT_LIMIT
    ? s
    : `${s.slice(0, OUTPUT_LIMIT)}\n… (truncated, ${s.length} characters in all)`;
}

export function registerRunbookWorker(deps: RunbookDeps, opts: { concurrency?: number } = {}): void {
  deps.queue.work<{ executionId: string }>(
    EXECUTE_JOB,
    walledJob(
      (job) => mspOfRow(deps.prisma.runbookExecution, job.payload.executionId),
      async (job, ctx) => runExecutionStep(deps, job.payload.executionId, ctx.signal),
    ),
    { concurrency: opts.concurrency ?? 4 },
  );
}

/** Re-enqueues executions whose job is missing (a crash between creating the row and enqueueing). */
export async function recoverExecutions(deps: RunbookDeps): Promise<number> {
  const open = await deps.prisma.runbookExecution.findMany({
    where: { status: { in: ['PENDING', 'IN_PROGRESS', 'VERIFYING'] } },
    select: { id: true },
  });
  let n = 0;
  for (const e of open)
    if ((await deps.queue.enqueue(EXECUTE_JOB, { executionId: e.id }, { singletonKey: e.id })).created) n++;
  return n;
}

async function load(deps: RunbookDeps, id: string) {
  return deps.prisma.runbookExecution.findUnique({
    where: { id },
    include: { runbook: true, company: { include: { msp: true } } },
  });
}
type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

export async function runExecutionStep(
  deps: RunbookDeps,
  executionId: string,
  signal?: AbortSignal,
): Promise<HandlerResult> {
  const e = await load(deps, executionId);
  if (!e) return;
  switch (e.status) {
    case 'PENDING':
      return start(deps, e, signal);
    case 'IN_PROGRESS':
      return poll(deps, e);
    case 'VERIFYING':
      return verify(deps, e);
    default:
      return;
  }
}

function pollDelay(deps: RunbookDeps, since: Date | null): number {
  const elapsed = since ? now(deps).getTime() - since.getTime() : 0;
  return Math.min(MAX_POLL_MS, Math.max(deps.minPollMs ?? 1000, Math.floor(elapsed / 4)));
}
const later = (deps: RunbookDeps, ms: number) => ({ retryAt: new Date(now(deps).getTime() + ms) });

async function start(deps: RunbookDeps, e: Loaded, signal?: AbortSignal): Promise<HandlerResult> {
  const { prisma } = deps;
  if (e.company.msp.runbooksPaused || e.company.runbooksPaused)
    return escalate(deps, e.id, 'REFUSED', 'kill switch: runbooks were paused before this execution started');
  const doc = shippedDocument(e.runbook.documentName);
  const params = e.parameters as Record<string, string>;
  const check = checkParameterValues(doc.content, params, ['AutomationAssumeRole']);
  if (!check.ok)
    return escalate(
      deps,
      e.id,
      'REFUSED',
      `parameters: ${check.problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
    );
  const aws = deps.runtime.forCompany(e.company);
  const instanceId = e.instanceId!;
  let commandId: string | null = null;
  let automationId: string | null = null;
  try {
    if (e.sendingAt && doc.type === 'Command') {
      // A previous worker began sending and died: adopt its command if AWS has it.
      const found = (await listInvocations(aws.ssm, undefined, instanceId)).find(
        (i) => i.Comment === commentOf(e.id),
      );
      commandId = found?.CommandId ?? null;
    }
    if (!e.sendingAt)
      await prisma.runbookExecution.update({ where: { id: e.id }, data: { sendingAt: now(deps) } });
    const ssmParams = Object.fromEntries(Object.entries(check.values).map(([k, v]) => [k, [v]]));
    if (!commandId && doc.type === 'Command')
      commandId = await sendCommand(aws.ssm, {
        documentName: doc.name,
        instanceIds: [instanceId],
        parameters: ssmParams,
        comment: commentOf(e.id),
        timeoutSeconds: Math.max(30, e.timeoutSeconds),
      });
    if (doc.type === 'Automation')
      automationId = await startAutomation(aws.ssm, {
        documentName: doc.name,
        parameters: ssmParams,
        automationRoleArn: aws.automationRoleArn,
      });
  } catch (err) {
    const m = mapAwsError(err, { roleArn: e.company.awsRoleArn, region: e.company.awsRegion });
    return escalate(deps, e.id, 'FAILED', `AWS refused to start the runbook: ${m.message}`);
  }
  // A worker that lost its lease (or is going down) writes nothing more: whoever resumes the job
  // finds the command by its comment.
  if (signal?.aborted) return;
  const at = now(deps);
  const after = await prisma.$transaction(async (tx) => {
    const after = await tx.runbookExecution.update({
      where: { id: e.id },
      data: { status: 'IN_PROGRESS', commandId, automationExecutionId: automationId, startedAt: at },
    });
    await auditExecution(tx, after, 'sent', null, {
      commandId,
      automationExecutionId: automationId,
      instanceId,
    });
    await incidentEvent(tx, after, 'runbook.started', `${doc.name} sent to ${instanceId}`, null, {
      commandId,
      automationExecutionId: automationId,
    });
    return after;
  });
  await publishExecution(deps, after);
  return later(deps, deps.minPollMs ?? 1000);
}

async function poll(deps: RunbookDeps, e: Loaded): Promise<HandlerResult> {
  const aws = deps.runtime.forCompany(e.company);
  let status: string;
  let output = '';
  let outputUrl: string | null = null;
  let failure = '';
  try {
    if (e.commandId) {
      const inv = await getInvocation(aws.ssm, e.commandId, e.instanceId!);
      status = inv.status;
      if ('stdout' in inv) {
        output = [inv.stdout, inv.stderr && `--- stderr ---\n${inv.stderr}`].filter(Boolean).join('\n');
        outputUrl = inv.outputUrl || null;
        failure = `the command ended ${inv.status} (exit code ${inv.responseCode ?? '?'})${inv.stderr ? `: ${inv.stderr.trim().split('\n').at(-1)}` : ''}`;
      }
    } else {
      const a = await getAutomation(aws.ssm, e.automationExecutionId!);
      status = a.status;
      failure = `the automation ended ${a.status}${a.failureMessage ? `: ${a.failureMessage}` : ''}`;
      output = a.outputs ? JSON.stringify(a.outputs) : '';
    }
  } catch (err) {
    deps.logger?.warn(`[runbooks] poll ${e.id}: ${mapAwsError(err).message}`);
    status = 'NotYet';
  }
  const at = now(deps);
  if (RUNNING.has(status)) {
    const started = e.startedAt ?? at;
    if (at.getTime() - started.getTime() > e.timeoutSeconds * 1000) {
      if (e.automationExecutionId)
        await stopAutomation(aws.ssm, e.automationExecutionId).catch(() => undefined);
      return escalate(deps, e.id, 'TIMED_OUT', `timeout: still ${status} after ${e.timeoutSeconds} s`, {
        output: output ? truncate(output) : null,
      });
    }
    return later(deps, pollDelay(deps, e.startedAt));
  }
  if (status !== 'Success')
    return escalate(deps, e.id, 'FAILED', failure, { output: truncate(output), outputUrl });
  const policy = e.policyId
    ? await deps.prisma.runbookPolicy.findUnique({ where: { id: e.policyId } })
    : null;
  const verifyUntil = e.incidentId
    ? new Date(at.getTime() + (policy?.verifyMinutes ?? DEFAULT_VERIFY_MINUTES) * 60_000)
    : null;
  const after = await deps.prisma.$transaction(async (tx) => {
    const after = await tx.runbookExecution.update({
      where: { id: e.id },
      data: {
        status: verifyUntil ? 'VERIFYING' : 'SUCCESS',
        output: truncate(output),
        outputUrl,
        finishedAt: at,
        verifyUntil,
      },
    });
    await auditExecution(tx, after, 'succeeded', null, { verifyUntil: verifyUntil?.toISOString() ?? null });
    await incidentEvent(
      tx,
      after,
      'runbook.succeeded',
      verifyUntil
        ? `${e.runbook.name} succeeded; verifying until ${verifyUntil.toISOString()} that no new firing alert arrives`
        : `${e.runbook.name} succeeded`,
      null,
    );
    return after;
  });
  await publishExecution(deps, after);
  return verifyUntil
    ? { retryAt: new Date(Math.min(verifyUntil.getTime(), at.getTime() + MAX_POLL_MS)) }
    : undefined;
}

async function verify(deps: RunbookDeps, e: Loaded): Promise<HandlerResult> {
  const { prisma } = deps;
  const at = now(deps);
  const inc = e.incidentId ? await prisma.incident.findUnique({ where: { id: e.incidentId } }) : null;
  if (inc && inc.status !== 'RESOLVED') {
    const again = await prisma.alert.findFirst({
      where: {
        companyId: e.companyId,
        status: 'FIRING',
        receivedAt: { gt: e.finishedAt ?? e.startedAt ?? e.createdAt },
        OR: [{ incidentId: inc.id }, { asset: inc.asset, signature: inc.signature }],
      },
      orderBy: { receivedAt: 'asc' },
    });
    if (again)
      return escalate(
        deps,
        e.id,
        'FAILED',
        `verify: a new firing ${again.signature} alert for ${again.asset} arrived at ${again.receivedAt.toISOString()}, within the verify window`,
      );
  }
  if (e.verifyUntil && at < e.verifyUntil)
    return { retryAt: new Date(Math.min(e.verifyUntil.getTime(), at.getTime() + MAX_POLL_MS)) };
  const resolved = await prisma.$transaction(async (tx) => {
    let resolved = false;
    if (inc) {
      await tx.$executeRaw`SELECT 1 FROM "Incident" WHERE id = ${inc.id}::uuid FOR UPDATE`;
      const n = await tx.incident.updateMany({
        where: { id: inc.id, status: { not: 'RESOLVED' } },
        data: {
          status: 'RESOLVED',
          openKey: null,
          resolvedAt: at,
          resolution: 'RUNBOOK',
          resolutionNote: `Healed by ${e.runbook.name} (execution ${e.id}), verified for the window without a new firing alert`,
        },
      });
      resolved = n.count > 0;
      if (resolved) {
        await incidentEvent(tx, e, 'resolved', `Resolved by runbook ${e.runbook.name}`, null, {
          resolution: 'RUNBOOK',
        });
        await tx.auditLog.create({
          data: {
            mspId: e.mspId,
            companyId: e.companyId,
            action: 'incident.resolved',
            targetType: 'incident',
            targetId: inc.id,
            data: { resolution: 'RUNBOOK', executionId: e.id },
          },
        });
      }
    }
    const after = await tx.runbookExecution.update({ where: { id: e.id }, data: { status: 'SUCCESS' } });
    await auditExecution(tx, after, 'verified', null, { incidentResolved: resolved });
    return { after, resolved };
  });
  await publishExecution(deps, resolved.after);
  if (resolved.resolved && inc)
    await publishIncident(deps, { ...inc, status: 'RESOLVED' }, ['status', 'resolution']);
  return;
}
