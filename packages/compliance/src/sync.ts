// One patch compliance sync of one company: list the managed nodes, read their patch states in
// batches of 50, the compliance summaries and each non-compliant node's open patches, then store one
// snapshot per node in one transaction. A failed sync stores nothing but its reason: the last good
// sync stays the company's current state. The job queue's singleton key (the company id) keeps two
// instances from syncing one company at once.
import { mspOfRow, walledJob } from '@aw/db';
import type { InstanceInformation, InstancePatchState } from '@aws-sdk/client-ssm';
import {
  existingNodes,
  listManagedNodes,
  openPatches,
  patchBaselines,
  patchStatesBatch,
  patchSummary,
  resourceSummaries,
  PATCH_STATE_BATCH,
  type RetryOptions,
} from '@aw/aws';
import { AppError } from '@aw/core/errors';
import { now, sleepFor, SYNC_JOB, type ComplianceDeps } from './deps.ts';
import { settingsOf } from './settings.ts';
import { evaluateThresholds } from './thresholds.ts';

export type SyncTrigger = 'schedule' | 'manual' | 'demo';

export interface SyncPayload {
  companyId: string;
  trigger: SyncTrigger;
  requestedById?: string | null;
}

/** Queues a sync; while one is queued or running for the company, returns that one instead. */
export async function requestSync(
  deps: ComplianceDeps,
  input: SyncPayload & { runAt?: Date },
): Promise<{ jobId: string; created: boolean }> {
  const { runAt, ...payload } = input;
  const r = await deps.queue.enqueue<SyncPayload>(SYNC_JOB, payload, {
    singletonKey: input.companyId,
    runAt,
    maxAttempts: 3,
    backoffMs: 30_000,
  });
  return { jobId: String(r.id), created: r.created };
}

export function registerSyncWorker(deps: ComplianceDeps): void {
  deps.queue.work<SyncPayload>(
    SYNC_JOB,
    walledJob(
      (job) => mspOfRow(deps.prisma.company, job.payload.companyId),
      async (job) => {
        await runSync(deps, job.payload);
      },
    ),
  );
}

/** Nodes with their state; `state` undefined: the node has no Patch Manager result (never scanned). */
interface NodeResult {
  node: InstanceInformation & { InstanceId: string };
  state?: InstancePatchState;
}

function retryOptions(deps: ComplianceDeps, onThrottle?: RetryOptions['onThrottle']): RetryOptions {
  return { sleep: sleepFor(deps), random: deps.random ?? Math.random, onThrottle };
}

function describeError(e: unknown): string {
  if (e instanceof AppError) return e.message;
  const err = e as { name?: string; message?: string };
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`.slice(0, 500);
}

/** Runs one sync now (the job handler; tests and the demo call it directly). Returns the sync id. */
export async function runSync(deps: ComplianceDeps, input: SyncPayload): Promise<string> {
  const { prisma } = deps;
  const company = await prisma.company.findUnique({ where: { id: input.companyId } });
  if (!company) throw new AppError('NOT_FOUND', 'Company not found');
  // Only this job runs for the company (singleton key): a RUNNING row left behind was interrupted.
  await prisma.patchComplianceSync.updateMany({
    where: { companyId: company.id, status: 'RUNNING' },
    data: { status: 'FAILED', finishedAt: now(deps), error: 'Interrupted (the worker stopped mid-sync).' },
  });
  const startedAt = now(deps);
  const sync = await prisma.patchComplianceSync.create({
    data: {
      mspId: company.mspId,
      companyId: company.id,
      trigger: input.trigger,
      requestedById: input.requestedById ?? null,
      startedAt,
    },
  });
  const progress = async (
    nodesDone: number,
    nodesTotal: number,
    status: 'RUNNING' | 'SUCCEEDED' | 'FAILED',
    error?: string,
  ) => {
    await deps
      .publish?.({
        type: 'compliance.sync.progress',
        mspId: company.mspId,
        companyId: company.id,
        payload: { syncId: sync.id, status, nodesDone, nodesTotal, ...(error ? { error } : {}) },
      })
      .catch(() => undefined);
  };
  const retry = retryOptions(deps, (attempt, wait) =>
    deps.logger?.warn(`compliance sync ${company.slug}: throttled, retry ${attempt} in ${wait} ms`),
  );
  try {
    const { ssm } = deps.runtime.forCompany(company);
    await progress(0, 0, 'RUNNING');
    const nodes = (await listManagedNodes(ssm, retry)).filter(
      (n): n is NodeResult['node'] => typeof n.InstanceId === 'string',
    );
    await prisma.patchComplianceSync.update({ where: { id: sync.id }, data: { nodesTotal: nodes.length } });
    const results: NodeResult[] = [];
    for (let i = 0; i < nodes.length; i += PATCH_STATE_BATCH) {
      const batch = nodes.slice(i, i + PATCH_STATE_BATCH);
      const states = new Map(
        (
          await patchStatesBatch(
            ssm,
            batch.map((n) => n.InstanceId),
            retry,
          )
        ).map((s) => [s.InstanceId, s]),
      );
      for (const node of batch) results.push({ node, state: states.get(node.InstanceId) });
      await prisma.patchComplianceSync.update({
        where: { id: sync.id },
        data: { nodesDone: results.length },
      });
      await progress(results.length, nodes.length, 'RUNNING');
    }
    // A node without a result may have been deregistered since the listing: keep only those that exist.
    const unscanned = results.filter((r) => !r.state).map((r) => r.node.InstanceId);
    const still = unscanned.length ? await existingNodes(ssm, unscanned, retry) : new Set<string>();
    const kept = results.filter((r) => r.state || still.has(r.node.InstanceId));
    const summary = await patchSummary(ssm, retry);
    const resources = await resourceSummaries(ssm, retry);
    const baselineNames = new Map(
      (await patchBaselines(ssm, retry)).map((b) => [b.BaselineId ?? '', b.BaselineName ?? '']),
    );
    const rows = [];
    for (const r of kept) {
      const row = snapshotRow(r, startedAt);
      const open = row.compliant || !r.state ? [] : await openPatches(ssm, r.node.InstanceId, retry);
      rows.push({
        ...row,
        mspId: company.mspId,
        companyId: company.id,
        syncId: sync.id,
        raw: {
          overallSeverity: resources.get(r.node.InstanceId)?.OverallSeverity ?? null,
          baselineName: baselineNames.get(r.state?.BaselineId ?? '') ?? null,
          resourceType: r.node.ResourceType ?? null,
          pingStatus: r.node.PingStatus ?? null,
          openPatches: open.slice(0, 200).map((p) => ({
            title: p.Title,
            kbId: p.KBId,
            classification: p.Classification,
            severity: p.Severity,
            state: p.State,
            cveIds: p.CVEIds ?? null,
          })),
        },
      });
    }
    const finishedAt = now(deps);
    await prisma.$transaction([
      prisma.patchComplianceSnapshot.createMany({ data: rows }),
      prisma.patchComplianceSync.update({
        where: { id: sync.id },
        data: {
          status: 'SUCCEEDED',
          finishedAt,
          nodesTotal: kept.length,
          nodesDone: kept.length,
          summary: summary ? JSON.parse(JSON.stringify(summary)) : {},
        },
      }),
    ]);
    await prune(deps, company.id);
    await progress(kept.length, kept.length, 'SUCCEEDED');
    await evaluateThresholds(deps, company.id);
    const compliant = rows.filter((r) => r.scanned && r.compliant).length;
    await deps
      .publish?.({
        type: 'compliance.updated',
        mspId: company.mspId,
        companyId: company.id,
        payload: {
          compliant,
          nonCompliant: rows.filter((r) => r.scanned && !r.compliant).length,
          criticalMissing: rows.reduce((a, r) => a + r.criticalMissing, 0),
        },
      })
      .catch(() => undefined);
    return sync.id;
  } catch (e) {
    const error = describeError(e);
    await prisma.patchComplianceSync.update({
      where: { id: sync.id },
      data: { status: 'FAILED', finishedAt: now(deps), error },
    });
    await progress(0, 0, 'FAILED', error);
    deps.logger?.warn(`compliance sync ${company.slug} failed: ${error}`);
    return sync.id;
  }
}

const n = (v: number | undefined) => v ?? 0;

/** The snapshot of one node; compliant means no open patch (missing, failed, pending reboot, rejected). */
export function snapshotRow(r: NodeResult, capturedAt: Date) {
  const s = r.state;
  const name = r.node.Name || r.node.ComputerName || null;
  if (!s)
    return {
      instanceId: r.node.InstanceId,
      nodeName: name,
      platformType: r.node.PlatformType ?? null,
      scanned: false,
      compliant: false,
      installedCount: 0,
      installedOtherCount: 0,
      pendingRebootCount: 0,
      rejectedCount: 0,
      missingCount: 0,
      failedCount: 0,
      notApplicableCount: 0,
      criticalMissing: 0,
      securityMissing: 0,
      otherMissing: 0,
      baselineId: null,
      patchGroup: null,
      operation: null,
      operationEndedAt: null,
      capturedAt,
    };
  const open =
    n(s.MissingCount) + n(s.FailedCount) + n(s.InstalledPendingRebootCount) + n(s.InstalledRejectedCount);
  return {
    instanceId: r.node.InstanceId,
    nodeName: name,
    platformType: r.node.PlatformType ?? null,
    scanned: true,
    compliant: open === 0,
    installedCount: n(s.InstalledCount),
    installedOtherCount: n(s.InstalledOtherCount),
    pendingRebootCount: n(s.InstalledPendingRebootCount),
    rejectedCount: n(s.InstalledRejectedCount),
    missingCount: n(s.MissingCount),
    failedCount: n(s.FailedCount),
    notApplicableCount: n(s.NotApplicableCount),
    criticalMissing: n(s.CriticalNonCompliantCount),
    securityMissing: n(s.SecurityNonCompliantCount),
    otherMissing: n(s.OtherNonCompliantCount),
    baselineId: s.BaselineId ?? null,
    patchGroup: s.PatchGroup ?? null,
    operation: s.Operation ?? null,
    operationEndedAt: s.OperationEndTime ?? null,
    capturedAt,
  };
}

/** Drops snapshots and syncs older than the company's retention (default 90 days). */
export async function prune(deps: ComplianceDeps, companyId: string): Promise<number> {
  const settings = await settingsOf(deps.prisma, companyId);
  const cutoff = new Date(now(deps).getTime() - settings.retentionDays * 86_400_000);
  const snaps = await deps.prisma.patchComplianceSnapshot.deleteMany({
    where: { companyId, capturedAt: { lt: cutoff } },
  });
  await deps.prisma.patchComplianceSync.deleteMany({ where: { companyId, startedAt: { lt: cutoff } } });
  return snaps.count;
}
