// Test support: the app's side of the operator on loopback: real handlers (ingestion
// `POST /api/v1/alerts`, the site endpoints) on node:http over a real PostgreSQL test database,
// with a company whose AWS account lives in the fake AWS. `down()` / `up()` stop and restart the
// listener on the same port to play an unreachable upstream.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAws, type CfnTemplate } from '@aw/aws-fake';
import { AwsRuntime, getOnboarding, setRoleArn } from '@aw/aws';
import {
  createSiteActivationDeleteHandler,
  createSiteActivationHandler,
  type SiteAuthenticate,
} from '@aw/aws/site-activation';
import { createSiteRegisterHandler } from '@aw/aws/site-register';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, type PgTarget } from '@aw/db/testing';
import {
  createSiteAuthenticator,
  pgSignatureMemory,
  createApiKey,
  createIngestRuntime,
  handleIngest,
  rotateWebhookSecret,
  silentLogger,
  type IngestRuntime,
} from '@aw/ingest';
import type pg from 'pg';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const MSP_ACCOUNT = '111122223333';

export interface TestCompany {
  id: string;
  mspId: string;
  apiKey: string;
  hmacSecret: string;
}

export interface Upstream {
  url: string;
  prisma: PrismaClient;
  pool: pg.Pool;
  fakeAws: FakeAws;
  company: TestCompany;
  /** Another MSP's company, for isolation tests. */
  other: TestCompany;
  /** Requests seen, by path (after routing). */
  hits: { method: string; path: string; status: number }[];
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function toRequest(req: http.IncomingMessage, body: Buffer): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers))
    if (typeof v === 'string' && k !== 'content-length' && k !== 'transfer-encoding') headers.set(k, v);
  const m = req.method ?? 'GET';
  return new Request(`http://upstream.test${req.url}`, {
    method: m,
    headers,
    body: m === 'GET' || m === 'HEAD' ? undefined : new Uint8Array(body),
  });
}

async function makeCompany(
  prisma: PrismaClient,
  mspId: string,
  slug: string,
  simulated: boolean,
): Promise<TestCompany> {
  const c = await prisma.company.create({
    data: {
      mspId,
      name: slug,
      slug,
      awsExternalId: `x-${slug}-${Math.random().toString(16).slice(2)}`,
      simulated,
    },
  });
  const svc = { prisma, companyId: c.id, actorId: null };
  const key = await createApiKey({ ...svc, input: { name: 'operator', scopes: ['alerts:write', 'site'] } });
  const { secret } = await rotateWebhookSecret({ ...svc, encryptionKey: TEST_ENCRYPTION_KEY, input: {} });
  return { id: c.id, mspId, apiKey: key.key, hmacSecret: secret };
}

export async function startUpstream(
  target: PgTarget | { templateUrl: string; name: string },
): Promise<Upstream> {
  const db = await createTestDatabase(target as PgTarget);
  const prisma = createPrismaClient(db.url, { max: 4 });
  const pool = createPool(db.url, { max: 6 });
  const fakeAws = new FakeAws({ stepMs: 20 });
  await fakeAws.start();
  fakeAws.createAccount(MSP_ACCOUNT);
  const keys = fakeAws.createUser(MSP_ACCOUNT, 'alert-whisperer-platform');
  const aws = new AwsRuntime({
    fake: { endpoint: fakeAws.endpoint, ...keys },
    templateUrl: 'https://aw-public.s3.amazonaws.com/role.json',
  });
  const msp = await prisma.msp.create({
    data: { name: 'MSP', slug: `msp-${Date.now()}`, awsAccountId: MSP_ACCOUNT },
  });
  const msp2 = await prisma.msp.create({ data: { name: 'MSP 2', slug: `msp2-${Date.now()}` } });
  const company = await makeCompany(prisma, msp.id, 'acme', true);
  const other = await makeCompany(prisma, msp2.id, 'initech', true);
  // The company deploys its role template into its (fake) AWS account.
  const art = await getOnboarding({ prisma, runtime: aws, companyId: company.id });
  fakeAws.createAccount('444455556666');
  const outputs = fakeAws.createStack('444455556666', JSON.parse(art.cloudFormation.body) as CfnTemplate, {
    parameters: {},
    region: art.region,
  });
  await setRoleArn({
    prisma,
    runtime: aws,
    companyId: company.id,
    actorId: null,
    input: { roleArn: outputs.RoleArn! },
  });

  const rt: IngestRuntime = createIngestRuntime({
    pool,
    encryptionKey: TEST_ENCRYPTION_KEY,
    logger: silentLogger,
  });
  // The app's site door, with limits a fast test loop never reaches (the limits have their own tests).
  const door = createSiteAuthenticator({
    credentials: rt.credentials,
    logger: silentLogger,
    rememberSignature: pgSignatureMemory(pool),
    perKey: { burst: 10_000, perMinute: 10_000 },
    perCompany: { burst: 10_000, perMinute: 10_000 },
  });
  const authenticate: SiteAuthenticate = (req, opts) => door.raw(req, opts);
  const siteDeps = { prisma, runtime: aws, encryptionKey: TEST_ENCRYPTION_KEY, authenticate };
  const register = createSiteRegisterHandler({ prisma, authenticate });
  const activation = createSiteActivationHandler(siteDeps);
  const deleteActivation = createSiteActivationDeleteHandler(siteDeps);
  const hits: Upstream['hits'] = [];

  const route = async (req: Request): Promise<Response> => {
    const p = new URL(req.url).pathname;
    if (p === '/api/v1/alerts') return handleIngest(req, rt, 'native');
    if (p === '/api/v1/sites/register') return register(req);
    if (p === '/api/v1/sites/activation') return activation(req);
    const m = /^\/api\/v1\/sites\/activation\/([^/]+)$/.exec(p);
    if (m) return deleteActivation(req, decodeURIComponent(m[1]!));
    return new Response('{"error":{"code":"NOT_FOUND","message":"not found"}}', { status: 404 });
  };
  let server: http.Server | null = null;
  let port = 0;
  const up = async () => {
    server = http.createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const r = await route(toRequest(req, body));
        hits.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, status: r.status });
        const buf = Buffer.from(await r.arrayBuffer());
        const headers: Record<string, string> = {};
        r.headers.forEach((v, k) => (headers[k] = v));
        res.writeHead(r.status, { ...headers, 'content-length': buf.length }).end(buf);
      })().catch((e) => {
        res.writeHead(500).end(String(e));
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server!.address() as AddressInfo).port;
  };
  const down = async () => {
    const s = server;
    server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  };
  await up();
  return {
    url: `http://127.0.0.1:${port}`,
    prisma,
    pool,
    fakeAws,
    company,
    other,
    hits,
    up,
    down,
    async stop() {
      await down();
      await rt.close();
      aws.destroy();
      await fakeAws.stop();
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
}
