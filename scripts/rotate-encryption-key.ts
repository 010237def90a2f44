// npm run keys:rotate -- [--batch <rows>]
// Re-encrypts every stored secret (webhook signing secrets, kept activation codes) from the key in
// APP_ENCRYPTION_KEY_PREVIOUS to the key in APP_ENCRYPTION_KEY, in batches. Safe to stop and run
// again: rows already under the new key are skipped. Prints counts per column, never a secret.
// Run it with the app stopped (or accept that, until it finishes, a secret not yet rotated does not
// open under the new key): see docs/SECURITY.md, "Rotating APP_ENCRYPTION_KEY".
import { decryptSecret, encryptSecret } from '@aw/core/crypto';
import { createPrismaClient } from '@aw/db';
import { rotateEncryptionKey } from '@aw/db/key-rotation';

const KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

async function main() {
  const url = process.env.DATABASE_URL;
  const oldKey = process.env.APP_ENCRYPTION_KEY_PREVIOUS;
  const newKey = process.env.APP_ENCRYPTION_KEY;
  const problems = [
    !url && 'DATABASE_URL is not set',
    !oldKey && 'APP_ENCRYPTION_KEY_PREVIOUS (the key the secrets are sealed with now) is not set',
    !newKey && 'APP_ENCRYPTION_KEY (the new key) is not set',
    oldKey && !KEY.test(oldKey) && 'APP_ENCRYPTION_KEY_PREVIOUS must be 32 bytes in base64',
    newKey && !KEY.test(newKey) && 'APP_ENCRYPTION_KEY must be 32 bytes in base64',
    oldKey && oldKey === newKey && 'the two keys are the same',
  ].filter(Boolean);
  if (problems.length) {
    for (const p of problems) console.error(`keys:rotate: ${p}`);
    process.exit(2);
  }
  const i = process.argv.indexOf('--batch');
  const batchSize = i > 0 ? Number(process.argv[i + 1]) : 200;
  const prisma = createPrismaClient(url!, { max: 2 });
  try {
    const reports = await rotateEncryptionKey({
      prisma,
      cipher: { encrypt: encryptSecret, decrypt: decryptSecret },
      oldKey: oldKey!,
      newKey: newKey!,
      batchSize,
      onBatch: (r) => console.log(`${r.table}.${r.column}: ${r.scanned} scanned, ${r.rotated} rotated`),
    });
    let unreadable = 0;
    for (const r of reports) {
      unreadable += r.unreadable.length;
      console.log(
        `${r.table}.${r.column}: ${r.rotated} rotated, ${r.alreadyNew} already under the new key, ` +
          `${r.raced} changed meanwhile (run again), ${r.unreadable.length} open with neither key` +
          (r.unreadable.length ? ` (ids: ${r.unreadable.slice(0, 20).join(', ')})` : ''),
      );
    }
    process.exitCode = unreadable || reports.some((r) => r.raced) ? 1 : 0;
  } finally {
    await prisma.$disconnect();
  }
}

await main();
