// The signing examples in docs/AWS_INTEGRATION_GUIDE.md and the portal's signed curl command,
// run as written against the real handler on loopback: what a client admin copies works.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedCurlExample } from './examples.ts';
import { createIngestRuntime } from './handler.ts';
import { serveIngest } from './server.ts';
import { createTenants, TEST_ENCRYPTION_KEY } from './testing/tenants.ts';
import { silentLogger } from './types.ts';

const run = promisify(execFile);
const [target] = inject('pgTargets');
const guide = readFileSync(
  path.resolve(import.meta.dirname, '../../../docs/AWS_INTEGRATION_GUIDE.md'),
  'utf8',
);

/** The first fenced block of `lang` after `marker` in the Webhook security section. */
function block(marker: string, lang: string): string {
  const section = guide.slice(guide.indexOf('## Webhook security'));
  const from = section.indexOf(marker);
  expect(from, marker).toBeGreaterThan(0);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section.slice(from));
  expect(m, `${lang} block after ${marker}`).not.toBeNull();
  return m![1]!;
}

describe('documented signing examples', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof serveIngest>>;
  let env: NodeJS.ProcessEnv;
  let companyId: string;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 2 });
    pool = createPool(db.url, { max: 4 });
    const t = await createTenants(prisma);
    companyId = t.a.id;
    server = await serveIngest(
      createIngestRuntime({ pool, encryptionKey: TEST_ENCRYPTION_KEY, logger: silentLogger }),
    );
    env = { ...process.env, AW_URL: server.url, AW_API_KEY: t.a.key, AW_SECRET: t.a.secret };
  });
  afterAll(async () => {
    await server.close();
    await pool.end();
    await prisma.$disconnect();
    await db.drop();
  });

  const stored = () => prisma.alert.count({ where: { companyId, asset: 'web-01' } });

  it('curl + openssl', async () => {
    const before = await stored();
    const { stdout } = await run('sh', ['-c', block('**curl + openssl**', 'sh')], { env });
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1 });
    expect(await stored()).toBe(before + 1);
  });

  it('Python', async () => {
    const { stdout } = await run('python3', ['-c', block('**Python 3**', 'python')], { env });
    expect(stdout).toMatch(/^202 /);
  });

  it('Node.js', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', block('**Node.js**', 'js')],
      { env },
    );
    expect(stdout).toMatch(/^202 /);
  });

  it("the portal's signed curl command", async () => {
    const cmd = signedCurlExample({
      baseUrl: server.url,
      apiKey: env.AW_API_KEY,
      secret: env.AW_SECRET,
      body: { asset: 'web-01', signature: 'portal_test' },
    });
    const { stdout } = await run('sh', ['-c', cmd], { env: process.env });
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1, created: 1 });
    expect(await prisma.alert.count({ where: { companyId, signature: 'portal_test' } })).toBe(1);
  });
});
