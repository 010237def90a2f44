// APP_ENCRYPTION_KEY rotation (packages/db/src/key-rotation.ts, `npm run keys:rotate`) on a real
// database, with secrets sealed by the packages that own them (ingest's webhook secrets, the AWS
// package's kept activation codes): a run stopped after its first batch and run again leaves every
// secret open under the new key only, with the same plaintext, and the owners' own code opens it.
import { randomUUID } from 'node:crypto';
import { activationAad } from '@aw/aws';
import { decryptSecret, encryptSecret } from '@aw/core/crypto';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { rotateEncryptionKey, SEALED_COLUMNS } from '@aw/db/key-rotation';
import { createTestDatabase } from '@aw/db/testing';
import { openWebhookSecret, rotateWebhookSecret } from '@aw/ingest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const [target] = inject('pgTargets');
const OLD = Buffer.alloc(32, 1).toString('base64');
const NEW = Buffer.alloc(32, 2).toString('base64');
const cipher = { encrypt: encryptSecret, decrypt: decryptSecret };

describe('APP_ENCRYPTION_KEY rotation', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  const webhook = new Map<string, string>(); // companyId → secret
  const codes = new Map<string, { companyId: string; activationId: string; code: string }>();

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 2 });
    const msp = await prisma.msp.create({ data: { name: 'm', slug: 'rot' } });
    for (let i = 0; i < 7; i++) {
      const c = await prisma.company.create({
        data: { mspId: msp.id, name: `c${i}`, slug: `c${i}`, awsExternalId: `rot-${i}` },
      });
      const { secret } = await rotateWebhookSecret({
        prisma,
        companyId: c.id,
        actorId: null,
        encryptionKey: OLD,
        input: {},
      });
      webhook.set(c.id, secret);
      const activationId = randomUUID();
      const code = `code-${randomUUID()}`;
      const row = await prisma.hybridActivation.create({
        data: {
          mspId: msp.id,
          companyId: c.id,
          activationId,
          codeCiphertext: await encryptSecret(code, OLD, activationAad(c.id, activationId)),
          iamRole: 'r',
          region: 'us-east-1',
          registrationLimit: 1,
          expiresAt: new Date(Date.now() + 86_400_000),
        },
      });
      codes.set(row.id, { companyId: c.id, activationId, code });
    }
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('covers every ciphertext column of the schema', async () => {
    const cols = await prisma.$queryRaw<{ t: string; c: string }[]>`
      SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name ILIKE '%cipher%'`;
    const known = new Set(SEALED_COLUMNS.map((s) => `${s.table}.${s.column}`));
    expect(cols.map((r) => `${r.t}.${r.c}`).filter((k) => !known.has(k))).toEqual([]);
    expect(cols.length).toBe(SEALED_COLUMNS.length);
  });

  it('re-encrypts in batches, resumes after a stop, and leaves every secret under the new key only', async () => {
    // The first run stops (as a crash would) after its first batch of 3.
    let batches = 0;
    await expect(
      rotateEncryptionKey({
        prisma,
        cipher,
        oldKey: OLD,
        newKey: NEW,
        batchSize: 3,
        onBatch: () => {
          if (++batches === 1) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    const mid = await prisma.webhookSecret.findMany();
    let openNew = 0;
    for (const r of mid) {
      if (
        await openWebhookSecret(r.ciphertext, r.companyId, NEW).then(
          () => true,
          () => false,
        )
      )
        openNew++;
    }
    expect(openNew).toBe(3);

    const reports = await rotateEncryptionKey({ prisma, cipher, oldKey: OLD, newKey: NEW, batchSize: 3 });
    const byTable = Object.fromEntries(reports.map((r) => [r.table, r]));
    expect(byTable.WebhookSecret).toMatchObject({ scanned: 7, rotated: 4, alreadyNew: 3, unreadable: [] });
    expect(byTable.HybridActivation).toMatchObject({ scanned: 7, rotated: 7, alreadyNew: 0, unreadable: [] });

    for (const r of await prisma.webhookSecret.findMany()) {
      expect(await openWebhookSecret(r.ciphertext, r.companyId, NEW)).toBe(webhook.get(r.companyId));
      await expect(openWebhookSecret(r.ciphertext, r.companyId, OLD)).rejects.toThrow();
    }
    for (const r of await prisma.hybridActivation.findMany()) {
      const want = codes.get(r.id)!;
      const aad = activationAad(want.companyId, want.activationId);
      expect(await decryptSecret(r.codeCiphertext!, NEW, aad)).toBe(want.code);
      await expect(decryptSecret(r.codeCiphertext!, OLD, aad)).rejects.toThrow();
    }

    // A third run has nothing left to do.
    const again = await rotateEncryptionKey({ prisma, cipher, oldKey: OLD, newKey: NEW });
    expect(again.map((r) => r.rotated)).toEqual(SEALED_COLUMNS.map(() => 0));
  });

  it('leaves a row that opens with neither key as it is, and names it', async () => {
    const c = await prisma.company.findFirstOrThrow();
    const stray = await prisma.webhookSecret.create({
      data: {
        mspId: c.mspId,
        companyId: c.id,
        ciphertext: await encryptSecret('x', Buffer.alloc(32, 3).toString('base64')),
      },
    });
    const reports = await rotateEncryptionKey({ prisma, cipher, oldKey: OLD, newKey: NEW });
    expect(reports[0]!.unreadable).toEqual([stray.id]);
    expect((await prisma.webhookSecret.findUniqueOrThrow({ where: { id: stray.id } })).ciphertext).toBe(
      stray.ciphertext,
    );
  });
});
