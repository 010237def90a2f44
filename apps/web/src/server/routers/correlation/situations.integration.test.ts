// Situations through the tRPC procedures: the incident page's situation with per-edge reasons,
// acting on every incident of a situation, and tenancy (another MSP, a client viewer).
import { randomBytes } from 'node:crypto';
import { hashPassword } from '@aw/core/password';
import { CorrelationWorker } from '@aw/correlation';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaller } from '../../root';
import { createContext } from '../../trpc';
import type { Root } from '../../composition';
import { testRoot } from '../../../testing/services';

describe.each(inject('pgTargets'))('situation procedures on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  let pool: pg.Pool;
  const ids: Record<string, string> = {};
  const as = async (who: string) => createCaller(await createContext({ userId: ids[who]!, services: root }));
  let situationId = '';
  let incidentIds: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
    root = testRoot(db.url, { prisma });
    pool = createPool(db.url, { max: 4 });
    const passwordHash = await hashPassword('irrelevant password');
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: `sit-${m}` } });
      ids[`msp${m}`] = msp.id;
      const company = await prisma.company.create({
        data: { mspId: msp.id, name: `${m}1`, slug: `${m}1`, awsExternalId: `sit-${m}1` },
      });
      ids[`${m}1`] = company.id;
      const u = await prisma.user.create({ data: { email: `tech@${m}.sit`, name: 'Tech', passwordHash } });
      await prisma.membership.create({ data: { userId: u.id, mspId: msp.id, role: 'TECHNICIAN' } });
      ids[`tech${m}`] = u.id;
    }
    const v = await prisma.user.create({ data: { email: 'viewer@a1.sit', name: 'Viewer', passwordHash } });
    await prisma.membership.create({
      data: { userId: v.id, mspId: ids.mspa!, companyId: ids.a1!, role: 'CLIENT_VIEWER' },
    });
    ids.viewer = v.id;
    const owner = await prisma.user.create({ data: { email: 'owner@a.sit', name: 'Owner', passwordHash } });
    await prisma.membership.create({ data: { userId: owner.id, mspId: ids.mspa!, role: 'OWNER' } });
    ids.ownera = owner.id;
    const ownerB = await prisma.user.create({
      data: { email: 'owner@b.sit', name: 'Owner B', passwordHash },
    });
    await prisma.membership.create({ data: { userId: ownerB.id, mspId: ids.mspb!, role: 'OWNER' } });
    ids.ownerb = ownerB.id;
    const t0 = Date.now() - 20 * 60_000;
    await prisma.alert.createMany({
      data: [
        ['fw-1', 'port_scan', 0],
        ['web-1', 'ssh_brute_force', 4],
        ['web-1', 'web_shell', 9],
      ].map(([asset, signature, min]) => ({
        mspId: ids.mspa!,
        companyId: ids.a1!,
        source: 'NATIVE' as const,
        fingerprint: `${asset}/${signature}`,
        dedupKey: randomBytes(12).toString('hex'),
        asset: asset as string,
        signature: signature as string,
        severity: 'HIGH' as const,
        status: 'FIRING' as const,
        occurredAt: new Date(t0 + (min as number) * 60_000),
        labels: { src_ip: '203.0.113.7' },
        raw: {},
      })),
    });
    const worker = new CorrelationWorker({ pool, sweepIntervalMs: 0, tickIntervalMs: 0 });
    await worker.sweep();
    await worker.stop();
    const incs = await prisma.incident.findMany({
      where: { companyId: ids.a1! },
      orderBy: { firstSeenAt: 'asc' },
    });
    incidentIds = incs.map((i) => i.id);
    situationId = incs[0]!.situationId!;
  });
  afterAll(async () => {
    await root?.stop();
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  });

  it('the incident page gets the situation, its incidents and why each is linked', async () => {
    expect(situationId).toBeTruthy();
    const s = await (await as('techa')).correlation.situation({ incidentId: incidentIds[2]! });
    expect(s!.incidents.map((i) => i.id)).toEqual(incidentIds);
    expect(s!.links.some((l) => l.explanation.includes('src_ip=203.0.113.7'))).toBe(true);
  });

  it('the board list carries the situation of each incident', async () => {
    const list = await (await as('techa')).correlation.incidents({ companyId: ids.a1! });
    expect(list.items.every((i) => i.situation?.id === situationId)).toBe(true);
    expect(list.items[0]!.situation!.incidentCount).toBe(3);
  });

  it('another MSP can neither read nor act on the situation', async () => {
    const b = await as('techb');
    await expect(b.correlation.situation({ incidentId: incidentIds[0]! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      b.correlation.actOnSituation({ situationId, action: { kind: 'resolve' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const open = await prisma.incident.count({ where: { situationId, status: 'OPEN' } });
    expect(open).toBe(3);
  });

  it('a client viewer may read it but not resolve it', async () => {
    const v = await as('viewer');
    expect((await v.correlation.situation({ incidentId: incidentIds[0]! }))!.situation.id).toBe(situationId);
    await expect(
      v.correlation.actOnSituation({ situationId, action: { kind: 'resolve' } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await prisma.incident.count({ where: { situationId, status: 'OPEN' } })).toBe(3);
  });

  it('acknowledge all, then resolve all, which resolves the situation', async () => {
    const t = await as('techa');
    const ack = await t.correlation.actOnSituation({ situationId, action: { kind: 'acknowledge' } });
    expect(ack.updated.sort()).toEqual([...incidentIds].sort());
    expect(await prisma.incident.count({ where: { situationId, status: 'ACKNOWLEDGED' } })).toBe(3);
    const assigned = await t.correlation.actOnSituation({
      situationId,
      action: { kind: 'assign', assigneeId: ids.techa! },
    });
    expect(assigned.updated).toHaveLength(3);
    expect(await prisma.incident.count({ where: { situationId, assigneeId: ids.techa! } })).toBe(3);
    const res = await t.correlation.actOnSituation({
      situationId,
      action: { kind: 'resolve', note: 'one attack' },
    });
    expect(res.updated).toHaveLength(3);
    expect((await prisma.situation.findUniqueOrThrow({ where: { id: situationId } })).status).toBe(
      'RESOLVED',
    );
    // Live: each change went out as a situation event for the board (to this MSP and company).
    const live = await pool.query<{ mspId: string; companyId: string; payload: { change: string } }>(
      `SELECT "mspId", "companyId", payload FROM "RealtimeEvent"
        WHERE type = 'situation.changed' AND payload->>'situationId' = $1 ORDER BY id`,
      [situationId],
    );
    expect(live.rows.map((r) => r.payload.change)).toEqual([
      'updated',
      'updated',
      'updated',
      'updated',
      'updated',
      'updated',
      'closed',
      'closed',
      'closed',
    ]);
    expect(live.rows.every((r) => r.mspId === ids.mspa && r.companyId === ids.a1)).toBe(true);
  });

  it('situation settings: read by anyone in scope, changed only with correlation.configure, validated', async () => {
    const t = await as('techa');
    const cur = await t.correlation.situationSettings({ companyId: ids.a1! });
    expect(cur.config.entities).toContain('label:src_ip');
    expect(cur.recentIncidents).toBe(3);
    expect(cur.hubs).toEqual([]); // below hubMinIncidents
    await expect(
      t.correlation.updateSituationSettings({ companyId: ids.a1!, patch: { windowMinutes: 10 } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const o = await as('ownera');
    await expect(
      o.correlation.updateSituationSettings({ companyId: ids.a1!, patch: { entities: ['host name'] } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      (await as('techb')).correlation.situationSettings({ companyId: ids.a1! }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const next = await o.correlation.updateSituationSettings({
      companyId: ids.a1!,
      patch: { windowMinutes: 10, hubMinIncidents: 2, hubShare: 0.5, topology: { 'web-1': ['sw-1'] } },
    });
    expect(next.windowMinutes).toBe(10);
    const after = await t.correlation.situationSettings({ companyId: ids.a1! });
    expect(after.config).toMatchObject({ windowMinutes: 10, topology: { 'web-1': ['sw-1'] } });
    // src_ip is on all three recent incidents: now a hub, and the page says so.
    expect(after.hubs.map((h) => h.key)).toContain('label:src_ip=203.0.113.7');
    // The incident page says which of its values the guardrail keeps out of linking.
    const mine = await t.correlation.incidentHubs({ incidentId: incidentIds[1]! });
    expect(mine.hubSharePct).toBe(50);
    expect(mine.recentIncidents).toBe(3);
    expect(mine.hubs.map((h) => h.key)).toContain('label:src_ip=203.0.113.7');
    expect(mine.hubs.every((h) => h.sharePct > 50)).toBe(true);
    await expect(
      (await as('techb')).correlation.incidentHubs({ incidentId: incidentIds[1]! }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an API key chooses the kind of its alerts; another MSP cannot change it', async () => {
    const key = await prisma.apiKey.create({
      data: {
        mspId: ids.mspa!,
        companyId: ids.a1!,
        name: 'syslog',
        prefix: `awk_${randomBytes(4).toString('hex')}`,
        hash: 'x',
      },
    });
    await expect(
      (await as('ownerb')).correlation.setKeyAlertKind({ companyId: ids.a1!, keyId: key.id, kind: 'EVENT' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      (await as('viewer')).correlation.setKeyAlertKind({ companyId: ids.a1!, keyId: key.id, kind: 'EVENT' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).alertKind).toBeNull();
    await (
      await as('ownera')
    ).correlation.setKeyAlertKind({ companyId: ids.a1!, keyId: key.id, kind: 'EVENT' });
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).alertKind).toBe('EVENT');
    // The keys page lists it, and rotating the key keeps the kind on the new key.
    const owner = await as('ownera');
    const listed = await owner.ingest.keys.list({ companyId: ids.a1! });
    expect(listed.find((k) => k.id === key.id)!.alertKind).toBe('EVENT');
    const rotated = await owner.ingest.keys.rotate({ companyId: ids.a1!, id: key.id, overlapMinutes: 0 });
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: rotated.id } })).alertKind).toBe('EVENT');
    expect(
      (await owner.ingest.keys.list({ companyId: ids.a1! })).find((k) => k.id === rotated.id)!.alertKind,
    ).toBe('EVENT');
  });
});
