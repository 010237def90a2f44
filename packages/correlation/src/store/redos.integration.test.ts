// The live probe of issue 10, replayed: a silence `asset =~ (a+)+$` saved through the service the
// portal calls, then an Alertmanager webhook with asset 35 × "a" + "!" posted over HTTP to the real
// ingestion handler in a separate app process. With a backtracking RegExp that process spins at
// 100 % CPU and stops answering (health included) for every tenant; on RE2 it decides at once.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadViewer } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { createApiKey } from '@aw/ingest';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSilence } from '../services/settings.ts';
import { q } from './sql.ts';

const PKG = path.resolve(import.meta.dirname, '../..');
const EVIL = 'a'.repeat(35) + '!';

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
    child.on('exit', (code) => reject(new Error(`app process exited ${code}: ${err}`)));
  });
}

const amPayload = (alerts: { name: string; instance: string }[]) => ({
  version: '4',
  receiver: 'alert-whisperer',
  status: 'firing',
  alerts: alerts.map((a) => ({
    status: 'firing',
    labels: { alertname: a.name, instance: a.instance, severity: 'critical' },
    annotations: { summary: a.name },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
  })),
});

describe.each(inject('pgTargets'))('user regular expressions cannot stall correlation on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let app: { child: ChildProcess; url: string } | null = null;
  const t = { a: '', aKey: '', b: '', bKey: '', owner: '' };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 3 });
    pool = createPool(db.url, { max: 3 });
    for (const m of ['a', 'b'] as const) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: `redos-${m}` } });
      const c = await prisma.company.create({
        data: { mspId: msp.id, name: `${m}-co`, slug: `${m}-co`, awsExternalId: `redos-${m}` },
      });
      t[m] = c.id;
      const key = await createApiKey({
        prisma,
        companyId: c.id,
        actorId: null,
        input: { name: 'alertmanager', allowUnsigned: true },
      });
      t[`${m}Key`] = key.key;
      if (m === 'a') {
        const u = await prisma.user.create({
          data: { email: 'owner@redos.test', name: 'Owner', passwordHash: 'not used' },
        });
        await prisma.membership.create({ data: { userId: u.id, mspId: msp.id, role: 'OWNER' } });
        t.owner = u.id;
      }
    }
    app = await startApp(db.url);
  });

  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      const exited = new Promise((r) => app!.child.once('exit', r));
      app.child.kill('SIGTERM');
      const t = setTimeout(() => app!.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await prisma?.$disconnect();
    await pool?.end();
    await db?.drop();
  });

  const actor = async () => ({ prisma, viewer: (await loadViewer(prisma, t.owner))! });

  /** POSTs an Alertmanager webhook; resolves to "<status> <body>" so a refusal says why. */
  async function post(key: string, body: unknown): Promise<string> {
    const r = await fetch(`${app!.url}/api/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return `${r.status} ${await r.text()}`;
  }

  async function decisions(companyId: string) {
    const r = await q<{
      asset: string;
      signature: string;
      decision: string;
      reason: Record<string, unknown>;
    }>(
      pool,
      `SELECT asset, signature, decision::text, "decisionReason" AS reason FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
      [companyId],
    );
    return r.rows;
  }

  /** Polls until no alert of the companies is PENDING; every poll also asks the app's health. */
  async function waitDecided(companies: string[]) {
    const until = Date.now() + 30_000;
    for (;;) {
      const health = await fetch(`${app!.url}/healthz`, { signal: AbortSignal.timeout(3000) });
      expect(health.status).toBe(200);
      const pending = await q<{ n: number }>(
        pool,
        `SELECT count(*)::int AS n FROM "Alert" WHERE "companyId" = ANY($1::uuid[]) AND decision = 'PENDING'`,
        [companies],
      );
      if (pending.rows[0]!.n === 0) return;
      if (Date.now() > until) throw new Error('alerts still PENDING after 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a silence asset =~ (a+)+$ and an alert on 35 × a + ! are decided, and so is another company', async () => {
    await createSilence(await actor(), t.a, {
      matchers: [{ field: 'asset', op: '=~', value: '(a+)+$' }],
      startsAt: new Date(Date.now() - 3600_000), // silences apply at the alert's own time
      endsAt: new Date(Date.now() + 3600_000),
      comment: 'probe',
    });
    const ra = await post(
      t.aKey,
      amPayload([
        { name: 'Evil', instance: EVIL },
        { name: 'Plain', instance: 'a'.repeat(35) },
      ]),
    );
    expect(ra).toMatch(/^202 /);
    const rb = await post(t.bKey, amPayload([{ name: 'Neighbour', instance: 'b-host' }]));
    expect(rb).toMatch(/^202 /);
    await waitDecided([t.a, t.b]);

    const a = await decisions(t.a);
    expect(a.map((x) => [x.asset, x.decision])).toEqual([
      [EVIL, 'CORRELATED'], // (a+)+$ does not match the whole value: not silenced
      ['a'.repeat(35), 'SUPPRESSED'],
    ]);
    expect(a[1]!.reason).toMatchObject({ stage: 'suppress', rule: 'silence' });
    expect((await decisions(t.b)).map((x) => x.decision)).toEqual(['CORRELATED']);
  });

  it('rejects at save time a pattern RE2 cannot run, naming the matcher and the reason', async () => {
    const before = await prisma.silence.count({ where: { companyId: t.a } });
    const err = await createSilence(await actor(), t.a, {
      matchers: [
        { field: 'asset', op: '=', value: 'x' },
        { field: 'asset', op: '=~', value: '(a)\\1' },
        { field: 'signature', op: '!~', value: '(?=x)y' },
      ],
      endsAt: new Date(Date.now() + 3600_000),
      comment: 'bad',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BAD_REQUEST');
    expect((err as AppError).problems).toEqual([
      { field: 'matchers[1].value', reason: expect.stringMatching(/^not valid RE2 syntax: invalid escape/) },
      {
        field: 'matchers[2].value',
        reason: expect.stringMatching(
          /^not valid RE2 syntax: .*backreferences and lookaround are not supported$/,
        ),
      },
    ]);
    expect((err as AppError).message).toContain('matchers[1].value: not valid RE2 syntax');
    expect(await prisma.silence.count({ where: { companyId: t.a } })).toBe(before);
  });

  it('a stored pattern RE2 cannot compile matches nothing, is recorded on the decision, and never stops the company', async () => {
    // Saved before RE2 validation existed (written directly, as an old row would be).
    await q(
      pool,
      `INSERT INTO "Silence" (id, "mspId", "companyId", matchers, "startsAt", "endsAt", comment, "createdAt")
       SELECT gen_random_uuid(), "mspId", id, $2::jsonb, $3::timestamp, $4::timestamp, 'legacy', $3::timestamp
         FROM "Company" WHERE id = $1`,
      [
        t.a,
        JSON.stringify([{ field: 'signature', op: '!~', value: '(?!x)' }]),
        new Date(Date.now() - 3600_000).toISOString(),
        new Date(Date.now() + 3600_000).toISOString(),
      ],
    );
    expect(await post(t.aKey, amPayload([{ name: 'AfterLegacy', instance: 'legacy-host' }]))).toMatch(
      /^202 /,
    );
    await waitDecided([t.a]);
    const last = (await decisions(t.a)).at(-1)!;
    expect(last).toMatchObject({ asset: 'legacy-host', decision: 'CORRELATED' });
    expect(last.reason.ignoredRules).toEqual([
      expect.objectContaining({
        kind: 'silence',
        field: 'matchers[0].value',
        reason: expect.stringContaining('not valid RE2 syntax'),
      }),
    ]);
  });
});
