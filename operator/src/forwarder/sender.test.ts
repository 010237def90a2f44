import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/log.ts';
import { createMetrics } from '../observability/metrics.ts';
import { UpstreamClient } from '../upstream/client.ts';
import { DiskQueue, writeFileDurable } from './disk-queue.ts';
import { Sender } from './sender.ts';

interface Seen {
  key: string;
  ts: string;
  sig: string;
  body: string;
}

async function stubUpstream(answer: (body: { alerts: { asset: string }[] }, n: number) => number) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({
        key: String(req.headers['idempotency-key']),
        ts: String(req.headers['x-timestamp']),
        sig: String(req.headers['x-signature']),
        body,
      });
      const status = answer(JSON.parse(body), seen.length);
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(status < 300 ? '{"accepted":1}' : '{"error":{"code":"X","message":"no"}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => server.close(r)),
  };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(
  answer: Parameters<typeof stubUpstream>[0],
  o: { batch?: number; records?: number; inflight?: object } = {},
) {
  const up = await stubUpstream(answer);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-send-'));
  const q = await DiskQueue.open(dir, { maxBytes: 1 << 20 });
  const n = o.records ?? 3;
  await q.append(
    Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify({ asset: `a${i}`, signature: 's' }))),
  );
  if (o.inflight) await writeFileDurable(dir, 'inflight.json', JSON.stringify(o.inflight));
  const metrics = createMetrics();
  const client = new UpstreamClient(() => ({ url: up.url, apiKey: 'awk_test', hmacSecret: 'whsec_test' }));
  const sender = new Sender(q, client, metrics, silentLogger, {
    maxBatchAlerts: o.batch ?? 10,
    backoffBaseMs: 10,
    backoffMaxMs: 50,
    idleWaitMs: 20,
  });
  cleanup.push(
    () => up.close(),
    () => fs.rm(dir, { recursive: true, force: true }),
    () => q.close(),
    () => sender.stop(),
  );
  sender.start();
  return { up, q, dir, metrics, sender };
}

const until = async (fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('Sender', () => {
  it('retries a batch with the same Idempotency-Key and body, signed afresh each time, and acks only after a 2xx', async () => {
    const { up, q, metrics } = await setup((_b, n) => (n < 3 ? 503 : 202));
    await until(() => q.depth === 0);
    expect(up.seen).toHaveLength(3);
    expect(new Set(up.seen.map((s) => s.key)).size).toBe(1);
    expect(new Set(up.seen.map((s) => s.body)).size).toBe(1);
    // Every attempt carries its own signature (the app refuses a replayed one), and each verifies.
    expect(new Set(up.seen.map((s) => s.sig)).size).toBe(3);
    for (const s of up.seen)
      expect(s.sig).toBe(
        `sha256=${createHmac('sha256', 'whsec_test').update(`${s.ts}.${s.body}`).digest('hex')}`,
      );
    expect(JSON.parse(up.seen[0]!.body).alerts.map((a: { asset: string }) => a.asset)).toEqual([
      'a0',
      'a1',
      'a2',
    ]);
    expect((await metrics.retries.get()).values[0]!.value).toBe(2);
    expect((await metrics.forwarded.get()).values[0]!.value).toBe(3);
  });

  it('a batch the app refuses (400) is split to find the bad alert, which goes to dead-letter.jsonl; the rest arrive in order', async () => {
    const { up, q, dir, metrics } = await setup((b) => (b.alerts.some((a) => a.asset === 'a1') ? 400 : 202), {
      records: 4,
    });
    await until(() => q.depth === 0);
    const attempts = up.seen.map((s) => JSON.parse(s.body).alerts.map((a: { asset: string }) => a.asset));
    // The whole batch once, then one by one in queue order (a1 refused and set aside).
    expect(attempts).toEqual([['a0', 'a1', 'a2', 'a3'], ['a0'], ['a1'], ['a2'], ['a3']]);
    const dead = (await fs.readFile(path.join(dir, 'dead-letter.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead).toHaveLength(1);
    expect(dead[0].alert.asset).toBe('a1');
    expect((await metrics.deadLettered.get()).values[0]!.value).toBe(1);
  });

  it('after a restart, resends exactly the in-flight batch under its recorded Idempotency-Key', async () => {
    const { up, q } = await setup(() => 202, {
      records: 5,
      inflight: { first: 0, last: 1, key: 'aw-op-before-crash-0-1' },
    });
    await until(() => q.depth === 0);
    expect(up.seen[0]!.key).toBe('aw-op-before-crash-0-1');
    expect(JSON.parse(up.seen[0]!.body).alerts).toHaveLength(2);
    expect(up.seen[1]!.key).not.toBe('aw-op-before-crash-0-1');
    expect(JSON.parse(up.seen[1]!.body).alerts.map((a: { asset: string }) => a.asset)).toEqual([
      'a2',
      'a3',
      'a4',
    ]);
  });
});
