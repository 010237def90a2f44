import path from 'node:path';
import { readEnv } from '@aw/config';
import { createPrismaClient, ensureDatabase } from '@aw/db';
import { REPO_ROOT } from '@aw/db/paths';
import { seedDemo } from './seed.ts';

const db = await ensureDatabase();
const prisma = createPrismaClient(db.url, { max: 2 });
try {
  const res = await seedDemo(prisma, path.resolve(REPO_ROOT, readEnv(['DATA_DIR']).DATA_DIR));
  console.log(res.created ? 'Seeded the demo MSP.' : 'Demo MSP already present.');
  for (const l of res.logins) console.log(`  ${l.role.padEnd(36)} ${l.email}  ${l.password}`);
} finally {
  await prisma.$disconnect();
  await db.stop();
}
