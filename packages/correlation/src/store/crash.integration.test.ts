// Crash safety of the intake (issue 17): 32 concurrent senders post alerts to an app process (the
// real ingestion handler on node:http with a CorrelationWorker, src/testing/intake-process.ts); the
// process is killed with SIGKILL mid-stream and started again on the same database. Every alert that
// got a 2xx must be stored exactly once and decided, and the incidents must be the ones a serial
// replay of the stored alerts through the engine gives.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { createApiKey } from '@aw/ingest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorrelationEngine } from '../engine/engine.ts';
import type { AlertStatus, EngineAlert, Severity } from '../engine/types.ts';

const PKG = path.resolve(import.meta.dirname, '../..');
const SENDERS = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startApp(dbUrl: string): Promise<{ child: ChildProcess; url: string }> {
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
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => reject(new Error(`app process exited ${code ?? signal}: ${err}`)));
  });
}

describe.each(inject('pgTargets').slice(0, 1))('crash safety of the intake on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let app: { child: ChildProcess; url: string } | null = null;
  let companyId = '';
  let key = '';

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 3 });
    const msp = await prisma.msp.create({ data: { name: 'MSP', slug: 'crash' } });
    companyId = (
      await prisma.company.create({
        data: { mspId: msp.id, name: 'crash-co', slug: 'crash-co', awsExternalId: 'crash-co' },
      })
    ).id;
    key = (
      await createApiKey({ prisma, companyId, actorId: null, input: { name: 'sender', allowUnsigned: true } })
    ).key;
  });

  afterAll(async () => {
    app?.child.kill('SIGKILL');
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('loses no acknowledged alert and stores none twice when the app is killed -9 under load', async () => {
    app = await startApp(db.url);
    const acked = new Set<string>();
    let refused = 0;
    let stop = false;
    const sender = async (i: number) => {
      for (let n = 0; !stop; n++) {
        const seq = `${i}-${n}`;
        const body = JSON.stringify({
          asset: `host-${(i * 7 + n) % 24}`,
          signature: n % 3 ? 'disk_full' : 'cpu_high',
          severity: 'high',
          summary: `alert ${seq}`,
          labels: { seq },
        });
        try {
          const res = await fetch(`${app!.url}/api/v1/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body,
          });
          await res.arrayBuffer();
          if (res.status >= 200 && res.status < 300) acked.add(seq);
          else refused++;
        } catch {
          refused++; // connection refused or reset: not acknowledged, the sender moves on
          await sleep(20);
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, (_, i) => sender(i));
    await sleep(2_000);
    const before = acked.size;
    const killed = app.child;
    const exited = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await exited;
    await sleep(300);
    app = await startApp(db.url);
    await sleep(2_000);
    stop = true;
    await Promise.all(senders);
    expect(before).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(before);

    // Every acknowledged alert stored exactly once; nothing stored twice.
    const rows = await prisma.$queryRaw<{ seq: string; n: bigint }[]>`
      SELECT labels->>'seq' AS seq, count(*) AS n FROM "Alert" WHERE "companyId" = ${companyId}::uuid
      GROUP BY 1`;
    const stored = new Map(rows.map((r) => [r.seq, Number(r.n)]));
    const missing = [...acked].filter((s) => !stored.has(s));
    const twice = rows.filter((r) => r.n > 1n).map((r) => r.seq);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);

    // Every stored alert decided (the restarted worker sweeps what the killed one left PENDING).
    const deadline = Date.now() + 60_000;
    let pending = -1;
    while (Date.now() < deadline) {
      pending = await prisma.alert.count({ where: { companyId, decision: 'PENDING' } });
      if (pending === 0) break;
      await sleep(200);
    }
    expect(pending).toBe(0);

    // The incidents are those of a serial replay of the stored alerts, in id order, through the engine.
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
    console.info(
      `crash: ${SENDERS} senders, ${acked.size} acknowledged (${before} before the kill), ${refused} refused ` +
        `or cut off, ${stored.size} stored (${missing.length} acknowledged missing, ${twice.length} twice), ` +
        `${incidents.length} incidents vs ${replayed.length} in a serial replay`,
    );
    expect(incidents.length).toBe(replayed.length);
    expect(incidents.map((i) => i.correlationKey).sort()).toEqual(replayed.map((i) => i.key).sort());
    const countsDb = incidents.map((i) => `${i.correlationKey}:${i.alertCount}`).sort();
    const countsReplay = replayed.map((i) => `${i.key}:${i.alertCount}`).sort();
    expect(countsDb).toEqual(countsReplay);
  }, 180_000);
});
