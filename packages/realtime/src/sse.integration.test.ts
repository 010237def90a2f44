import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PublishInput, RealtimeEvent } from './events.ts';
import { LISTEN_APPLICATION_NAME } from './hub.ts';
import { createRealtimeService } from './service.ts';
import { connectSse, startSseInstance, type SseInstance } from './testing/index.ts';

const mspA = randomUUID();
const mspB = randomUUID();
const a1 = randomUUID();
const a2 = randomUUID();
const b1 = randomUUID();

const sessions = {
  'staff-a': { mspId: mspA },
  'staff-b': { mspId: mspB },
  'client-a1': { mspId: mspA, companyId: a1 },
};
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function incident(mspId: string, companyId: string | null, title: string): PublishInput {
  return {
    type: 'incident.created',
    mspId,
    companyId,
    payload: { incidentId: randomUUID(), title, severity: 'HIGH', status: 'OPEN', alertCount: 1 },
  };
}

const titles = (evs: { payload: unknown }[]) => evs.map((e) => (e.payload as { title: string }).title);

describe.each(inject('pgTargets'))('SSE over LISTEN/NOTIFY on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let one: SseInstance;
  let two: SseInstance;
  // What instance two's hub reported as each event's publication → its LISTEN session (seconds).
  const notified: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    [one, two] = await Promise.all([
      startSseInstance({ databaseUrl: db.url, sessions, options: { heartbeatMs: 200 } }),
      startSseInstance({
        databaseUrl: db.url,
        sessions,
        options: { heartbeatMs: 200, maxQueueBytes: 1024 * 1024, stallTimeoutMs: 30_000 },
        onNotified: (s) => notified.push(s),
      }),
    ]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('delivers a batch published in one statement in order, each to the scopes that may see it', async () => {
    const staff = connectSse(two.url, auth('staff-a'));
    const client = connectSse(two.url, auth('client-a1'));
    const other = connectSse(two.url, auth('staff-b'));
    await Promise.all(
      [staff, client, other].map((c) => c.waitFor((f) => f.some((x) => x.event === 'ready'))),
    );
    const batch = [
      incident(mspA, a1, 'batch-1'),
      incident(mspA, a2, 'batch-2'),
      incident(mspA, null, 'batch-3'),
      incident(mspA, a1, 'batch-4'),
      incident(mspB, b1, 'batch-5'),
    ];
    const published = await one.hub.publishMany(batch);
    expect(published.map((e) => e.type)).toEqual(batch.map((b) => b.type));
    const ids = published.map((e) => BigInt(e.id));
    expect(ids.every((id, k) => k === 0 || id > ids[k - 1]!)).toBe(true);
    await staff.waitFor(() => staff.events().length === 4);
    await client.waitFor(() => client.events().length === 2);
    await other.waitFor(() => other.events().length === 1);
    expect(titles(staff.events())).toEqual(['batch-1', 'batch-2', 'batch-3', 'batch-4']);
    expect(titles(client.events())).toEqual(['batch-1', 'batch-4']);
    expect(titles(other.events())).toEqual(['batch-5']);
    expect(staff.events().map((e) => e.id)).toEqual(published.slice(0, 4).map((e) => e.id));
    expect(await one.hub.publishMany([])).toEqual([]);
    for (const c of [staff, client, other]) c.close();
  });

  it('carries an event in its NOTIFY when it fits, and reads the log only for one that does not', async () => {
    const staff = connectSse(two.url, auth('staff-a'));
    await staff.waitFor((f) => f.some((x) => x.event === 'ready'));
    const log = two.hub.log;
    const byIds = log.byIds.bind(log);
    const read: string[][] = [];
    log.byIds = (ids, db) => {
      read.push(ids);
      return byIds(ids, db);
    };
    try {
      const big = { ...incident(mspA, a1, 'x'.repeat(9_000)) };
      const batch = [incident(mspA, a1, 'small-1'), big, incident(mspA, null, 'small-2')];
      const published = await one.hub.publishMany(batch);
      const single = await one.hub.publish(incident(mspA, a2, 'small-3'));
      await staff.waitFor(() => staff.events().length === 4);
      // Every event as the log holds it, in id order, the one too large for a NOTIFY included.
      const stored = await byIds([...published, single!].map((e) => e.id));
      // The SSE data of an event is the whole event (sse.ts), mspId and createdAt included.
      const got = staff.events() as unknown as RealtimeEvent[];
      expect(
        got.map(({ id, type, mspId, companyId, payload, createdAt }) => ({
          id,
          type,
          mspId,
          companyId,
          payload,
          createdAt,
        })),
      ).toEqual(stored);
      expect(stored.map((e) => e.createdAt)).toEqual([...published, single!].map((e) => e.createdAt));
      // Only the large one was read back.
      expect(read).toEqual([[published[1]!.id]]);
    } finally {
      log.byIds = byIds;
      staff.close();
    }
  });

  it("reports each event's time from its publication to the LISTEN session, its publishing transaction included", async () => {
    const staff = connectSse(two.url, auth('staff-a'));
    await staff.waitFor((f) => f.some((x) => x.event === 'ready'));
    notified.splice(0);
    // Published at once: well under a second. Then an event whose transaction stays open 300 ms
    // after it began: its createdAt is that start, and its NOTIFY leaves at the commit.
    await one.hub.publish(incident(mspA, a1, 'prompt'));
    await staff.waitFor(() => staff.events().length === 1);
    const c = await one.pool.connect();
    try {
      await c.query('BEGIN');
      await one.hub.publish(incident(mspA, a1, 'held'), { db: c });
      await new Promise((r) => setTimeout(r, 300));
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    await staff.waitFor(() => staff.events().length === 2);
    expect(notified).toHaveLength(2);
    expect(notified[0]!).toBeLessThan(0.25);
    expect(notified[1]!).toBeGreaterThanOrEqual(0.29);
    expect(notified[1]!).toBeLessThan(5);
    staff.close();
  });

  it("reports each publishing statement's time from its events' publication to its answer", async () => {
    const took: number[] = [];
    const failed: string[] = [];
    const service = createRealtimeService({
      pool: one.pool,
      connectionString: db.url,
      settings: { transport: 'sse', retentionMs: 3_600_000, heartbeatMs: 15_000 },
      onPublished: (s) => took.push(s),
      onError: (_e, where) => failed.push(where),
    });
    try {
      // One statement of three events: one figure. Then a statement in a transaction that began
      // 300 ms before it: its rows' createdAt is that start.
      expect(await service.publishMany([1, 2, 3].map((i) => incident(mspA, a1, `many-${i}`)))).toHaveLength(
        3,
      );
      const c = await one.pool.connect();
      try {
        await c.query('BEGIN');
        await new Promise((r) => setTimeout(r, 300));
        expect(await service.publish(incident(mspA, a1, 'late'), { db: c })).not.toBeNull();
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      // A statement that fails reports nothing.
      await service.publishMany([{ ...incident(mspA, a1, 'bad'), mspId: 'not-a-uuid' }]);
      expect(failed).toEqual(['publish 1 events']);
      expect(took).toHaveLength(2);
      expect(took[0]!).toBeLessThan(0.25);
      expect(took[1]!).toBeGreaterThanOrEqual(0.29);
      expect(took[1]!).toBeLessThan(5);
    } finally {
      await service.close();
    }
  });

  it('refuses a request without a session', async () => {
    const c = connectSse(two.url);
    expect(await c.status).toBe(401);
    c.close();
  });

  it('delivers an event published on one instance to subscribers of both', async () => {
    const onTwo = connectSse(two.url, auth('staff-a'));
    const onOne = connectSse(one.url, auth('staff-a'));
    await Promise.all([onTwo, onOne].map((c) => c.waitFor((f) => f.some((x) => x.event === 'ready'))));
    const published = await one.hub.publish(incident(mspA, a1, 'cross-instance'));
    await onTwo.waitFor(() => onTwo.events().length === 1);
    await onOne.waitFor(() => onOne.events().length === 1);
    for (const c of [onTwo, onOne]) {
      const [e] = c.events();
      expect(e).toMatchObject({ id: published!.id, type: 'incident.created', companyId: a1 });
      expect(c.lastEventId()).toBe(published!.id);
    }
    // Heartbeats keep the stream alive (comments, invisible to EventSource).
    onTwo.close();
    onOne.close();
  });

  it('replays the gap after a reconnect with Last-Event-ID, on the other instance', async () => {
    const first = connectSse(two.url, auth('staff-a'));
    await first.waitFor((f) => f.some((x) => x.event === 'ready'));
    await one.hub.publish(incident(mspA, a1, 'before'));
    await first.waitFor(() => first.events().length === 1);
    const lastId = first.lastEventId()!;
    first.close();
    await first.closed;

    await one.hub.publish(incident(mspA, a1, 'gap-1'));
    await two.hub.publish(incident(mspA, a2, 'gap-2'));
    await one.hub.publish(incident(mspB, b1, 'other MSP'));

    const again = connectSse(one.url, { ...auth('staff-a'), 'last-event-id': lastId });
    await again.waitFor(() => again.events().length === 2);
    expect(titles(again.events())).toEqual(['gap-1', 'gap-2']);
    await two.hub.publish(incident(mspA, a1, 'live after resume'));
    await again.waitFor(() => again.events().length === 3);
    expect(titles(again.events())).toEqual(['gap-1', 'gap-2', 'live after resume']);
    const ids = again.events().map((e) => BigInt(e.id));
    expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);
    again.close();
  });

  it('a fresh stream resumes from its ready position even if it saw no event', async () => {
    const c = connectSse(two.url, auth('staff-a'));
    await c.waitFor((f) => f.some((x) => x.event === 'ready'));
    const pos = c.lastEventId()!;
    c.close();
    await c.closed;
    await one.hub.publish(incident(mspA, a1, 'while away'));
    const back = connectSse(two.url, { ...auth('staff-a'), 'last-event-id': pos });
    await back.waitFor(() => back.events().length === 1);
    expect(titles(back.events())).toEqual(['while away']);
    back.close();
  });

  it("never shows a company's events to another company's people or another MSP", async () => {
    const client = connectSse(two.url, auth('client-a1'));
    const otherMsp = connectSse(one.url, auth('staff-b'));
    const staff = connectSse(one.url, auth('staff-a'));
    const narrowedA2 = connectSse(`${two.url}?companyId=${a2}`, auth('staff-a'));
    const sneaky = connectSse(`${two.url}?companyId=${a2}`, auth('client-a1'));
    expect(await sneaky.status).toBe(401);
    const all = [client, otherMsp, staff, narrowedA2];
    await Promise.all(all.map((c) => c.waitFor((f) => f.some((x) => x.event === 'ready'))));

    await one.hub.publish(incident(mspA, a2, 'A2 only'));
    await two.hub.publish(incident(mspB, b1, 'B1 only'));
    await one.hub.publish(incident(mspA, null, 'MSP A wide'));
    await two.hub.publish(incident(mspA, a1, 'A1 only'));

    await staff.waitFor(() => staff.events().length === 3);
    await client.waitFor(() => client.events().length === 1);
    await narrowedA2.waitFor(() => narrowedA2.events().length === 1);
    // Give stray deliveries a chance to show up before asserting their absence.
    // Each instance fans out in id order: once a later marker arrives, nothing earlier is pending.
    const marker = await one.hub.publish(incident(mspA, a1, 'marker'));
    const markerB = await one.hub.publish(incident(mspB, b1, 'marker B'));
    await client.waitFor(() => client.events().some((e) => e.id === marker!.id));
    await staff.waitFor(() => staff.events().some((e) => e.id === marker!.id));
    await otherMsp.waitFor(() => otherMsp.events().some((e) => e.id === markerB!.id));

    expect(titles(client.events())).toEqual(['A1 only', 'marker']);
    expect(titles(otherMsp.events())).toEqual(['B1 only', 'marker B']);
    expect(titles(staff.events())).toEqual(['A2 only', 'MSP A wide', 'A1 only', 'marker']);
    expect(titles(narrowedA2.events())).toEqual(['A2 only']);
    for (const c of all) c.close();

    // Replay is scoped the same way.
    const replay = connectSse(one.url, { ...auth('client-a1'), 'last-event-id': '0' });
    await replay.waitFor(() => replay.events().some((e) => e.id === marker!.id));
    expect(replay.events().every((e) => e.companyId === a1)).toBe(true);
    replay.close();
  });

  it('drops a consumer that stops reading instead of buffering without bound', async () => {
    const before = two.hub.subscriberCount;
    // A raw socket that sends the request and never reads the response.
    const port = Number(new URL(two.url).port);
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.pause();
    sock.write(`GET /stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer staff-a\r\n\r\n`);
    const healthy = connectSse(two.url, auth('staff-a'));
    await healthy.waitFor((f) => f.some((x) => x.event === 'ready'));
    await expect.poll(() => two.hub.subscriberCount, { timeout: 10_000 }).toBe(before + 2);
    const lastTwo = two.connections.slice(-2);

    const big = 'x'.repeat(16 * 1024);
    const n = 1000; // ~16 MB, well past the kernel's loopback socket buffers and the 1 MiB queue
    const startRss = process.memoryUsage().rss;
    for (let i = 0; i < n; i++) await one.hub.publish(incident(mspA, a1, `${i}:${big}`));
    await healthy.waitFor(() => healthy.events().length === n, 30_000);

    await expect
      .poll(() => lastTwo.filter((c) => c.stats.closedReason === 'slow consumer (queue full)').length, {
        timeout: 10_000,
      })
      .toBe(1);
    const slow = lastTwo.find((c) => c.stats.closedReason !== null)!;
    const fast = lastTwo.find((c) => c.stats.closedReason === null)!;
    expect(fast.stats.sentEvents).toBe(n);
    expect(slow.stats.sentEvents).toBeLessThan(n);
    expect(slow.stats.peakQueuedBytes).toBeLessThanOrEqual(1024 * 1024 + 20 * 1024);
    expect(slow.stats.queuedBytes).toBe(0);
    await expect.poll(() => two.hub.subscriberCount, { timeout: 10_000 }).toBe(before + 1);
    // Memory did not grow by anything like the published volume per slow client.
    expect(process.memoryUsage().rss - startRss).toBeLessThan(200 * 1024 * 1024);
    sock.destroy();
    healthy.close();
  });

  it('catches up after its LISTEN connection was cut', async () => {
    const c = connectSse(two.url, auth('staff-a'));
    await c.waitFor((f) => f.some((x) => x.event === 'ready'));
    // Cut instance two's LISTEN session from the server side, then publish while it is gone.
    const { rows } = await one.pool.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
      [LISTEN_APPLICATION_NAME],
    );
    expect(rows.length).toBe(2); // both instances listen; both are cut and both must recover
    await one.hub.publish(incident(mspA, a1, 'while cut 1'));
    await one.hub.publish(incident(mspA, a1, 'while cut 2'));
    await c.waitFor(() => c.events().length === 2, 15_000);
    expect(titles(c.events())).toEqual(['while cut 1', 'while cut 2']);
    await one.hub.publish(incident(mspA, a1, 'after'));
    await c.waitFor(() => c.events().length === 3, 15_000);
    c.close();
  });

  it('tells a client to refetch when its position was pruned from the log', async () => {
    const first = await one.hub.publish(incident(mspA, a1, 'old'));
    await one.pool.query(`UPDATE "RealtimeEvent" SET "createdAt" = "createdAt" - interval '2 days'`);
    expect(await one.hub.prune()).toBeGreaterThan(0);
    await one.hub.publish(incident(mspA, a1, 'new'));
    const c = connectSse(two.url, { ...auth('staff-a'), 'last-event-id': String(BigInt(first!.id) - 5n) });
    await c.waitFor((f) => f.some((x) => x.event === 'reset'));
    expect(c.events()).toEqual([]);
    c.close();
  });
});
