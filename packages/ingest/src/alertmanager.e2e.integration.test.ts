// End to end with a real peer: Debian's prometheus-alertmanager on loopback, its webhook receiver
// pointing at our handler served by node:http, alerts posted to its v2 API.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, freePort } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestRuntime } from './handler.ts';
import { serveIngest } from './server.ts';
import { createTenants, TEST_ENCRYPTION_KEY } from './testing/tenants.ts';
import { silentLogger } from './types.ts';

function findAlertmanager(): string | null {
  const candidates = [
    process.env.AW_ALERTMANAGER_BIN,
    '/usr/bin/prometheus-alertmanager',
    '/usr/local/bin/prometheus-alertmanager',
  ];
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir) candidates.push(path.join(dir, 'prometheus-alertmanager'));
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const [target] = inject('pgTargets');

describe('Alertmanager → webhook → stored alerts (real prometheus-alertmanager)', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof serveIngest>>;
  let am: ChildProcess | null = null;
  let amLog = '';
  let amUrl = '';
  let dir = '';
  let tenants: Awaited<ReturnType<typeof createTenants>>;

  beforeAll(async () => {
    const bin = findAlertmanager();
    // No skipping: without the binary the test below fails (CI installs it in .ci/run). The check
    // sits in the test, not here, so the report counts a failure rather than skipped tests.
    if (!bin) return;
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 2 });
    pool = createPool(db.url, { max: 4 });
    tenants = await createTenants(prisma);
    const rt = createIngestRuntime({ pool, encryptionKey: TEST_ENCRYPTION_KEY, logger: silentLogger });
    server = await serveIngest(rt);
    expect(server.server.keepAliveTimeout).toBeGreaterThanOrEqual(65_000);

    dir = mkdtempSync(path.join(os.tmpdir(), 'aw-am-'));
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: alert-whisperer',
        "  group_by: ['alertname', 'instance']",
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: alert-whisperer',
        '    webhook_configs:',
        `      - url: ${server.url}/api/v1/webhooks/alertmanager`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        '            type: Bearer',
        `            credentials: ${tenants.a.unsignedKey}`,
        '',
      ].join('\n'),
    );
    am = spawn(
      bin,
      [
        `--config.file=${path.join(dir, 'alertmanager.yml')}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=debug',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.stdout!.on('data', (d) => (amLog += d));
    am.stderr!.on('data', (d) => (amLog += d));
    await waitFor('alertmanager ready', async () => (await fetch(`${amUrl}/-/ready`)).ok);
  });

  afterAll(async () => {
    if (am?.pid && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      process.kill(am.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (am.exitCode === null && am.signalCode === null) process.kill(am.pid, 'SIGKILL');
    }
    await server?.close();
    await pool?.end();
    await prisma?.$disconnect();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const postAlerts = async (alerts: unknown[]) => {
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status, await res.text()).toBe(200);
  };

  it('delivers firing alerts to the right company, then their resolution', async () => {
    if (!am)
      throw new Error(
        `prometheus-alertmanager not found${process.env.CI === 'true' ? ' (CI=true)' : ''}: apt-get install -y prometheus-alertmanager`,
      );
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const labels = (instance: string) => ({
      alertname: 'E2EHighLoad',
      instance,
      severity: 'critical',
      job: 'node',
    });
    await postAlerts([
      {
        labels: labels('e2e-01:9100'),
        annotations: { summary: 'load is high' },
        startsAt,
        generatorURL: 'http://prom/graph',
      },
      {
        labels: labels('e2e-02:9100'),
        annotations: { summary: 'load is high' },
        startsAt,
        generatorURL: 'http://prom/graph',
      },
    ]);
    const firing = await waitFor(`firing alerts (alertmanager log:\n${amLog.slice(-2000)})`, async () => {
      const rows = await prisma.alert.findMany({ where: { signature: 'E2EHighLoad', status: 'FIRING' } });
      return rows.length === 2 ? rows : null;
    });
    for (const r of firing) {
      expect(r).toMatchObject({
        companyId: tenants.a.id,
        source: 'ALERTMANAGER',
        severity: 'CRITICAL',
        decision: 'PENDING',
      });
      expect(r.occurredAt.toISOString()).toBe(startsAt);
    }
    expect(await prisma.alert.count({ where: { companyId: { in: [tenants.a2.id, tenants.b.id] } } })).toBe(0);

    const endsAt = new Date().toISOString();
    await postAlerts([
      { labels: labels('e2e-01:9100'), annotations: { summary: 'load is high' }, startsAt, endsAt },
    ]);
    const resolved = await waitFor('resolved alert', () =>
      prisma.alert.findFirst({
        where: { signature: 'E2EHighLoad', status: 'RESOLVED', asset: 'e2e-01:9100' },
      }),
    );
    expect(resolved.companyId).toBe(tenants.a.id);
    expect(resolved.fingerprint).toBe(firing.find((r) => r.asset === 'e2e-01:9100')!.fingerprint);
    // Alertmanager retries and repeats must not create extra rows.
    expect(await prisma.alert.count({ where: { signature: 'E2EHighLoad' } })).toBe(3);
    expect(amLog).not.toMatch(/EOF/);
  });
});
