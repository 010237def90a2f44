import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishInput, RealtimeEvent } from './events.ts';
import type { EventLog } from './log.ts';
import {
  authorizePusherChannel,
  createPusherClient,
  PusherPublisher,
  type PusherSettings,
} from './pusher.ts';

const appId = '4242';
const key = 'loopback-key';
const secret = 'loopback-secret-0123456789';
const hmac = (k: string, s: string) => createHmac('sha256', k).update(s).digest('hex');

interface Received {
  path: string;
  query: Record<string, string>;
  body: { name: string; channels?: string[]; channel?: string; data: string };
}

/**
 * A loopback stand-in for Pusher's REST API that verifies request signing the way Pusher does:
 * auth_key, auth_timestamp (within 600 s), auth_version 1.0, body_md5 of the raw body, and
 * auth_signature = HMAC-SHA256(secret, "POST\n<path>\n<sorted query without auth_signature>").
 */
function startFakePusher() {
  const received: Received[] = [];
  const rejected: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url!, 'http://loopback');
      const q = Object.fromEntries(url.searchParams);
      const fail = (why: string) => {
        rejected.push(why);
        res.writeHead(401, { 'content-type': 'text/plain' }).end(why);
      };
      if (req.method !== 'POST' || url.pathname !== `/apps/${appId}/events`) return fail('wrong route');
      if (q.auth_key !== key) return fail('auth_key');
      if (q.auth_version !== '1.0') return fail('auth_version');
      if (
        !/^\d+$/.test(q.auth_timestamp ?? '') ||
        Math.abs(Date.now() / 1000 - Number(q.auth_timestamp)) > 600
      )
        return fail('auth_timestamp');
      if (q.body_md5 !== createHash('md5').update(raw).digest('hex')) return fail('body_md5');
      const signed = Object.keys(q)
        .filter((k) => k !== 'auth_signature')
        .sort()
        .map((k) => `${k.toLowerCase()}=${q[k]}`)
        .join('&');
      const expected = Buffer.from(hmac(secret, `POST\n${url.pathname}\n${signed}`));
      const got = Buffer.from(q.auth_signature ?? '');
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) return fail('auth_signature');
      const body = JSON.parse(raw) as Received['body'];
      if (Buffer.byteLength(body.data) > 10_240) return fail('data over 10 KB');
      received.push({ path: url.pathname, query: q, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, received, rejected };
}

describe('Pusher transport against a loopback Pusher REST server', () => {
  const fake = startFakePusher();
  let settings: PusherSettings;
  const stored: PublishInput[] = [];
  const log = {
    async append(input: PublishInput): Promise<RealtimeEvent> {
      stored.push(input);
      return {
        ...input,
        id: String(1000 + stored.length),
        createdAt: new Date().toISOString(),
      } as RealtimeEvent;
    },
    async prune() {
      return 0;
    },
  } satisfies Pick<EventLog, 'append' | 'prune'>;

  beforeAll(async () => {
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    const { port } = fake.server.address() as AddressInfo;
    settings = { appId, key, secret, host: '127.0.0.1', port, useTLS: false };
  });
  afterAll(async () => {
    await new Promise<void>((r) => fake.server.close(() => r()));
  });

  const mspId = randomUUID();
  const companyId = randomUUID();

  it('publishes a company event to its company and MSP private channels with a valid signature', async () => {
    const pub = new PusherPublisher(settings, { log });
    const e = await pub.publish({
      type: 'incident.created',
      mspId,
      companyId,
      payload: {
        incidentId: randomUUID(),
        title: 'disk full',
        severity: 'HIGH',
        status: 'OPEN',
        alertCount: 2,
      },
    });
    expect(fake.rejected).toEqual([]);
    const r = fake.received.at(-1)!;
    expect(r.query).toMatchObject({ auth_key: key, auth_version: '1.0' });
    expect(r.body.name).toBe('incident.created');
    expect(r.body.channels).toEqual([`private-msp-${mspId}`, `private-company-${companyId}`]);
    const data = JSON.parse(r.body.data);
    expect(data).toMatchObject({ id: e!.id, type: 'incident.created', mspId, companyId });
    expect(data.payload.title).toBe('disk full');
  });

  it('sends an MSP-wide event on the MSP channel only', async () => {
    const pub = new PusherPublisher(settings, { log });
    await pub.publish({
      type: 'compliance.updated',
      mspId,
      companyId: null,
      payload: { compliant: 3, nonCompliant: 1 },
    });
    expect(fake.received.at(-1)!.body.channels).toEqual([`private-msp-${mspId}`]);
  });

  it('sends an event over the size limit as a reference to fetch', async () => {
    const pub = new PusherPublisher(settings, { log });
    const title = 'x'.repeat(20_000);
    const e = await pub.publish({
      type: 'incident.created',
      mspId,
      companyId,
      payload: { incidentId: randomUUID(), title, severity: 'LOW', status: 'OPEN', alertCount: 1 },
    });
    expect(fake.rejected).toEqual([]);
    const wire = JSON.parse(fake.received.at(-1)!.body.data);
    expect(wire).toEqual({ ref: e!.id, type: 'incident.created', mspId, companyId });
    expect(stored.at(-1)!.payload).toMatchObject({ title });
  });

  it('is refused by the server when signed with the wrong secret', async () => {
    const pub = new PusherPublisher({ ...settings, secret: 'not-the-secret' }, { log });
    await expect(
      pub.publish({ type: 'alert.received', mspId, companyId, payload: { received: 1 } }),
    ).rejects.toThrow(/401/);
    expect(fake.rejected.at(-1)).toBe('auth_signature');
  });

  describe('private channel authorization', () => {
    const client = createPusherClient({ appId, key, secret, cluster: 'eu', useTLS: true });
    const otherCompany = randomUUID();
    const otherMspCompany = randomUUID();
    const companies: Record<string, string> = {
      [companyId]: mspId,
      [otherCompany]: mspId,
      [otherMspCompany]: randomUUID(),
    };
    const companyMspId = async (id: string) => companies[id] ?? null;
    const socketId = '123456.7890123';
    const authorize = (scope: { mspId: string; companyId?: string }, channelName: string, sid = socketId) =>
      authorizePusherChannel({ client, scope, socketId: sid, channelName, companyMspId });

    it('signs "<socket_id>:<channel>" with HMAC-SHA256 as "<key>:<hex>"', async () => {
      const channel = `private-company-${companyId}`;
      const r = await authorize({ mspId, companyId }, channel);
      expect(r).toEqual({ auth: `${key}:${hmac(secret, `${socketId}:${channel}`)}` });
    });

    it('lets MSP staff into their MSP channel and their companies, nothing else', async () => {
      const staff = { mspId };
      expect(await authorize(staff, `private-msp-${mspId}`)).not.toBeNull();
      expect(await authorize(staff, `private-company-${otherCompany}`)).not.toBeNull();
      expect(await authorize(staff, `private-company-${otherMspCompany}`)).toBeNull();
      expect(await authorize(staff, `private-msp-${randomUUID()}`)).toBeNull();
      expect(await authorize(staff, `private-company-${randomUUID()}`)).toBeNull();
    });

    it('lets client people into their own company channel only', async () => {
      const person = { mspId, companyId };
      expect(await authorize(person, `private-company-${companyId}`)).not.toBeNull();
      expect(await authorize(person, `private-company-${otherCompany}`)).toBeNull();
      expect(await authorize(person, `private-msp-${mspId}`)).toBeNull();
    });

    it('refuses malformed channel names and socket ids', async () => {
      const staff = { mspId };
      expect(await authorize(staff, `presence-msp-${mspId}`)).toBeNull();
      expect(await authorize(staff, `msp-${mspId}`)).toBeNull();
      expect(await authorize(staff, `private-msp-${mspId}x`)).toBeNull();
      expect(await authorize(staff, `private-msp-${mspId}`, '1234')).toBeNull();
      expect(await authorize(staff, `private-msp-${mspId}`, '1.2:private-msp-x')).toBeNull();
    });
  });
});
