// The demo stream end to end: signed POSTs to the ingest handler, the real worker, KPIs from rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemo } from './seed.ts';
import { runDemoStream } from './stream.ts';

describe.each(inject('pgTargets'))('demo stream on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    const prisma = createPrismaClient(db.url, { max: 2 });
    await seedDemo(prisma, mkdtempSync(path.join(os.tmpdir(), 'aw-demo-')));
    await prisma.$disconnect();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('sends ~1000 signed alerts and shows 40-70 % noise reduction from stored rows', async () => {
    const lines: string[] = [];
    const r = await runDemoStream({
      databaseUrl: db.url,
      encryptionKey: randomBytes(32).toString('base64'),
      log: (l) => lines.push(l),
    });
    expect(r.sent).toBeGreaterThan(900);
    expect(r.report.noise.decided).toBe(r.sent);
    expect(r.report.noise.pending).toBe(0);
    expect(r.report.noise.noiseReductionPct!).toBeGreaterThan(40);
    expect(r.report.noise.noiseReductionPct!).toBeLessThan(70);
    expect(r.report.noise.suppressed).toBe(48);
    expect(r.report.noise.inhibited).toBe(24);
    expect(r.report.mttr.some((m) => m.manualCount > 0)).toBe(true);
    expect(r.report.mttr.some((m) => m.automatedCount > 0)).toBe(true);
    expect(r.report.topAssets[0]!.alerts).toBeGreaterThanOrEqual(10);
    expect(lines.join('\n')).toMatch(/noise reduction/);
  });
});
