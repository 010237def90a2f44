import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './index.ts';
import { createMigration, migrationStatus } from './migrate/ops.ts';
import { MIGRATIONS_DIR } from './paths.ts';
import { createTestDatabase } from './testing/postgres.ts';

const targets = inject('pgTargets');

describe.each(targets)('schema on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('reports every committed migration as applied and none pending', async () => {
    const status = await migrationStatus(db.url);
    const onDisk = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(onDisk.length).toBeGreaterThan(0);
    expect(status.applied).toEqual(onDisk);
    expect(status.pending).toEqual([]);
    expect(status.failed).toEqual([]);
  });

  it('has no drift: schema.prisma produces no new migration on top of the history', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-migs-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      expect(await createMigration(db.url, 'drift_check', { migrationsDir: dir })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allows one open incident per company and correlation key, any number once resolved', async () => {
    const msp = await prisma.msp.create({ data: { name: 'M', slug: `m-${target.name}` } });
    const company = await prisma.company.create({
      data: { mspId: msp.id, name: 'C', slug: 'c', awsExternalId: `ext-${target.name}` },
    });
    const base = {
      mspId: msp.id,
      companyId: company.id,
      correlationKey: 'web-01|disk_full',
      title: 'disk_full on web-01',
      asset: 'web-01',
      signature: 'disk_full',
      source: 'NATIVE' as const,
      severity: 'HIGH' as const,
      windowStart: new Date(),
      windowEnd: new Date(),
      firstSeenAt: new Date(),
      lastSeenAt: new Date(),
    };
    await prisma.incident.create({ data: { ...base, openKey: base.correlationKey } });
    await expect(
      prisma.incident.create({ data: { ...base, openKey: base.correlationKey } }),
    ).rejects.toThrow();
    await prisma.incident.create({ data: { ...base, openKey: null, status: 'RESOLVED' } });
    await prisma.incident.create({ data: { ...base, openKey: null, status: 'RESOLVED' } });
    expect(await prisma.incident.count({ where: { companyId: company.id } })).toBe(3);
  });

  it('rejects an alert redelivery with the same dedup key for the same company only', async () => {
    const msp = await prisma.msp.create({ data: { name: 'M2', slug: `m2-${target.name}` } });
    const [a, b] = await Promise.all(
      ['a', 'b'].map((s) =>
        prisma.company.create({
          data: { mspId: msp.id, name: s, slug: s, awsExternalId: `x-${s}-${target.name}` },
        }),
      ),
    );
    const first = new Date();
    const alert = (companyId: string, occurredAt = first) => ({
      mspId: msp.id,
      companyId,
      source: 'NATIVE' as const,
      fingerprint: 'fp',
      dedupKey: 'dk',
      asset: 'h',
      signature: 's',
      severity: 'LOW' as const,
      status: 'FIRING' as const,
      occurredAt,
      raw: {},
    });
    await prisma.alert.create({ data: alert(a!.id) });
    await prisma.alert.create({ data: alert(b!.id) });
    // Same key and time: the unique index of the partition refuses it.
    await expect(prisma.alert.create({ data: alert(a!.id) })).rejects.toThrow();
    // Same key, another time (an alert without a sender time is dated on receipt), here in another
    // monthly partition: the key claimed in AlertDedupKey makes the insert store nothing.
    await prisma.alert
      .createMany({ data: [alert(a!.id, new Date(first.getTime() - 40 * 86_400_000))] })
      .then((r) => expect(r.count).toBe(0));
    expect(await prisma.alert.count({ where: { companyId: a!.id } })).toBe(1);
    expect(await prisma.alert.count({ where: { companyId: b!.id } })).toBe(1);
  });
});
