import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';
import { randomUUID } from 'node:crypto';
import {
  listDeadLetters,
  notificationKpiCsv,
  notificationKpiRows,
  notificationKpis,
  onIncidentChanged,
  retryDeadLetter,
} from './index.ts';

const target = inject('pgTargets')[0]!;

describe(`policies and delivery on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });
  const webhook = (name: string) =>
    h.channel({
      kind: 'WEBHOOK',
      name,
      url: `${h.receivers.webhook.url}/${name}`,
      signingSecret: 'sixteen-chars-or-more',
    });
  const at = (path: string) =>
    h.receivers.webhook.received.filter((r) => r.path === `/${path}`).map((r) => r.json);

  it('matches company, severity and matchers; one message per incident per trigger, never one per alert', async () => {
    const c = await h.company();
    const ch = await webhook('match');
    await h.policy({
      companyId: c.id,
      channelIds: [ch],
      severities: ['CRITICAL', 'HIGH'],
      matchers: [{ field: 'asset', op: '=~', value: 'db-.*' }],
      triggers: [
        'incident.opened',
        'incident.severity_raised',
        'incident.acknowledged',
        'incident.resolved',
        'incident.flapping',
      ],
    });
    const low = await h.incident(c.id, { severity: 'LOW', asset: 'db-01' });
    const web = await h.incident(c.id, { severity: 'HIGH', asset: 'web-01' });
    const db = await h.incident(c.id, { severity: 'MEDIUM', asset: 'db-02' });
    const hit = await h.incident(c.id, { severity: 'HIGH', asset: 'db-03' });
    for (const i of [low, web, db]) expect(await h.notify(h.event(i, 'incident.created'))).toEqual([]);
    expect(await h.notify(h.event(hit, 'incident.created'))).toHaveLength(1);
    // The same change reported again (another alert joined, a second worker, a replay): nothing new.
    expect(await h.notify(h.event(hit, 'incident.created'))).toEqual([]);
    expect(await h.notify(h.event(hit, 'incident.updated', { alertCount: 5 }))).toEqual([]);
    // Severity raised to CRITICAL: once; flapping: once; HIGH again: nothing.
    expect(await h.notify(h.event(hit, 'incident.updated', { severity: 'CRITICAL' }))).toHaveLength(1);
    expect(
      await h.notify(h.event(hit, 'incident.updated', { severity: 'CRITICAL', flapping: true })),
    ).toHaveLength(1);
    expect(await h.notify(h.event(hit, 'incident.updated', { severity: 'HIGH', flapping: true }))).toEqual(
      [],
    );
    await h.drain();
    // (The opened message waits for its group flush, so it may go out after the others.)
    expect(
      at('match')
        .map((m) => m.type)
        .sort(),
    ).toEqual(['incident.flapping', 'incident.opened', 'incident.severity_raised']);
  });

  it('opens of one company within group_wait become one digest; below the threshold, single messages', async () => {
    const c = await h.company('Digesty');
    const ch = await webhook('digest');
    await h.policy({
      companyId: c.id,
      channelIds: [ch],
      groupWaitSeconds: 30,
      groupIntervalSeconds: 300,
      digestThreshold: 3,
    });
    const incs = [];
    for (let i = 0; i < 5; i++) incs.push(await h.incident(c.id, { asset: `node-${i}` }));
    for (const i of incs) await h.notify(h.event(i, 'incident.created'));
    await h.drain();
    expect(at('digest')).toEqual([]); // group_wait not over yet
    h.advance(31_000);
    await h.drain();
    const got = at('digest');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'digest', title: '5 new incidents at Digesty' });
    expect((got[0]!.incidents as { incidentId: string }[]).map((i) => i.incidentId).sort()).toEqual(
      incs.map((i) => i.id).sort(),
    );
    // Two more within group_interval: held until the interval ends, then sent one by one (2 < 3).
    const late = [await h.incident(c.id, { asset: 'late-1' }), await h.incident(c.id, { asset: 'late-2' })];
    for (const i of late) await h.notify(h.event(i, 'incident.created'));
    h.advance(60_000);
    await h.drain();
    expect(at('digest')).toHaveLength(1);
    h.advance(300_000);
    await h.drain();
    expect(
      at('digest')
        .slice(1)
        .map((m) => m.type),
    ).toEqual(['incident.opened', 'incident.opened']);
    const tl = await h.prisma.incidentEvent.findMany({ where: { incidentId: incs[0]!.id } });
    expect(tl.map((e) => e.message)).toEqual(['Notified webhook "digest" in a digest of 5 (webhook 204)']);
    const rows = await h.prisma.notificationDelivery.groupBy({
      by: ['status'],
      where: { channelId: ch },
      _count: true,
    });
    expect(Object.fromEntries(rows.map((r) => [r.status, r._count]))).toEqual({ GROUPED: 5, SENT: 3 });
  });

  it('quiet hours in the company time zone hold a HIGH message until they end; CRITICAL goes at once', async () => {
    // Clock: Monday 2026-11-30 ~15:07 UTC = ~23:07 in Singapore.
    const c = await h.company('Nightly', 'Asia/Singapore');
    const ch = await webhook('quiet');
    await h.policy({
      companyId: c.id,
      channelIds: [ch],
      quietHours: { start: '22:00', end: '07:00', allow: ['CRITICAL'] },
    });
    const high = await h.incident(c.id, { severity: 'HIGH' });
    const crit = await h.incident(c.id, { severity: 'CRITICAL' });
    await h.notify(h.event(high, 'incident.created'));
    await h.notify(h.event(crit, 'incident.created'));
    await h.drain();
    expect(at('quiet').map((m) => (m.incident as { incidentId: string }).incidentId)).toEqual([crit.id]);
    const held = await h.prisma.notificationDelivery.findFirstOrThrow({ where: { incidentId: high.id } });
    expect(held.notBefore.toISOString()).toBe('2026-11-30T23:00:00.000Z'); // 07:00 in Singapore
    h.advance(held.notBefore.getTime() - h.clock().getTime() - 1000);
    await h.drain();
    expect(at('quiet')).toHaveLength(1);
    h.advance(1000);
    await h.drain();
    expect(at('quiet')).toHaveLength(2);
  });

  it('two policies on one channel: one message, as early as either allows', async () => {
    const c = await h.company('Overlap', 'Asia/Singapore'); // ~23:07 there: quiet for one policy
    const ch = await webhook('overlap');
    await h.policy({
      companyId: c.id,
      channelIds: [ch],
      quietHours: { start: '22:00', end: '07:00', allow: [] },
    });
    await h.policy({ companyId: c.id, channelIds: [ch] });
    const inc = await h.incident(c.id, { severity: 'HIGH' });
    await h.notify(h.event(inc, 'incident.created'));
    await h.drain();
    expect(at('overlap')).toHaveLength(1);
    expect(await h.prisma.notificationDelivery.count({ where: { incidentId: inc.id } })).toBe(1);
  });

  it('a per-channel rate limit defers, never drops', async () => {
    const c = await h.company();
    const ch = await h.channel({
      kind: 'WEBHOOK',
      name: 'rl',
      url: `${h.receivers.webhook.url}/rl`,
      signingSecret: 'sixteen-chars-or-more',
      ratePerMinute: 2,
    });
    await h.policy({ companyId: c.id, channelIds: [ch], triggers: ['incident.resolved'] });
    const incs = [];
    for (let i = 0; i < 5; i++) incs.push(await h.incident(c.id, { asset: `rl-${i}` }));
    for (const i of incs) await h.notify(h.event(i, 'incident.resolved'));
    await h.drain();
    expect(at('rl')).toHaveLength(2);
    h.advance(61_000);
    await h.drain();
    expect(at('rl')).toHaveLength(4);
    h.advance(61_000);
    await h.drain();
    expect(at('rl')).toHaveLength(5);
  });

  it('retries with backoff, then the dead letter with the last error; retry sends it', async () => {
    const c = await h.company();
    const ch = await webhook('flaky');
    await h.policy({ companyId: c.id, channelIds: [ch], triggers: ['incident.resolved'] });
    const inc = await h.incident(c.id);
    h.receivers.webhook.failNext.push(503, 503, 503);
    await h.notify(h.event(inc, 'incident.resolved'));
    await h.drain(); // attempt 1 fails
    let d = await h.prisma.notificationDelivery.findFirstOrThrow({ where: { incidentId: inc.id } });
    expect([d.status, d.attempts, d.lastError]).toEqual([
      'PENDING',
      1,
      expect.stringContaining('answered 503'),
    ]);
    await h.drain();
    expect((await h.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } })).attempts).toBe(1); // backoff: not due
    h.advance(1_000);
    await h.drain(); // attempt 2 fails
    h.advance(2_000);
    await h.drain(); // attempt 3 (the last) fails
    d = await h.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } });
    expect([d.status, d.attempts]).toEqual(['FAILED', 3]);
    const dead = await listDeadLetters(h.deps, h.msp.id);
    expect(dead.find((x) => x.id === d.id)).toMatchObject({
      lastError: expect.stringContaining('503'),
      trigger: 'incident.resolved',
    });
    expect(
      await listDeadLetters(
        h.deps,
        (await h.prisma.msp.create({ data: { name: 'x', slug: `x-${d.id.slice(0, 8)}` } })).id,
      ),
    ).toEqual([]);
    await retryDeadLetter(h.deps, { mspId: h.msp.id, actorId: h.user.id, id: d.id });
    await h.drain();
    expect((await h.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: d.id } })).status).toBe(
      'SENT',
    );
    expect(at('flaky')).toHaveLength(1);
    const tl = await h.prisma.incidentEvent.findMany({
      where: { incidentId: inc.id },
      orderBy: { id: 'asc' },
    });
    expect(tl.map((e) => e.type)).toEqual(['notification.failed', 'notification.sent']);
  });

  it('a permanent refusal (4xx) goes to the dead letter at once', async () => {
    const c = await h.company();
    const ch = await webhook('gone');
    await h.policy({ companyId: c.id, channelIds: [ch], triggers: ['incident.resolved'] });
    const inc = await h.incident(c.id);
    h.receivers.webhook.failNext.push(404);
    await h.notify(h.event(inc, 'incident.resolved'));
    await h.drain();
    const d = await h.prisma.notificationDelivery.findFirstOrThrow({ where: { incidentId: inc.id } });
    expect([d.status, d.attempts]).toEqual(['FAILED', 1]);
  });

  it('two workers on one queue: every message once, none twice', async () => {
    const c = await h.company();
    const ch = await h.channel({
      kind: 'WEBHOOK',
      name: 'two',
      url: `${h.receivers.webhook.url}/two`,
      signingSecret: 'sixteen-chars-or-more',
      ratePerMinute: 600,
    });
    await h.policy({ companyId: c.id, channelIds: [ch], triggers: ['incident.resolved'] });
    h.receivers.webhook.delayMs = 20;
    const a = h.makeDeps('worker-a');
    const b = h.makeDeps('worker-b');
    const incs = [];
    for (let i = 0; i < 30; i++) incs.push(await h.incident(c.id, { asset: `two-${i}` }));
    // Both workers hear every change (two app processes) and both work the queue.
    await Promise.all(
      incs.flatMap((i) => [a, b].map((d) => onIncidentChanged(d, h.event(i, 'incident.resolved')))),
    );
    a.queue.start();
    b.queue.start();
    // 30 messages at 600 a minute take 3 s at best; a loaded CI machine may take several times that.
    const deadline = Date.now() + 60_000;
    while (at('two').length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    // Then long enough for a duplicate, if any, to arrive too.
    await new Promise((r) => setTimeout(r, 500));
    await a.queue.stop();
    await b.queue.stop();
    h.receivers.webhook.delayMs = 0;
    const keys = at('two').map((m) => m.id as string);
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
    const by = await h.pool.query(
      `SELECT "lockedBy" FROM "Job" WHERE name = 'notify.deliver' AND payload->>'deliveryId' = ANY($1::text[])`,
      [
        (
          await h.prisma.notificationDelivery.findMany({ where: { channelId: ch }, select: { id: true } })
        ).map((d) => d.id),
      ],
    );
    expect(by.rowCount).toBe(30);
  });

  it('KPIs: median time to first notification and to acknowledge', async () => {
    const c = await h.company('Kpi');
    const ch = await webhook('kpi');
    await h.policy({ companyId: c.id, channelIds: [ch] });
    const since = new Date(h.clock().getTime() - 1000);
    const incs = [await h.incident(c.id, { asset: 'k1' }), await h.incident(c.id, { asset: 'k2' })];
    // Opened 60 s and 120 s before the notification goes out; acknowledged 300 s after opening (one of them).
    await h.prisma.incident.update({
      where: { id: incs[0]!.id },
      data: { createdAt: new Date(h.clock().getTime() - 60_000) },
    });
    await h.prisma.incident.update({
      where: { id: incs[1]!.id },
      data: {
        createdAt: new Date(h.clock().getTime() - 120_000),
        acknowledgedAt: new Date(h.clock().getTime() + 180_000),
      },
    });
    for (const i of incs) await h.notify(h.event(i, 'incident.created'));
    await h.drain();
    const k = await notificationKpis(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      since: new Date(since.getTime() - 600_000),
    });
    expect(k).toEqual({
      incidents: 2,
      notified: 2,
      acknowledged: 1,
      medianSecondsToFirstNotification: 90,
      medianSecondsToAcknowledge: 300,
    });
    // The CSV behind the KPI card: one row per incident, newest first, the same figures.
    const rows = await notificationKpiRows(h.prisma, {
      mspId: h.msp.id,
      companyId: c.id,
      since: new Date(since.getTime() - 600_000),
    });
    expect(
      rows.map((r) => [r.incident_id, r.seconds_to_first_notification, r.seconds_to_acknowledge]),
    ).toEqual([
      [incs[0]!.id, 60, null],
      [incs[1]!.id, 120, 300],
    ]);
    const csv = notificationKpiCsv(rows).split('\r\n');
    expect(csv[0]).toBe(
      'incident_id,company,title,severity,opened_at,first_notified_at,seconds_to_first_notification,acknowledged_at,seconds_to_acknowledge',
    );
    expect(csv[2]).toContain(`${incs[1]!.id},Kpi,disk_full on k2,HIGH,`);
    expect(csv[2]!.endsWith(`,120,${new Date(h.clock().getTime() + 180_000).toISOString()},300`)).toBe(true);
    // Another MSP's view of the same period holds none of these incidents.
    expect(await notificationKpiRows(h.prisma, { mspId: randomUUID(), since: new Date(0) })).toEqual([]);
  });
});
