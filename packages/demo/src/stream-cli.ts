// `npm run demo:stream` (scripts/demo-stream.ts): sends the demo alert mix through the real signed
// webhook path and prints the noise reduction measured from the stored rows. Uses DATABASE_URL, or
// the embedded database (DATA_DIR, EMBEDDED_PG_PORT) like `npm start`: the running one when
// `npm start` serves it, else it starts it. The app's URL: --url <base> or DEMO_URL, default
// http://localhost:$PORT; when the app is not running, the ingest package's own server is used.
import path from 'node:path';
import { readEnv } from '@aw/config';
import { createPrismaClient, ensureDatabase, joinLocalDatabase } from '@aw/db';
import { REPO_ROOT } from '@aw/db/paths';
import pg from 'pg';
import { seedDemo } from './seed.ts';
import { runDemoStream } from './stream.ts';

export async function demoStreamCommand(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const start = readEnv(['DATA_DIR', 'DATABASE_URL', 'DEMO_URL', 'PORT']);
  const dataDir = path.resolve(REPO_ROOT, start.DATA_DIR);
  if (!start.DATABASE_URL) {
    const local = joinLocalDatabase(process.env);
    process.env.APP_ENCRYPTION_KEY ??= local.APP_ENCRYPTION_KEY;
    // `npm start` may already run the embedded server on this folder: then connect to it.
    const probe = new pg.Client({ connectionString: local.DATABASE_URL, connectionTimeoutMillis: 1500 });
    if (
      await probe.connect().then(
        () => true,
        () => false,
      )
    ) {
      await probe.end();
      process.env.DATABASE_URL = local.DATABASE_URL;
    }
  }
  const encryptionKey = readEnv(['APP_ENCRYPTION_KEY']).APP_ENCRYPTION_KEY;
  if (!encryptionKey) {
    console.error(
      'APP_ENCRYPTION_KEY is required with DATABASE_URL (the webhook secrets are encrypted with it).',
    );
    process.exit(1);
  }
  const db = await ensureDatabase(process.env);
  try {
    const prisma = createPrismaClient(db.url, { max: 2 });
    await seedDemo(prisma, dataDir);
    await prisma.$disconnect();
    const baseUrl = arg('--url') ?? start.DEMO_URL ?? `http://localhost:${start.PORT}`;
    console.log(`▸ Demo stream → ${baseUrl}/api/v1/alerts`);
    await runDemoStream({
      databaseUrl: db.url,
      encryptionKey,
      baseUrl,
      seed: arg('--seed') ? Number(arg('--seed')) : undefined,
    });
  } finally {
    await db.stop();
  }
}
