// Shared by the crash tests (store/crash.integration.test.ts kills the app, store/db-crash.integration
// .test.ts kills PostgreSQL): an app process (intake-process.ts: the real ingestion handler on
// node:http with a CorrelationWorker), senders that remember which alerts got a 2xx, and the checks
// that every acknowledged alert is stored exactly once and decided, with the incidents a serial
// replay of the stored alerts through the engine gives.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { PrismaClient } from '@aw/db';
import { createApiKey } from '@aw/ingest';
import { expect } from 'vitest';
import { CorrelationEngine } from '../engine/engine.ts';
import type { AlertStatus, EngineAlert, Severity } from '../engine/types.ts';

const PKG = path.resolve(import.meta.dirname, '../..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AppProcess {
  child: ChildProcess;
  url: string;
  /** What the process wrote to stderr so far. */
  stderr(): string;
}

export function startApp(dbUrl: string): Promise<AppProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PKG, 'src/testing/intake-process.ts'), dbUrl],
      { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stderr: () => err });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => reject(new Error(`app process exited ${code ?? signal}: ${err}`)));
  });
}

/** An MSP, one company and an unsigned-sender key for it. */
export async function crashTenant(prisma: PrismaClient, slug: string) {
  const msp = await prisma.msp.create({ data: { name: 'MSP', slug } });
  const companyId = (
    await prisma.company.create({
      data: { mspId: msp.id, name: `${slug}-co`, slug: `${slug}-co`, awsExternalId: `${slug}-co` },
    })
  ).id;
  const { key } = await createApiKey({
    prisma,
    companyId,
    actorId: null,
    input: { name: 'sender', allowUnsigned: true },
  });
  return { companyId, key };
}

/**
 * `n` senders posting alerts (each with a unique `seq` label) to `url()` until `stop()`. `acked` holds
 * the seqs answered 2xx; anything else (an error status, a refused or reset connection) is refused.
 */
export function startSenders(n: number, url: () => string, key: string) {
  const acked = new Set<string>();
  const statuses = new Map<number | string, number>();
  let stopped = false;
  const count = (k: number | string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
  const sender = async (i: number) => {
    for (let m = 0; !stopped; m++) {
      const seq = `${i}-${m}`;
      const body = JSON.stringify({
        asset: `host-${(i * 7 + m) % 24}`,
        signature: m % 3 ? 'disk_full' : 'cpu_high',
        severity: 'high',
        summary: `alert ${seq}`,
        labels: { seq },
      });
      try {
        const res = await fetch(`${url()}/api/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body,
        });
        await res.arrayBuffer();
        count(res.status);
        if (res.status >= 200 && res.status < 300) acked.add(seq);
        else await sleep(20);
      } catch {
        count('network'); // connection refused or reset: not acknowledged, the sender moves on
        await sleep(20);
      }
    }
  };
  const running = Array.from({ length: n }, (_, i) => sender(i));
  return {
    acked,
    statuses,
    refused: () =>
      [...statuses].filter(([k]) => typeof k !== 'number' || k >= 300).reduce((a, [, v]) => a + v, 0),
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/**
 * Every acknowledged alert stored exactly once, every stored alert decided within `decideMs`, and
 * the incidents (keys and alert counts) those of a serial replay of the stored alerts in id order.
 */
export async function expectStoredOnceAndDecided(
  prisma: PrismaClient,
  companyId: string,
  acked: Set<string>,
  decideMs = 60_000,
) {
  const rows = await prisma.$queryRaw<{ seq: string; n: bigint }[]>`
    SELECT labels->>'seq' AS seq, count(*) AS n FROM "Alert" WHERE "companyId" = ${companyId}::uuid
    GROUP BY 1`;
  const stored = new Map(rows.map((r) => [r.seq, Number(r.n)]));
  const missing = [...acked].filter((s) => !stored.has(s));
  const twice = rows.filter((r) => r.n > 1n).map((r) => r.seq);
  expect(missing).toEqual([]);
  expect(twice).toEqual([]);

  const deadline = Date.now() + decideMs;
  let pending = -1;
  while (Date.now() < deadline) {
    pending = await prisma.alert.count({ where: { companyId, decision: 'PENDING' } });
    if (pending === 0) break;
    await sleep(200);
  }
  expect(pending).toBe(0);

  const alerts = await prisma.alert.findMany({ where: { companyId }, orderBy: { id: 'asc' } });
  const engine = new CorrelationEngine();
  engine.process(
    alerts.map((a): EngineAlert => ({
      id: a.id,
      fingerprint: a.fingerprint,
      source: a.source,
      asset: a.asset,
      signature: a.signature,
      service: a.service,
      summary: a.summary,
      severity: a.severity as Severity,
      status: a.status as AlertStatus,
      occurredAt: a.occurredAt,
      labels: a.labels as Record<string, string>,
    })),
  );
  const replayed = engine.incidents();
  const incidents = await prisma.incident.findMany({ where: { companyId } });
  expect(incidents.length).toBe(replayed.length);
  expect(incidents.map((i) => i.correlationKey).sort()).toEqual(replayed.map((i) => i.key).sort());
  const countsDb = incidents.map((i) => `${i.correlationKey}:${i.alertCount}`).sort();
  const countsReplay = replayed.map((i) => `${i.key}:${i.alertCount}`).sort();
  expect(countsDb).toEqual(countsReplay);
  return { stored: stored.size, missing: missing.length, twice: twice.length, incidents: incidents.length };
}
