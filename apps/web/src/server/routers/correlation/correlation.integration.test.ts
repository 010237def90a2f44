// Tenancy and behaviour of the correlation procedures: every call tries to cross the line.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '@aw/core/password';
import { CorrelationWorker } from '@aw/correlation';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaller } from '../../root';
import { createContext } from '../../trpc';
import { testRoot } from '../../../testing/services';
import type { Root } from '../../../server/composition';

const HOUR = 3600_000;

describe.each(inject('pgTargets'))('correlation procedures on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  let pool: pg.Pool;
  const ids: Record<string, string> = {};
  const as = async (who: string) => createCaller(await createContext({ userId: ids[who]!, services: root }));
  const period = () => ({ from: new Date(Date.now() - HOUR), to: new Date(Date.now() + HOUR) });

  async function store(companyId: string, mspId: string, rows: { asset: string; signature: string }[]) {
    await prisma.alert.createMany({
      data: rows.map((r, i) => ({
        mspId,
        companyId,
        source: 'NATIVE' as const,
        fingerprint: `${r.asset}/${r.signature}`,
        dedupKey: randomBytes(12).toString('hex'),
        asset: r.asset,
        signature: r.signature,
        severity: 'HIGH' as const,
        status: 'FIRING' as const,
        occurredAt: new Date(Date.now() - 30 * 60_000 + i * 1000),
        raw: {},
      })),
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
    root = testRoot(db.url, { prisma });
    pool = createPool(db.url, { max: 4 });
    const passwordHash = await hashPassword('irrelevant password');
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: `corr-${m}` } });
      ids[`msp${m}`] = msp.id;
      for (const c of ['1', '2']) {
        const company = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${c}`, slug: `${m}${c}`, awsExternalId: `corr-${m}${c}` },
        });
        ids[`${m}${c}`] = company.id;
      }
      for (const role of ['OWNER', 'TECHNICIAN'] as const) {
        const u = await prisma.user.create({
          data: { email: `${role}@${m}.corr`, name: role, passwordHash },
        });
        await prisma.membership.create({ data: { userId: u.id, mspId: msp.id, role } });
        ids[`${role.toLowerCase()}${m}`] = u.id;
      }
    }
    for (const role of ['CLIENT_VIEWER', 'CLIENT_ADMIN'] as const) {
      const u = await prisma.user.create({ data: { email: `${role}@a1.corr`, name: role, passwordHash } });
      await prisma.membership.create({ data: { userId: u.id, mspId: ids.mspa!, companyId: ids.a1!, role } });
      ids[role.toLowerCase()] = u.id;
    }
    // a1: 120 assets with disk_full (+ repeats), a2: 3, b1: 2
    await store(ids.a1!, ids.mspa!, [
      ...Array.from({ length: 120 }, (_, i) => ({ asset: `a1-host-${i}`, signature: 'disk_full' })),
      ...Array.from({ length: 30 }, (_, i) => ({ asset: `a1-host-${i % 3}`, signature: 'disk_full' })),
    ]);
    await store(
      ids.a2!,
      ids.mspa!,
      [1, 2, 3].map((i) => ({ asset: `a2-host-${i}`, signature: 'cpu' })),
    );
    await store(
      ids.b1!,
      ids.mspb!,
      [1, 2].map((i) => ({ asset: `b1-host-${i}`, signature: 'cpu' })),
    );
    const w = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
    await w.sweep();
    await w.stop();
  });
  afterAll(async () => {
    await pool.end();
    await root?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('lists only incidents in scope, with keyset pagination over every page', async () => {
    const tech = await as('technicianb');
    const b = await tech.correlation.incidents({ limit: 50 });
    expect(b.items.map((i) => i.companyId)).toEqual([ids.b1!, ids.b1!]);

    const techA = await as('techniciana');
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof techA.correlation.incidents>> = await techA.correlation.incidents(
        {
          companyId: ids.a1!,
          limit: 50,
          cursor,
        },
      );
      for (const i of page.items) seen.add(i.id);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(120);
    expect(pages).toBe(3);

    const client = await as('client_viewer');
    const own = await client.correlation.incidents({ limit: 200 });
    expect(new Set(own.items.map((i) => i.companyId))).toEqual(new Set([ids.a1!]));
    await expect(client.correlation.incidents({ companyId: ids.a2! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(tech.correlation.incidents({ companyId: ids.a1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('shows an incident with its alert timeline and explanations, never across tenants', async () => {
    const techA = await as('techniciana');
    const [inc] = (await techA.correlation.incidents({ companyId: ids.a1!, sort: 'alertCount', limit: 1 }))
      .items;
    const d = await techA.correlation.incident({ id: inc!.id });
    expect(d.incident.alertCount).toBe(11);
    expect(d.alerts).toHaveLength(11);
    expect(d.alerts[0]!.decisionReason).toMatchObject({ stage: 'incident', rule: 'opened' });
    expect(d.alerts[1]!.decisionReason).toMatchObject({ stage: 'dedup', rule: 'fingerprint-firing' });
    expect(d.events.map((e) => e.type)).toEqual(['created']);
    const explained = await techA.correlation.explainAlert({ alertId: d.alerts[1]!.id });
    expect(explained.decision).toBe('DEDUPLICATED');

    for (const who of ['technicianb', 'ownerb']) {
      const other = await as(who);
      await expect(other.correlation.incident({ id: inc!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(other.correlation.explainAlert({ alertId: d.alerts[0]!.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const r = await other.correlation.resolve({ ids: [inc!.id], note: 'not mine' });
      expect(r).toEqual({ updated: [], skipped: [{ id: inc!.id, reason: 'not found' }] });
    }
    const a2inc = (await techA.correlation.incidents({ companyId: ids.a2! })).items[0]!;
    const client = await as('client_admin');
    await expect(client.correlation.incident({ id: a2inc.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('acknowledges, assigns, resolves in bulk; a viewer cannot act', async () => {
    const techA = await as('techniciana');
    const items = (await techA.correlation.incidents({ companyId: ids.a2! })).items;
    const viewer = await as('client_viewer');
    await expect(viewer.correlation.acknowledge({ ids: [items[0]!.id] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const ack = await techA.correlation.acknowledge({ ids: items.map((i) => i.id), note: 'looking' });
    expect(ack.updated).toHaveLength(3);
    await expect(
      techA.correlation.assign({ ids: [items[0]!.id], assigneeId: ids.technicianb! }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await techA.correlation.assign({ ids: [items[0]!.id], assigneeId: ids.techniciana! });
    const res = await techA.correlation.resolve({ ids: items.map((i) => i.id), note: 'disk cleaned' });
    expect(res.updated).toHaveLength(3);
    const after = await prisma.incident.findMany({ where: { companyId: ids.a2! } });
    expect(
      after.every((i) => i.status === 'RESOLVED' && i.openKey === null && i.resolution === 'MANUAL'),
    ).toBe(true);
    const d = await techA.correlation.incident({ id: items[0]!.id });
    expect(d.events.map((e) => e.type)).toEqual(['created', 'acknowledged', 'assigned', 'resolved']);
    expect(d.incident.assignee?.id).toBe(ids.techniciana!);
  });

  it('computes KPIs and CSV within scope only', async () => {
    const techA = await as('techniciana');
    const k = await techA.correlation.kpis({ companyId: ids.a1!, ...period() });
    expect(k.noise).toMatchObject({ alerts: 150, incidents: 120, deduplicated: 30 });
    expect(k.noise.noiseReductionPct).toBe(20);
    const msp = await techA.correlation.kpis(period());
    expect(msp.noise.alerts).toBe(153);
    const csv = await techA.correlation.kpiCsv({ companyId: ids.a1!, ...period(), kind: 'noise' });
    expect(csv.csv.split('\r\n')[1]).toContain(',150,150,0,120,');
    const b = await as('technicianb');
    await expect(b.correlation.kpis({ companyId: ids.a1!, ...period() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await b.correlation.kpis(period())).noise.alerts).toBe(2);
    const client = await as('client_viewer');
    expect((await client.correlation.kpis(period())).noise.alerts).toBe(150);
  });

  it('runs backtests and edits settings only inside the tenancy, with role checks', async () => {
    const techA = await as('techniciana');
    const bt = await techA.correlation.backtest({
      companyId: ids.a1!,
      ...period(),
      candidate: { aggregationKey: 'signature' },
    });
    expect(bt.current.incidents).toBe(120);
    expect(bt.candidate.incidents).toBe(1);
    const b = await as('ownerb');
    await expect(
      b.correlation.backtest({ companyId: ids.a1!, ...period(), candidate: {} }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await expect(
      techA.correlation.updateConfig({ companyId: ids.a1!, patch: { windowMinutes: 5 } }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const ownerA = await as('ownera');
    expect(
      await ownerA.correlation.updateConfig({ companyId: ids.a1!, patch: { windowMinutes: 5 } }),
    ).toMatchObject({
      windowMinutes: 5,
    });
    await expect(
      b.correlation.updateConfig({ companyId: ids.a1!, patch: { windowMinutes: 7 } }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      ownerA.correlation.updateConfig({ companyId: ids.a1!, patch: { aggregationKey: 'nonsense' } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const clientAdmin = await as('client_admin');
    const mw = await clientAdmin.correlation.saveMaintenanceWindow({
      companyId: ids.a1!,
      name: 'Sunday patching',
      matchers: [{ field: 'asset', op: '=~', value: 'a1-host-.*' }],
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 30 * 24 * HOUR),
      recurrence: { kind: 'weekly', days: [0], start: '02:00', durationMinutes: 120 },
      timezone: 'Europe/Berlin',
    });
    await expect(
      clientAdmin.correlation.saveMaintenanceWindow({
        companyId: ids.a2!,
        name: 'x',
        matchers: [],
        startsAt: new Date(),
        endsAt: new Date(Date.now() + HOUR),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      b.correlation.deleteMaintenanceWindow({ companyId: ids.a1!, id: mw.id }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      b.correlation.deleteMaintenanceWindow({ companyId: ids.b1!, id: mw.id }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await techA.correlation.maintenanceWindows({ companyId: ids.a1! })).toHaveLength(1);

    const viewer = await as('client_viewer');
    await expect(
      viewer.correlation.createSilence({
        companyId: ids.a1!,
        matchers: [{ field: 'signature', op: '=', value: 'disk_full' }],
        endsAt: new Date(Date.now() + HOUR),
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Regular expressions run on RE2: what RE2 cannot run is refused at save time, naming the matcher.
    await expect(
      techA.correlation.createSilence({
        companyId: ids.a1!,
        matchers: [
          { field: 'asset', op: '=~', value: '(a+)+$' },
          { field: 'signature', op: '!~', value: '(?!disk).*' },
        ],
        endsAt: new Date(Date.now() + HOUR),
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(
        /^matchers\[1\]\.value: not valid RE2 syntax: .*backreferences and lookaround are not supported$/,
      ),
    });
    await expect(
      techA.correlation.saveInhibitionRule({
        companyId: ids.a1!,
        name: 'lookbehind',
        sourceMatchers: [{ field: 'signature', op: '=', value: 'host_down' }],
        targetMatchers: [{ field: 'asset', op: '=~', value: '(?<=web)-01' }],
        equal: [],
        enabled: true,
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^targetMatchers\[0\]\.value: not valid RE2/),
    });
    const s = await techA.correlation.createSilence({
      companyId: ids.a1!,
      matchers: [{ field: 'signature', op: '=', value: 'disk_full' }],
      endsAt: new Date(Date.now() + HOUR),
      comment: 'known',
    });
    await expect(b.correlation.expireSilence({ companyId: ids.b1!, id: s.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await techA.correlation.expireSilence({ companyId: ids.a1!, id: s.id });
    expect(await techA.correlation.silences({ companyId: ids.a1! })).toHaveLength(0);

    const rule = await techA.correlation.saveInhibitionRule({
      companyId: ids.a1!,
      name: 'host down',
      sourceMatchers: [{ field: 'signature', op: '=', value: 'host_down' }],
      targetMatchers: [{ field: 'signature', op: '!=', value: 'host_down' }],
      equal: ['asset'],
    });
    await expect(
      b.correlation.saveInhibitionRule({
        companyId: ids.b1!,
        id: rule.id,
        name: 'steal',
        sourceMatchers: [{ field: 'a', op: '=', value: 'b' }],
        targetMatchers: [{ field: 'a', op: '=', value: 'b' }],
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await b.correlation.inhibitionRules({ companyId: ids.b1! })).toHaveLength(0);
    await expect(b.correlation.inhibitionRules({ companyId: ids.a1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
