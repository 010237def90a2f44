import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, sleep, type Harness } from './testing/harness.ts';
import {
  approveExecution,
  listDocuments,
  requestExecution,
  MANUAL_LIMITS,
  installDocuments,
  onIncidentsChanged,
} from './index.ts';
import { EXECUTE_JOB } from './deps.ts';

// One PostgreSQL is enough here: the queue's locking is proven on every target in @aw/jobs.
const target = inject('pgTargets')[0]!;

describe(`runbooks on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function policy(companyId: string, runbook: string, data: Record<string, unknown> = {}) {
    return h.prisma.runbookPolicy.create({
      data: {
        mspId: h.msp.id,
        companyId,
        runbookId: h.runbook(runbook).id,
        signature: 'disk_full',
        mode: 'AUTO',
        bootGraceMinutes: 10,
        ...data,
      },
    });
  }
  const audit = async (executionId: string) =>
    (await h.prisma.auditLog.findMany({ where: { targetId: executionId }, orderBy: { id: 'asc' } })).map(
      (a) => a.action,
    );

  it('installs the documents idempotently by content hash and reports each version', async () => {
    const c = await h.company('install');
    const creates = h.ssmCalls('CreateDocument');
    const updates = h.ssmCalls('UpdateDocument');
    const again = await installDocuments({
      prisma: h.prisma,
      runtime: h.runtime,
      companyId: c.id,
      actorId: null,
    });
    expect(again.map((r) => r.result)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect([h.ssmCalls('CreateDocument'), h.ssmCalls('UpdateDocument')]).toEqual([creates, updates]);
    const docs = await listDocuments({ prisma: h.prisma, companyId: c.id });
    expect(docs.map((d) => [d.name, d.state, d.installedVersion])).toEqual([
      ['MSP-DiskCleanup', 'current', '1'],
      ['MSP-LogRotation', 'current', '1'],
      ['MSP-ServiceRecovery', 'current', '1'],
      ['MSP-ServiceRestart', 'current', '1'],
    ]);
    const region = h.fake.region(c.accountId, 'us-east-1');
    expect(Object.keys(region.documents).sort()).toEqual(docs.map((d) => d.name));
    // An older version recorded: the portal offers the update, and installing it calls UpdateDocument.
    await h.prisma.runbookDocumentInstall.updateMany({
      where: { companyId: c.id, documentName: 'MSP-LogRotation' },
      data: { contentHash: 'older' },
    });
    expect((await listDocuments({ prisma: h.prisma, companyId: c.id }))[1]!.state).toBe('update_available');
    region.documents['MSP-LogRotation']!.versions.push('{"older":true}');
    const upd = await installDocuments({
      prisma: h.prisma,
      runtime: h.runtime,
      companyId: c.id,
      actorId: h.user.id,
    });
    expect(upd.find((r) => r.name === 'MSP-LogRotation')).toEqual({
      name: 'MSP-LogRotation',
      result: 'updated',
      version: '2',
    });
    expect(h.ssmCalls('UpdateDocument')).toBe(updates + 1);
  });

  it('auto path: a disk_full alert is healed, verified for the window, and resolved as RUNBOOK', async () => {
    const c = await h.company('auto');
    await policy(c.id, 'MSP-DiskCleanup', {
      parameters: { OlderThanDays: '{{labels.days}}' },
      verifyMinutes: 5,
    });
    h.fake.commandBehaviour = ({ documentName }) =>
      documentName === 'MSP-DiskCleanup'
        ? { status: 'Success', stdout: 'freed 4096 bytes in /tmp\nbytes_freed=4096\n' }
        : undefined;
    const { executions } = await h.alert(c.id, {
      asset: 'auto-web-01',
      signature: 'disk_full',
      labels: { days: '3' },
    });
    expect(executions).toHaveLength(1);
    const e0 = executions[0]!;
    expect([e0.status, e0.instanceId, e0.targetSource, e0.parameters]).toEqual([
      'PENDING',
      c.nodes.web,
      'asset = name',
      { OlderThanDays: '3', Paths: '/tmp,/var/tmp,/var/log,/var/cache/apt/archives', JournalMaxSize: '500M' },
    ]);
    const verifying = await h.settle(e0.id, ['VERIFYING', 'FAILED', 'REFUSED']);
    expect(verifying.status).toBe('VERIFYING');
    expect(verifying.output).toContain('bytes_freed=4096');
    const cmd = Object.values(h.fake.region(c.accountId, 'us-east-1').commands).find(
      (x) => x.CommandId === verifying.commandId,
    )!;
    expect([cmd.DocumentName, cmd.InstanceIds, cmd.Parameters.OlderThanDays, cmd.Comment]).toEqual([
      'MSP-DiskCleanup',
      [c.nodes.web],
      ['3'],
      `aw-exec:${e0.id}`,
    ]);
    // Inside the window: still verifying.
    h.advance(4 * 60_000);
    await h.queue.drain();
    expect((await h.prisma.runbookExecution.findUniqueOrThrow({ where: { id: e0.id } })).status).toBe(
      'VERIFYING',
    );
    h.advance(61_000);
    const done = await h.settle(e0.id, ['SUCCESS']);
    const inc = await h.prisma.incident.findUniqueOrThrow({ where: { id: done.incidentId! } });
    expect([inc.status, inc.resolution, inc.openKey, inc.escalatedAt]).toEqual([
      'RESOLVED',
      'RUNBOOK',
      null,
      null,
    ]);
    expect(await audit(e0.id)).toEqual([
      'runbook.execution.requested',
      'runbook.execution.sent',
      'runbook.execution.succeeded',
      'runbook.execution.verified',
    ]);
    const statuses = h.published
      .filter((p) => p.type === 'runbook.execution.updated' && p.payload.executionId === e0.id)
      .map((p) => (p.payload as { status: string }).status);
    expect(statuses).toEqual(['PENDING', 'IN_PROGRESS', 'VERIFYING', 'SUCCESS']);
    expect(h.published.some((p) => p.type === 'incident.updated' && p.payload.incidentId === inc.id)).toBe(
      true,
    );
    h.fake.commandBehaviour = undefined;
  });

  it('approval path: nothing runs until a technician approves; then it heals', async () => {
    const c = await h.company('approve');
    await policy(c.id, 'MSP-ServiceRestart', {
      signature: 'service_down',
      mode: 'APPROVAL',
      parameters: { ServiceName: '{{labels.service}}' },
      verifyMinutes: 1,
    });
    const sends = h.ssmCalls('SendCommand');
    const { executions } = await h.alert(c.id, {
      asset: '10.9.0.11',
      signature: 'service_down',
      labels: { service: 'nginx' },
    });
    const e = executions[0]!;
    expect([e.status, e.instanceId, e.targetSource]).toEqual([
      'PENDING_APPROVAL',
      c.nodes.db01,
      'asset = IP address',
    ]);
    await h.queue.drain();
    expect(h.ssmCalls('SendCommand')).toBe(sends);
    await approveExecution(h.deps, {
      executionId: e.id,
      companyIds: null,
      mspId: h.msp.id,
      actorId: h.user.id,
    });
    await expect(
      approveExecution(h.deps, { executionId: e.id, companyIds: null, mspId: h.msp.id, actorId: h.user.id }),
    ).rejects.toThrow(/not awaiting approval/);
    await h.settle(e.id, ['VERIFYING']);
    h.advance(61_000);
    const done = await h.settle(e.id, ['SUCCESS']);
    expect(done.approvedById).toBe(h.user.id);
    expect(await audit(e.id)).toContain('runbook.execution.approved');
  });

  it('a failed command escalates: the incident stays open, marked, with the output and the reason', async () => {
    const c = await h.company('fail');
    await policy(c.id, 'MSP-DiskCleanup');
    h.fake.commandBehaviour = () => ({
      status: 'Failed',
      code: 2,
      stderr: 'refused: /etc is outside the allow-list\n',
    });
    const { executions } = await h.alert(c.id, { asset: 'fail-web-01', signature: 'disk_full' });
    const e = await h.settle(executions[0]!.id, ['FAILED', 'SUCCESS', 'VERIFYING']);
    expect([e.status, e.escalated]).toEqual(['FAILED', true]);
    expect(e.error).toBe('the command ended Failed (exit code 2): refused: /etc is outside the allow-list');
    expect(e.output).toContain('--- stderr ---');
    const inc = await h.prisma.incident.findUniqueOrThrow({ where: { id: e.incidentId! } });
    expect([inc.status, inc.escalationReason]).toEqual(['OPEN', e.error]);
    expect(inc.escalatedAt).not.toBeNull();
    const ev = await h.prisma.incidentEvent.findMany({
      where: { incidentId: inc.id },
      orderBy: { id: 'asc' },
    });
    expect(ev.map((x) => x.type)).toContain('runbook.escalated');
    h.fake.commandBehaviour = undefined;
  });

  it('a command that never finishes times out and escalates', async () => {
    const c = await h.company('hang');
    await policy(c.id, 'MSP-DiskCleanup', { timeoutSeconds: 120 });
    h.fake.commandBehaviour = () => ({ status: 'InProgress' });
    const { executions } = await h.alert(c.id, { asset: 'hang-web-01', signature: 'disk_full' });
    const running = await h.settle(executions[0]!.id, ['IN_PROGRESS']);
    await sleep(120);
    await h.queue.drain();
    expect((await h.prisma.runbookExecution.findUniqueOrThrow({ where: { id: running.id } })).status).toBe(
      'IN_PROGRESS',
    );
    h.advance(121_000);
    const e = await h.settle(running.id, ['TIMED_OUT']);
    expect([e.escalated, e.error]).toEqual([true, 'timeout: still InProgress after 120 s']);
    h.fake.commandBehaviour = undefined;
  });

  it("a turn's events at once: one execution per matching incident, none for a company without a policy", async () => {
    const withPolicy = await h.company('batch-on');
    const without = await h.company('batch-off');
    await policy(withPolicy.id, 'MSP-DiskCleanup', { mode: 'APPROVAL' });
    const a = await h.alert(withPolicy.id, { asset: 'batch-on-web-01', signature: 'disk_full' });
    const b = await h.alert(without.id, { asset: 'batch-off-web-01', signature: 'disk_full' });
    expect([a.executions.length, b.executions.length]).toEqual([1, 0]);
    // The same incidents reported again together (a later turn, a replay), twice over: nothing new;
    // a resolved event alone runs nothing.
    const events = [...a.events, ...b.events, ...a.events];
    expect(await onIncidentsChanged(h.deps, events)).toEqual([]);
    expect(await onIncidentsChanged(h.deps, [{ ...a.events[0]!, status: 'RESOLVED' }])).toEqual([]);
    const executions = await h.prisma.runbookExecution.findMany({
      where: { companyId: { in: [withPolicy.id, without.id] } },
    });
    expect(executions.map((e) => [e.companyId, e.status])).toEqual([[withPolicy.id, 'PENDING_APPROVAL']]);
  });

  it('plans its policy lookup once per connection, not on every turn', async () => {
    // One connection, so every call below runs in the session whose prepared statements are read.
    const one = new pg.Pool({ connectionString: h.pool.options.connectionString, max: 1 });
    try {
      const c = await h.company('plans');
      for (let turn = 0; turn < 8; turn++)
        await onIncidentsChanged({ ...h.deps, pool: one }, [
          { incidentId: randomUUID(), companyId: c.id, status: 'OPEN' },
        ]);
      const { rows } = await one.query<{ generic: number; custom: number }>(
        `SELECT generic_plans::int AS generic, custom_plans::int AS custom
           FROM pg_prepared_statements WHERE statement LIKE '%FROM "RunbookPolicy"%'`,
      );
      // PostgreSQL's default tries five custom plans, then keeps the generic one when it is no dearer.
      expect(rows).toEqual([{ custom: 5, generic: 3 }]);
    } finally {
      await one.end();
    }
  });

  it('a new firing alert inside the verify window escalates instead of resolving', async () => {
    const c = await h.company('refire');
    await policy(c.id, 'MSP-DiskCleanup', { verifyMinutes: 5 });
    const { executions } = await h.alert(c.id, { asset: 'refire-web-01', signature: 'disk_full' });
    const e = await h.settle(executions[0]!.id, ['VERIFYING']);
    h.advance(60_000);
    const again = await h.alert(c.id, { asset: 'refire-web-01', signature: 'disk_full' });
    expect(again.executions).toHaveLength(0); // one execution per incident and policy
    const failed = await h.settle(e.id, ['FAILED', 'SUCCESS']);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(
      /^verify: a new firing disk_full alert for refire-web-01 arrived at .* within the verify window$/,
    );
    const inc = await h.prisma.incident.findUniqueOrThrow({ where: { id: e.incidentId! } });
    expect([inc.status, inc.resolution]).toEqual(['OPEN', null]);
  });

  describe('guardrails refuse with their reason, before any AWS call', () => {
    it.each([
      ['kill switch (MSP)', 'kill: the MSP has paused all runbooks'],
      ['kill switch (company)', 'kill switch: runbooks are paused for this company'],
      ['attempts per asset per hour', 'attempts: 1 runs on this asset in the last hour (limit 1)'],
      ['cooldown', 'cooldown: the last run on this asset finished at'],
      ['boot grace', 'boot grace: the node came up at'],
      ['concurrency', 'concurrency: 1 executions already running for this company (limit 1)'],
    ])('%s', async (label, reason) => {
      const c = await h.company(
        `g-${label.replace(/\W+/g, '-').slice(0, 20)}-${Math.random().toString(36).slice(2, 6)}`,
      );
      const p = await policy(c.id, 'MSP-DiskCleanup', {
        maxPerHour: 1,
        cooldownMinutes: 30,
        maxConcurrent: 1,
      });
      const asset = `${c.slug}-web-01`;
      const labels: Record<string, string> = {};
      const base = { mspId: h.msp.id, companyId: c.id, runbookId: p.runbookId, asset };
      if (label === 'kill switch (MSP)')
        await h.prisma.msp.update({ where: { id: h.msp.id }, data: { runbooksPaused: true } });
      if (label === 'kill switch (company)')
        await h.prisma.company.update({ where: { id: c.id }, data: { runbooksPaused: true } });
      if (label === 'attempts per asset per hour')
        await h.prisma.runbookExecution.create({
          data: {
            ...base,
            status: 'FAILED',
            createdAt: h.clock(),
            finishedAt: new Date(h.clock().getTime() - 3_000_000),
          },
        });
      if (label === 'cooldown')
        await h.prisma.runbookExecution.create({
          data: {
            ...base,
            status: 'SUCCESS',
            createdAt: new Date(h.clock().getTime() - 7_200_000),
            finishedAt: new Date(h.clock().getTime() - 600_000),
          },
        });
      if (label === 'boot grace') labels.uptime_seconds = '120';
      if (label === 'concurrency')
        await h.prisma.runbookExecution.create({ data: { ...base, asset: 'other', status: 'IN_PROGRESS' } });
      const sends = h.ssmCalls('SendCommand');
      const { executions } = await h.alert(c.id, { asset, signature: 'disk_full', labels });
      await h.prisma.msp.update({ where: { id: h.msp.id }, data: { runbooksPaused: false } });
      const e = executions[0]!;
      expect(e.status).toBe('REFUSED');
      expect(e.error).toContain(reason.replace('kill: ', 'kill switch: '));
      expect(e.escalated).toBe(true);
      await h.queue.drain();
      expect(h.ssmCalls('SendCommand')).toBe(sends);
      const inc = await h.prisma.incident.findUniqueOrThrow({ where: { id: e.incidentId! } });
      expect(inc.escalationReason).toBe(e.error);
    });
  });

  describe('target resolution', () => {
    it('prefers the instance_id label, and escalates for no node or an offline node', async () => {
      const c = await h.company('target');
      await policy(c.id, 'MSP-DiskCleanup', { signature: 'disk_full' });
      const byLabel = await h.alert(c.id, {
        asset: 'whatever',
        signature: 'disk_full',
        labels: { instance_id: c.nodes.db01 },
      });
      expect([byLabel.executions[0]!.instanceId, byLabel.executions[0]!.targetSource]).toEqual([
        c.nodes.db01,
        'instance_id label',
      ]);
      const byComputer = await h.alert(c.id, { asset: 'TARGET-DB-01.corp', signature: 'disk_full' });
      expect(byComputer.executions[0]!.targetSource).toBe('asset = computer name');
      const none = await h.alert(c.id, { asset: 'nowhere-01', signature: 'disk_full' });
      expect(none.executions[0]!.error).toBe(
        'target: no managed node matches asset "nowhere-01" (no instance_id label; no node with that instance id, name, computer name or IP address)',
      );
      const offline = await h.alert(c.id, { asset: 'target-legacy', signature: 'disk_full' });
      expect(offline.executions[0]!.error).toBe(
        `target: managed node ${c.nodes.legacy} (found by asset = name) is ConnectionLost, not Online`,
      );
      expect(offline.executions[0]!.status).toBe('REFUSED');
    });
  });

  describe('parameter injection is refused before any AWS call', () => {
    it.each([['; rm -rf /'], ['$(reboot)'], ['nginx\nreboot'], ['`id`'], ["x' ; id ; '"]])(
      'label value %j',
      async (value) => {
        const c = await h.company(`inj-${Math.random().toString(36).slice(2, 8)}`);
        await policy(c.id, 'MSP-ServiceRestart', {
          signature: 'service_down',
          parameters: { ServiceName: '{{labels.service}}' },
        });
        const region = h.fake.region(c.accountId, 'us-east-1');
        const { executions } = await h.alert(c.id, {
          asset: `${c.slug}-web-01`,
          signature: 'service_down',
          labels: { service: value },
        });
        expect(executions[0]!.status).toBe('REFUSED');
        expect(executions[0]!.error).toBe(
          'parameters: ServiceName does not match the allowed pattern ^[A-Za-z0-9][A-Za-z0-9@._-]{0,127}$',
        );
        await h.queue.drain();
        expect([Object.keys(region.commands).length, Object.keys(region.automations).length]).toEqual([0, 0]);
        // A technician typing the same value gets a clear error and nothing is created.
        const count = await h.prisma.runbookExecution.count({ where: { companyId: c.id } });
        await expect(
          requestExecution(h.deps, {
            companyId: c.id,
            runbookId: h.runbook('MSP-ServiceRestart').id,
            incidentId: null,
            parameters: { ServiceName: value },
            actorId: h.user.id,
            needsApproval: false,
            asset: `${c.slug}-web-01`,
            labels: {},
            limits: MANUAL_LIMITS,
          }),
        ).rejects.toThrow(/^parameters: ServiceName does not match the allowed pattern/);
        expect(await h.prisma.runbookExecution.count({ where: { companyId: c.id } })).toBe(count);
        expect(Object.keys(region.commands).length).toBe(0);
      },
    );
  });

  it('a worker killed between SendCommand and storing the command id: the job resumes and the command runs once', async () => {
    const c = await h.company('crash');
    await policy(c.id, 'MSP-DiskCleanup', { verifyMinutes: 1 });
    const doomed = h.newQueue({ workerId: 'doomed', leaseMs: 5000 });
    doomed.work<{ executionId: string }>(EXECUTE_JOB, async (job, ctx) => {
      const { runExecutionStep } = await import('./worker.ts');
      return runExecutionStep(h.deps, job.payload.executionId, ctx.signal);
    });
    h.fake.commandBehaviour = () => {
      doomed.kill(); // the process dies while AWS accepts the command
      return undefined;
    };
    const { executions } = await h.alert(c.id, { asset: 'crash-web-01', signature: 'disk_full' });
    const id = executions[0]!.id;
    await doomed.drain();
    h.fake.commandBehaviour = undefined;
    let e = await h.prisma.runbookExecution.findUniqueOrThrow({ where: { id } });
    expect([e.status, e.commandId, e.sendingAt !== null]).toEqual(['PENDING', null, true]);
    const job = await h.pool.query(`SELECT state, "lockedBy" FROM "Job" WHERE "singletonKey" = $1`, [id]);
    expect(job.rows[0]).toEqual({ state: 'ACTIVE', lockedBy: 'doomed' });
    // The survivor cannot take it while the lease holds; once it expired, it resumes.
    expect(await h.queue.drain()).toBe(0);
    h.advance(6000);
    await sleep(100);
    e = await h.settle(id, ['VERIFYING']);
    h.advance(61_000);
    e = await h.settle(id, ['SUCCESS']);
    const cmds = Object.values(h.fake.region(c.accountId, 'us-east-1').commands).filter(
      (x) => x.Comment === `aw-exec:${id}`,
    );
    expect(cmds).toHaveLength(1);
    expect(e.commandId).toBe(cmds[0]!.CommandId);
    expect((await audit(id)).filter((a) => a === 'runbook.execution.sent')).toHaveLength(1);
    expect((await audit(id)).filter((a) => a === 'runbook.execution.verified')).toHaveLength(1);
  });

  it('two workers never run one execution twice', async () => {
    const c = await h.company('pair');
    const a = h.newQueue({ workerId: 'a' });
    const b = h.newQueue({ workerId: 'b' });
    const { registerRunbookWorker } = await import('./worker.ts');
    registerRunbookWorker({ ...h.deps, queue: a });
    registerRunbookWorker({ ...h.deps, queue: b });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const e = await requestExecution(h.deps, {
        companyId: c.id,
        runbookId: h.runbook('MSP-DiskCleanup').id,
        incidentId: null,
        parameters: { OlderThanDays: String(i + 1) },
        actorId: h.user.id,
        needsApproval: false,
        asset: i % 2 ? 'pair-web-01' : 'pair-db-01',
        labels: {},
        limits: { ...MANUAL_LIMITS, maxConcurrent: 100 },
      });
      ids.push(e.id);
    }
    a.start();
    b.start();
    for (const id of ids) {
      for (let i = 0; i < 400; i++) {
        const e = await h.prisma.runbookExecution.findUniqueOrThrow({ where: { id } });
        if (e.status === 'SUCCESS') break;
        await sleep(20);
      }
    }
    await Promise.all([a.stop(), b.stop()]);
    const rows = await h.prisma.runbookExecution.findMany({ where: { id: { in: ids } } });
    expect(rows.every((r) => r.status === 'SUCCESS')).toBe(true);
    const cmds = Object.values(h.fake.region(c.accountId, 'us-east-1').commands);
    for (const id of ids) expect(cmds.filter((x) => x.Comment === `aw-exec:${id}`)).toHaveLength(1);
  });
});
