// No duplicate across two worker processes and a kill -9 mid-delivery. Two real worker processes
// (test/crash-worker.ts) share the queue; a loopback webhook receiver holds the first request it
// gets without answering; the process that sent it (the job's lockedBy) is killed with SIGKILL
// while the request is open. The survivor takes the job over after the lease and sends it again
// with the same Idempotency-Key. Every (incident, trigger, channel) reaches the receiver; a key seen
// twice is one the killed worker had in flight (at most its concurrency), and a receiver
// deduplicating on the key processes each exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, type Harness, KEY } from './testing/harness.ts';
import { dispatchTrigger } from './index.ts';

const target = inject('pgTargets')[0]!;
const N = 30;
const LEASE_MS = 1500;

async function until<T>(f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`two worker processes and a kill -9 on ${target.name}`, () => {
  let h: Harness;
  let server: http.Server;
  const children = new Map<string, ChildProcess>();
  const arrivals: string[] = [];
  let held: { key: string; res: http.ServerResponse } | null = null;

  beforeAll(async () => {
    h = await createHarness(target, { start: new Date() });
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        arrivals.push(key);
        if (!held)
          held = { key, res }; // never answered: its sender is killed meanwhile
        else setTimeout(() => res.writeHead(204).end(), 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const c of children.values()) if (c.exitCode === null) c.kill('SIGKILL');
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  it('each (incident, trigger, channel) is delivered; only what the killed worker had in flight is repeated, with the same key', async () => {
    const c = await h.company('Crash');
    const ch = await h.channel({
      kind: 'WEBHOOK',
      name: 'crash',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      signingSecret: 'crash-test-signing-secret',
      ratePerMinute: 600,
    });
    await h.policy({ companyId: c.id, channelIds: [ch], triggers: ['incident.acknowledged'] });
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const inc = await h.incident(c.id, { asset: `crash-${i}` });
      ids.push(
        ...(await dispatchTrigger(h.deps, {
          trigger: 'incident.acknowledged',
          mspId: h.msp.id,
          incidentId: inc.id,
        })),
      );
    }
    expect(ids).toHaveLength(N);
    const worker = path.resolve(import.meta.dirname, './testing/crash-worker.ts');
    for (const id of ['w1', 'w2']) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', worker, h.deps.pool.options.connectionString!, id, KEY, String(LEASE_MS)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      children.set(id, child);
    }
    // The first request is held open; find who sent it from the job's lease, and kill it.
    const first = await until(async () => held ?? undefined);
    const delivery = await h.prisma.notificationDelivery.findUniqueOrThrow({ where: { key: first.key } });
    const job = await h.prisma.job.findFirstOrThrow({ where: { singletonKey: delivery.id } });
    const victim = children.get(job.lockedBy!)!;
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    // The survivor finishes everything, including the victim's job once its lease ran out.
    await until(
      async () =>
        (await h.prisma.notificationDelivery.count({ where: { id: { in: ids }, status: 'SENT' } })) === N,
      60_000,
    );
    // A delivery is SENT by its handler before the queue marks its job COMPLETED (the next
    // statement of the survivor): wait for the jobs too, or the last one may still read ACTIVE.
    await until(
      async () =>
        (await h.prisma.job.count({ where: { singletonKey: { in: ids }, state: { not: 'ACTIVE' } } })) === N,
      30_000,
    );
    const keys = (await h.prisma.notificationDelivery.findMany({ where: { id: { in: ids } } })).map(
      (d) => d.key,
    );
    const counts = new Map<string, number>();
    for (const k of arrivals) counts.set(k, (counts.get(k) ?? 0) + 1);
    expect(new Set(arrivals)).toEqual(new Set(keys)); // every one arrived, nothing else did
    expect(victim.signalCode).toBe('SIGKILL');
    // Jobs claimed twice are exactly the ones the victim held at the kill (at most its concurrency,
    // 4); every other delivery was claimed and sent once.
    const jobs = await h.prisma.job.findMany({ where: { singletonKey: { in: ids } } });
    expect(jobs.every((j) => j.state === 'COMPLETED' && j.attempts <= 2)).toBe(true);
    const retaken = new Set(jobs.filter((j) => j.attempts === 2).map((j) => j.singletonKey));
    expect(retaken.size).toBeGreaterThanOrEqual(1);
    expect(retaken.size).toBeLessThanOrEqual(4);
    const keyOf = new Map(
      (await h.prisma.notificationDelivery.findMany({ where: { id: { in: ids } } })).map((d) => [
        d.key,
        d.id,
      ]),
    );
    const repeated = [...counts].filter(([, n]) => n > 1);
    // The held request was cut by the kill and sent again; any repeat is one of the victim's, twice at most.
    expect(counts.get(first.key)).toBe(2);
    expect(repeated.every(([k, n]) => n === 2 && retaken.has(keyOf.get(k)!))).toBe(true);
    expect(arrivals.length).toBe(N + repeated.length);
    // The receiver deduplicating on Idempotency-Key processed each exactly once.
    expect(new Set(arrivals).size).toBe(N);
  }, 90_000);
});
