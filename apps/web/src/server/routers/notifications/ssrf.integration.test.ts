// SSRF through the notification settings, driven as an attacker with an admin session would: over
// HTTP against the real route handlers (Auth.js sign-in, the tRPC endpoint). Destinations on the
// cloud metadata address, loopback (literal, IPv4-mapped IPv6, decimal, a name resolving to it) and
// private networks are refused with the field and nothing is stored; a destination stored before
// the guard is refused when sent to. A loopback receiver counts every request that reaches it.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { sealChannelSecret } from '@aw/notifications';
import { NextRequest } from 'next/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type * as AuthModule from '~/server/auth';
import { replaceRoot } from '~/server/composition';
import {
  loadRoutes,
  signInOverHttp,
  startRouteServer,
  type RouteServer,
} from '~/server/testing/route-server';

vi.mock('~/server/auth', async (importOriginal) => {
  const real = await importOriginal<typeof AuthModule>();
  const { currentRequestHeaders } = await import('~/server/testing/route-server');
  return {
    ...real,
    auth: async () => {
      const cookie = currentRequestHeaders()?.get('cookie');
      if (!cookie) return null;
      const res = await real.handlers.GET(
        new NextRequest('http://127.0.0.1/api/auth/session', { headers: { cookie } }),
      );
      return ((await res.json()) as { user?: { id?: string } } | null) ?? null;
    },
  };
});

const [target] = inject('pgTargets');
const PASSWORD = `pw-${randomBytes(12).toString('base64url')}`;
const ENC = randomBytes(32).toString('base64');

describe('SSRF through notification and PSA settings, over HTTP', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let server: RouteServer;
  let receiver: http.Server;
  let port = 0;
  let hits = 0;
  let cookie = '';
  let mspId = '';
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      APP_ENCRYPTION_KEY: ENC,
      AUTH_SECRET: randomBytes(32).toString('base64'),
      MAIL_TRANSPORT: 'console',
      NOTIFY_ALLOW_PRIVATE_DESTINATIONS: 'false',
    });
    prisma = createPrismaClient(db.url, { max: 2 });
    const msp = await prisma.msp.create({ data: { name: 'SSRF MSP', slug: 'ssrf' } });
    mspId = msp.id;
    const admin = await prisma.user.create({
      data: { email: 'admin@ssrf.test', name: 'Admin', passwordHash: await hashPassword(PASSWORD) },
    });
    await prisma.membership.create({ data: { userId: admin.id, mspId: msp.id, role: 'ADMIN' } });
    receiver = http.createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
    server = await startRouteServer(await loadRoutes(path.resolve(import.meta.dirname, '../../../app')));
    cookie = await signInOverHttp(server.base, 'admin@ssrf.test', PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await new Promise((r) => receiver?.close(r));
    await replaceRoot(undefined)?.stop();
    await prisma?.$disconnect();
    await db?.drop();
    process.env = saved;
  });

  const trpc = async (name: string, input: unknown) => {
    const res = await fetch(`${server.base}/api/trpc/${name}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: superjson.stringify(input),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses metadata, loopback and private destinations for every outbound kind; stores nothing', async () => {
    const attacks: [string, Record<string, unknown>][] = [
      [
        'WEBHOOK',
        {
          url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
          signingSecret: 'x'.repeat(20),
        },
      ],
      ['TEAMS', { url: `http://127.0.0.1:${port}/teams` }],
      ['SLACK', { url: `http://[::ffff:127.0.0.1]:${port}/slack` }],
      ['SLACK', { url: `http://2130706433:${port}/decimal` }],
      ['WEBHOOK', { url: `http://localhost:${port}/named`, signingSecret: 'x'.repeat(20) }],
      [
        'PAGERDUTY',
        { routingKey: 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey00', eventsUrl: 'http://10.0.0.5/v2/enqueue' },
      ],
    ];
    for (const [kind, extra] of attacks) {
      const r = await trpc('notifications.channels.save', { channel: { kind, name: 'evil', ...extra } });
      expect(r.status, `${kind} ${JSON.stringify(extra)}`).toBe(400);
      expect(JSON.stringify(r.body)).toMatch(
        /private, loopback, link-local and metadata addresses are refused/,
      );
    }
    const psa = await trpc('notifications.psa.save', {
      connection: {
        kind: 'CONNECTWISE',
        name: 'evil',
        baseUrl: 'http://169.254.169.254/v4_6_release/apis/3.0',
        companyId: 'x',
        publicKey: 'p',
        privateKey: 'q',
        clientId: randomUUID(),
        board: 'b',
      },
    });
    expect(psa.status).toBe(400);
    expect(JSON.stringify(psa.body)).toContain('169.254.169.254 (link-local (cloud metadata))');
    expect(await prisma.notificationChannel.count()).toBe(0);
    expect(await prisma.psaConnection.count()).toBe(0);
    expect(hits).toBe(0);
  });

  it('a destination stored before the guard is refused on "Send test" and never reached', async () => {
    const id = randomUUID();
    await prisma.notificationChannel.create({
      data: {
        id,
        mspId,
        name: 'stored',
        kind: 'SLACK',
        secretCiphertext: await sealChannelSecret({ url: `http://localhost:${port}/stored` }, id, ENC),
      },
    });
    const r = await trpc('notifications.channels.test', { id });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toMatch(/resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    expect(hits).toBe(0);
  });
});
