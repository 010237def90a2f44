// Test helper: two MSPs' worth of companies with keys and signing secrets, built through the services.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@aw/db';
import { createApiKey, rotateWebhookSecret } from '../keys.ts';
import { signatureHeaders } from '../hmac.ts';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');

export interface TestCompany {
  id: string;
  mspId: string;
  key: string;
  keyId: string;
  unsignedKey: string;
  unsignedKeyId: string;
  routingKey: string;
  secret: string;
}

export async function createCompany(prisma: PrismaClient, mspId: string, slug: string): Promise<TestCompany> {
  const c = await prisma.company.create({
    data: { mspId, name: slug, slug, awsExternalId: `x-${slug}-${randomBytes(4).toString('hex')}` },
  });
  const svc = { prisma, companyId: c.id, actorId: null };
  const signed = await createApiKey({ ...svc, input: { name: 'signed sender' } });
  const unsigned = await createApiKey({
    ...svc,
    input: { name: 'alertmanager', allowUnsigned: true, pagerDuty: true },
  });
  const { secret } = await rotateWebhookSecret({ ...svc, encryptionKey: TEST_ENCRYPTION_KEY, input: {} });
  return {
    id: c.id,
    mspId,
    key: signed.key,
    keyId: signed.id,
    unsignedKey: unsigned.key,
    unsignedKeyId: unsigned.id,
    routingKey: unsigned.routingKey!,
    secret,
  };
}

export async function createTenants(prisma: PrismaClient) {
  const mspA = await prisma.msp.create({
    data: { name: 'MSP A', slug: `a-${randomBytes(3).toString('hex')}` },
  });
  const mspB = await prisma.msp.create({
    data: { name: 'MSP B', slug: `b-${randomBytes(3).toString('hex')}` },
  });
  return {
    a: await createCompany(prisma, mspA.id, 'acme'),
    a2: await createCompany(prisma, mspA.id, 'globex'),
    b: await createCompany(prisma, mspB.id, 'initech'),
  };
}

/** A signed POST as a sender following docs/AWS_INTEGRATION_GUIDE.md would make it. */
export async function signedRequest(
  url: string,
  body: unknown,
  o: { key: string; secret?: string; headers?: Record<string, string>; now?: number },
): Promise<Request> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const sig = o.secret ? await signatureHeaders(o.secret, text, o.now ?? Math.floor(Date.now() / 1000)) : {};
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': o.key, ...sig, ...o.headers },
    body: text,
  });
}
