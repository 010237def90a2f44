import { promises as fs } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './forwarder/disk-queue.ts';
import { Forwarding } from './forwarder/pipeline.ts';
import { createHttpServer, listen } from './http-server.ts';
import { silentLogger } from './observability/log.ts';
import { createMetrics } from './observability/metrics.ts';

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function start(o: { maxBytes?: number; token?: string } = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-recv-'));
  const queue = await DiskQueue.open(dir, { maxBytes: o.maxBytes ?? 1 << 20 });
  const metrics = createMetrics();
  const forwarding = new Forwarding(queue, metrics, silentLogger, {
    cluster: 'prod-eu',
    operatorVersion: 'test',
  });
  const server: http.Server = createHttpServer({
    forwarding,
    metrics,
    log: silentLogger,
    receiverToken: o.token,
    ready: () => true,
  });
  const port = await listen(server, 0, '127.0.0.1');
  stops.push(
    () => fs.rm(dir, { recursive: true, force: true }),
    () => queue.close(),
    () => new Promise((r) => server.close(r)),
  );
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/api/v1/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { queue, metrics, forwarding, port, post };
}

const webhook = (n: number, extra: Record<string, string> = {}) => ({
  version: '4',
  status: 'firing',
  receiver: 'alert-whisperer',
  groupKey: '{}:{alertname="X"}',
  alerts: Array.from({ length: n }, (_, i) => ({
    status: 'firing',
    labels: {
      alertname: 'KubePodCrashLooping',
      namespace: 'shop',
      pod: `web-${i}`,
      severity: 'warning',
      ...extra,
    },
    annotations: { summary: 'crash looping' },
    startsAt: '2026-11-28T20:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: `f${i}`,
  })),
});

describe('receiver', () => {
  it('answers 200 only with the alerts on disk, in the native format with the pod as asset', async () => {
    const { post, queue } = await start();
    const res = await post(webhook(2));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2 });
    expect(queue.depth).toBe(2);
    const [a] = await queue.read(0, 1);
    expect(JSON.parse(a!.data.toString())).toMatchObject({
      asset: 'prod-eu/shop/Pod/web-0',
      signature: 'KubePodCrashLooping',
      severity: 'medium',
      status: 'firing',
      occurredAt: '2026-11-28T20:00:00.123Z',
      fingerprint: 'am:prod-eu:f0',
      labels: { cluster: 'prod-eu', pod: 'web-0' },
    });
  });

  it('answers 503 with Retry-After when the queue is full (and says so in a metric), 200 again once there is room', async () => {
    const { post, queue, metrics } = await start({ maxBytes: 1200 });
    expect((await post(webhook(2))).status).toBe(200);
    const full = await post(webhook(3));
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('30');
    expect(queue.depth).toBe(2); // nothing of the refused request was written
    expect((await metrics.queueFull.get()).values[0]!.value).toBe(1);
    expect((await metrics.rejectedFull.get()).values[0]!.value).toBe(3);
    await queue.ack(2);
    expect((await post(webhook(1))).status).toBe(200);
    expect((await metrics.queueFull.get()).values[0]!.value).toBe(0);
  });

  it('refuses bad input with field and reason, and writes nothing', async () => {
    const { post, queue } = await start();
    const bad = await post({ ...webhook(1), version: '3' });
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { problems: { field: string }[] } }).error.problems[0]!.field,
    ).toBe('version');
    const noTime = webhook(1);
    delete (noTime.alerts[0] as Partial<(typeof noTime.alerts)[0]>).startsAt;
    const r2 = await post(noTime);
    expect(r2.status).toBe(400);
    expect(((await r2.json()) as { error: { problems: { field: string }[] } }).error.problems[0]!.field).toBe(
      'alerts.0.startsAt',
    );
    expect((await post('{not json')).status).toBe(400);
    expect(queue.depth).toBe(0);
  });

  it('with a receiver token, a request without it is refused', async () => {
    const { post, queue } = await start({ token: 'a-long-enough-receiver-token' });
    expect((await post(webhook(1))).status).toBe(401);
    expect((await post(webhook(1), { authorization: 'Bearer wrong-token-of-some-length' })).status).toBe(401);
    expect((await post(webhook(1), { authorization: 'Bearer a-long-enough-receiver-token' })).status).toBe(
      200,
    );
    expect(queue.depth).toBe(1);
  });
});
