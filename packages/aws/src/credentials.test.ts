import { FakeAws } from '@aw/aws-fake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCache, roleSessionName } from './credentials.ts';
import { cloudFormationTemplate } from './template.ts';

describe('per-company credential cache', () => {
  let clock = Date.now();
  const fake = new FakeAws({ now: () => clock });
  let master: { accessKeyId: string; secretAccessKey: string };
  const target = () => ({
    companyId: 'c1',
    companySlug: 'acme',
    roleArn: 'arn:aws:iam::444455556666:role/AlertWhisperer-Access',
    externalId: 'aw-ext-1',
    region: 'us-east-1',
    endpoint: fake.endpoint,
    masterCredentials: master,
  });

  beforeAll(async () => {
    await fake.start();
    fake.createAccount('111122223333');
    fake.createAccount('444455556666');
    master = fake.createUser('111122223333', 'platform');
    fake.createStack('444455556666', cloudFormationTemplate() as never, {
      parameters: { ExternalId: 'aw-ext-1', TrustedAccountId: '111122223333' },
    });
  });
  afterAll(() => fake.stop());

  const assumeCalls = () => fake.requests.filter((r) => r.operation === 'AssumeRole').length;

  it('assumes the role once, reuses the session, and refreshes shortly before it expires', async () => {
    const cache = new CredentialCache(() => clock);
    const provider = cache.provider(target());
    expect(cache.provider(target())).toBe(provider);
    const before = assumeCalls();
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(a.expiration!.getTime() - clock).toBeLessThanOrEqual(900_000);
    expect(assumeCalls() - before).toBe(1);
    clock += 9 * 60_000;
    expect((await provider()).accessKeyId).toBe(a.accessKeyId);
    clock += 60_000;
    const c = await provider();
    expect(c.accessKeyId).not.toBe(a.accessKeyId);
    expect(assumeCalls() - before).toBe(2);
    cache.invalidate('c1');
    expect((await provider()).accessKeyId).not.toBe(c.accessKeyId);
    expect(cache.provider({ ...target(), externalId: 'aw-ext-2' })).not.toBe(provider);
  });

  it('names the company in the session name within STS limits', () => {
    expect(roleSessionName('acme')).toBe('AlertWhisperer-acme');
    expect(roleSessionName('a b/c'.repeat(30))).toMatch(/^[\w+=,.@-]{1,64}$/);
  });
});
