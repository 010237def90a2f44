// Crash safety of the compliance sync job (issue 17): a worker that dies in the middle of a sync (its
// handler never runs another line, its lease stops being renewed) leaves the job ACTIVE; another
// worker takes it only once the lease expired, marks the interrupted sync FAILED and runs it to the
// end once: one successful sync, one snapshot per node, the job completed once.
import type { PublishInput } from '@aw/realtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerSyncWorker, requestSync, SYNC_JOB } from './index.ts';
import { createHarness, type Harness } from './testing/harness.ts';

const target = inject('pgTargets')[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`compliance sync killed mid-run on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('resumes after the lease on another worker and finishes exactly once', async () => {
    const c = await h.company('crashy');
    const doomed = h.newQueue({ workerId: 'doomed', leaseMs: 5000 });
    // The doomed process dies as the sync announces it is running: from then on its handler never
    // continues (a promise that never settles), as when the process is gone.
    const publish = async (e: PublishInput) => {
      if ((e.payload as { status?: string }).status === 'RUNNING') {
        doomed.kill();
        await new Promise<never>(() => undefined);
      }
    };
    registerSyncWorker({ ...h.deps, queue: doomed, publish });
    const { jobId } = await requestSync({ ...h.deps, queue: doomed }, { companyId: c.id, trigger: 'manual' });
    void doomed.drain([SYNC_JOB]);
    for (let i = 0; i < 200; i++) {
      if (await h.prisma.patchComplianceSync.count({ where: { companyId: c.id, status: 'RUNNING' } })) break;
      await sleep(25);
    }
    const job = () =>
      h.pool.query<{ state: string; lockedBy: string | null; attempts: number }>(
        `SELECT state, "lockedBy", attempts FROM "Job" WHERE id = $1`,
        [jobId],
      );
    expect((await job()).rows[0]).toMatchObject({ state: 'ACTIVE', lockedBy: 'doomed' });

    const survivor = h.newQueue({ workerId: 'survivor' });
    registerSyncWorker({ ...h.deps, queue: survivor });
    // The lease holds: nobody else takes the job.
    expect(await survivor.drain([SYNC_JOB])).toBe(0);
    h.advance(6000);
    expect(await survivor.drain([SYNC_JOB])).toBe(1);

    const syncs = await h.prisma.patchComplianceSync.findMany({
      where: { companyId: c.id },
      orderBy: { startedAt: 'asc' },
    });
    expect(syncs.map((s) => s.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(syncs[0]!.error).toMatch(/Interrupted/);
    const ok = syncs[1]!;
    expect([ok.nodesTotal, ok.nodesDone]).toEqual([9, 9]);
    // One snapshot per node, all from the sync that finished.
    const snaps = await h.prisma.patchComplianceSnapshot.findMany({ where: { companyId: c.id } });
    expect(snaps).toHaveLength(9);
    expect(new Set(snaps.map((s) => s.syncId))).toEqual(new Set([ok.id]));
    expect((await job()).rows[0]).toMatchObject({ state: 'COMPLETED', lockedBy: null });
    // Nothing runs it again.
    h.advance(60_000);
    expect(await survivor.drain([SYNC_JOB])).toBe(0);
    expect(
      await h.prisma.patchComplianceSync.count({ where: { companyId: c.id, status: 'SUCCEEDED' } }),
    ).toBe(1);
  });
});
