// The demo's simulated AWS: the loopback fake with the MSP's account and, for every simulated
// company, an account whose roles were created from the company's own onboarding template (the
// same file a real client deploys), plus a few managed nodes so a newcomer sees them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeAws, type FakeState } from '@aw/aws-fake';
import type { PrismaClient } from '@aw/db';
import {
  AwsRuntime,
  cloudFormationTemplate,
  HYBRID_ROLE_NAME,
  setRoleArn,
  syncNodes,
  testConnection,
} from '@aw/aws';
import { DEMO_MSP_SLUG } from './seed.ts';

export interface DemoCompany {
  id: string;
  slug: string;
  externalId: string;
  region: string;
}

export interface DemoAws {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Role ARN per company id (the stack output a client would paste). */
  roleArns: Record<string, string>;
  /** Environment for the web process: the fake is used only for companies with simulated = true. */
  env: Record<string, string>;
  fake: FakeAws;
  stop(): Promise<void>;
}

/** A stable 12-digit account id per company, so role ARNs survive restarts. */
export function demoAccountId(companyId: string): string {
  const n = BigInt(`0x${createHash('sha256').update(companyId).digest('hex').slice(0, 15)}`);
  return `4${(n % 10n ** 11n).toString().padStart(11, '0')}`;
}

export async function startDemoAws(opts: {
  mspAccountId: string;
  companies: DemoCompany[];
  /** JSON file that keeps the fake's state (activations, nodes, keys) across restarts. */
  stateFile?: string;
  port?: number;
}): Promise<DemoAws> {
  let state: FakeState | undefined;
  if (opts.stateFile && existsSync(opts.stateFile)) {
    try {
      state = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as FakeState;
    } catch {
      state = undefined;
    }
  }
  let timer: NodeJS.Timeout | null = null;
  const save = (s: FakeState) => {
    if (!opts.stateFile || timer) return;
    const file = opts.stateFile;
    timer = setTimeout(() => {
      timer = null;
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
      renameSync(tmp, file);
    }, 200);
    timer.unref();
  };
  const fake = new FakeAws({ state, onChange: save, stepMs: 1500 });
  const endpoint = await fake.start(opts.port ?? 0);

  fake.createAccount(opts.mspAccountId);
  const userName = 'alert-whisperer-platform';
  let key = Object.values(fake.state.keys).find(
    (k) => k.accountId === opts.mspAccountId && k.user === userName,
  );
  if (!key) {
    const created = fake.createUser(opts.mspAccountId, userName);
    key = fake.state.keys[created.accessKeyId]!;
  }

  const roleArns: Record<string, string> = {};
  for (const c of opts.companies) {
    const accountId = demoAccountId(c.id);
    const fresh = !fake.state.accounts[accountId];
    fake.createAccount(accountId);
    // Re-created from the template on every start: the template may have changed.
    const outputs = fake.createStack(accountId, cloudFormationTemplate(), {
      parameters: { ExternalId: c.externalId, TrustedAccountId: opts.mspAccountId },
      region: c.region,
    });
    roleArns[c.id] = outputs.RoleArn!;
    if (fresh) {
      const tags = [{ Key: 'alert-whisperer:company', Value: c.slug }];
      const act = fake.seedActivation(accountId, c.region, {
        iamRole: HYBRID_ROLE_NAME,
        limit: 5,
        name: `${c.slug}-onprem`,
        tags,
      });
      const reg = (
        name: string,
        platformType: 'Linux' | 'Windows',
        platformName: string,
        platformVersion: string,
      ) =>
        fake.registerManagedInstance({
          ...act,
          region: c.region,
          name,
          platformType,
          platformName,
          platformVersion,
          computerName: name,
        });
      reg(`${c.slug}-db-01`, 'Linux', 'Ubuntu', '24.04');
      reg(`${c.slug}-files-01`, 'Windows', 'Microsoft Windows Server 2022 Datacenter', '10.0.20348');
      const offline = reg(`${c.slug}-legacy-erp`, 'Linux', 'Red Hat Enterprise Linux', '8.10');
      fake.setPingStatus(accountId, c.region, offline, 'ConnectionLost');
      fake.addEc2Instance(accountId, c.region, { name: `${c.slug}-web-01` });
    }
  }

  return {
    endpoint,
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    roleArns,
    env: {
      FAKE_AWS_ENDPOINT: endpoint,
      FAKE_AWS_ACCESS_KEY_ID: key.accessKeyId,
      FAKE_AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    },
    fake,
    async stop() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
        if (opts.stateFile) writeFileSync(opts.stateFile, JSON.stringify(fake.state), { mode: 0o600 });
      }
      await fake.stop();
    },
  };
}

/**
 * The launcher's few lines: start the simulated AWS for the demo MSP's simulated companies, point
 * their role ARN at the role their template created, and run a first test connection and node sync
 * so the portal shows a connected account with nodes. Returns null when there is no demo MSP.
 */
export async function connectDemoAws(
  prisma: PrismaClient,
  opts: { dataDir: string; mspSlug?: string; log?: (line: string) => void },
): Promise<DemoAws | null> {
  const msp = await prisma.msp.findUnique({
    where: { slug: opts.mspSlug ?? DEMO_MSP_SLUG },
    include: { companies: { where: { simulated: true } } },
  });
  if (!msp || !msp.awsAccountId || !msp.companies.length) return null;
  const demo = await startDemoAws({
    mspAccountId: msp.awsAccountId,
    companies: msp.companies.map((c) => ({
      id: c.id,
      slug: c.slug,
      externalId: c.awsExternalId,
      region: c.awsRegion,
    })),
    stateFile: path.join(opts.dataDir, 'fake-aws.json'),
  });
  const runtime = new AwsRuntime({
    fake: { endpoint: demo.endpoint, accessKeyId: demo.accessKeyId, secretAccessKey: demo.secretAccessKey },
  });
  try {
    for (const c of msp.companies) {
      const roleArn = demo.roleArns[c.id]!;
      if (c.awsRoleArn !== roleArn)
        await setRoleArn({ prisma, runtime, companyId: c.id, actorId: null, input: { roleArn } });
      const r = await testConnection({ prisma, runtime, companyId: c.id, actorId: null });
      if (r.ok)
        await syncNodes({ prisma, runtime, companyId: c.id, actorId: null }).catch((e: unknown) =>
          opts.log?.(`▸ Simulated AWS node sync for ${c.name} failed: ${String(e)}`),
        );
      opts.log?.(`▸ Simulated AWS account for ${c.name}: ${r.ok ? 'connected' : `failed (${r.error})`}`);
    }
  } finally {
    runtime.destroy();
  }
  return demo;
}
