// No secret reaches a log. Everything the process writes (stdout, stderr, every console method) is
// captured during a representative run over HTTP against every route handler: sign-in (right and
// wrong passwords), onboarding (an API key, a signing secret, its rotation, a revealed secret),
// ingestion (signed, badly signed, stale, replayed, with a wrong key, unsigned site activation) and
// a key rotation. Then the capture is searched for every secret the run created or used: the
// password, AUTH_SECRET, APP_ENCRYPTION_KEY (old and new), API keys (whole and their secret part),
// webhook signing secrets, the session and CSRF tokens.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { hashPassword } from '@aw/core/password';
import { decryptSecret, encryptSecret } from '@aw/core/crypto';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { replaceRoot } from './composition';
import { rotateEncryptionKey } from '@aw/db/key-rotation';
import { createTestDatabase } from '@aw/db/testing';
import { signatureHeaders } from '@aw/ingest';
import { NextRequest } from 'next/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type * as AuthModule from '~/server/auth';
import {
  loadRoutes,
  signInOverHttp,
  startRouteServer,
  type RouteServer,
} from '~/server/testing/route-server';

// Installed before any module is imported (a logger may keep a reference to console.log): from the
// first line on, every console call and every write to stdout/stderr is captured (and still shown).
const capture = vi.hoisted(() => {
  const lines: string[] = [];
  const restore: (() => void)[] = [];
  const fmt = (args: unknown[]) =>
    args
      .map((a) =>
        typeof a === 'string'
          ? a
          : (() => {
              try {
                return JSON.stringify(a) ?? String(a);
              } catch {
                return String(a);
              }
            })(),
      )
      .join(' ');
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const orig = console[m];
    console[m] = (...args: unknown[]) => {
      lines.push(fmt(args));
      if (args[0] instanceof Error || args.some((a) => a instanceof Error))
        for (const a of args) if (a instanceof Error) lines.push(`${a.message}\n${a.stack ?? ''}`);
      orig(...args);
    };
    restore.push(() => (console[m] = orig));
  }
  return { lines, restore };
});

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
const AUTH_SECRET = randomBytes(32).toString('base64');
const ENC = randomBytes(32).toString('base64');
const ENC_NEW = randomBytes(32).toString('base64');

describe('secrets never reach the logs', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let server: RouteServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      APP_ENCRYPTION_KEY: ENC,
      AUTH_SECRET,
      // As in production: never the console mailer (it prints links by design on a local run).
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'aw@test.invalid',
    });
    prisma = createPrismaClient(db.url, { max: 2 });
    const msp = await prisma.msp.create({ data: { name: 'Logs MSP', slug: 'logs' } });
    const owner = await prisma.user.create({
      data: { email: 'owner@logs.test', name: 'Owner', passwordHash: await hashPassword(PASSWORD) },
    });
    await prisma.membership.create({ data: { userId: owner.id, mspId: msp.id, role: 'OWNER' } });
    await prisma.company.create({
      data: { mspId: msp.id, name: 'Logs Co', slug: 'logs-co', awsExternalId: 'logs-co' },
    });
    server = await startRouteServer(await loadRoutes(path.resolve(import.meta.dirname, '../app')));
  }, 120_000);

  afterAll(async () => {
    for (const r of capture.restore) r();
    await server?.close();
    // The process's root, built from the environment by the route handlers.
    await replaceRoot(undefined)?.stop();
    await prisma?.$disconnect();
    await db?.drop();
    process.env = saved;
  });

  it('finds none of the run’s secrets in anything it logged', async () => {
    const secrets = new Map<string, string>([
      ['password', PASSWORD],
      ['AUTH_SECRET', AUTH_SECRET],
      ['APP_ENCRYPTION_KEY', ENC],
      ['the new APP_ENCRYPTION_KEY', ENC_NEW],
    ]);
    const base = server.base;
    // Sign-in: a wrong password first, then the right one.
    await expect(signInOverHttp(base, 'owner@logs.test', `${PASSWORD}x`)).rejects.toThrow();
    const cookie = await signInOverHttp(base, 'owner@logs.test', PASSWORD);
    secrets.set('session token', cookie.split('=')[1]!);
    const csrf = await fetch(`${base}/api/auth/csrf`);
    secrets.set('CSRF token', ((await csrf.json()) as { csrfToken: string }).csrfToken);

    const trpc = async (name: string, input: unknown, query = false) => {
      const encoded = superjson.stringify(input);
      const res = await fetch(
        query ? `${base}/api/trpc/${name}?input=${encodeURIComponent(encoded)}` : `${base}/api/trpc/${name}`,
        {
          method: query ? 'GET' : 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: query ? undefined : encoded,
        },
      );
      const json = (await res.json()) as { result?: { data?: { json?: Record<string, unknown> } } };
      return { status: res.status, data: json.result?.data?.json ?? {} };
    };
    const company = await prisma.company.findFirstOrThrow();
    // Onboarding: a key, a signing secret (rotated once), the secret revealed again.
    const created = await trpc('ingest.keys.create', { companyId: company.id, name: 'sender' });
    expect(created.status).toBe(200);
    const key = created.data.key as string;
    secrets.set('API key', key);
    secrets.set('API key secret part', key.split('_').slice(2).join('_'));
    const site = await trpc('ingest.keys.create', { companyId: company.id, name: 'op', scopes: ['site'] });
    secrets.set('site API key', site.data.key as string);
    const first = await trpc('ingest.secret.rotate', { companyId: company.id, overlapMinutes: 0 });
    const second = await trpc('ingest.secret.rotate', { companyId: company.id, overlapMinutes: 60 });
    const secret = second.data.secret as string;
    expect(secret).toMatch(/^whsec_/);
    secrets.set('first signing secret', first.data.secret as string);
    secrets.set('signing secret', secret);
    await trpc('ingest.secret.reveal', { companyId: company.id }, true);
    await trpc('members.invite', { email: 'new@logs.test', role: 'TECHNICIAN', companyId: null });

    // Ingestion: good, badly signed, stale, replayed, wrong key; an unsigned site activation.
    const post = async (route: string, k: string, body: string, sig: Record<string, string>) =>
      (
        await fetch(`${base}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${k}`, ...sig },
          body,
        })
      ).status;
    const body = '{"asset":"web-01","signature":"disk_full"}';
    const good = await signatureHeaders(secret, body);
    expect(await post('/api/v1/alerts', key, body, good)).toBe(202);
    expect(await post('/api/v1/alerts', key, body, good)).toBe(401);
    expect(await post('/api/v1/alerts', key, body, await signatureHeaders('whsec_wrong', body))).toBe(401);
    expect(
      await post(
        '/api/v1/alerts',
        key,
        body,
        await signatureHeaders(secret, body, Math.floor(Date.now() / 1000) - 900),
      ),
    ).toBe(401);
    expect(await post('/api/v1/alerts', `${key.slice(0, -4)}AAAA`, body, good)).toBe(401);
    expect(await post('/api/v1/sites/activation', site.data.key as string, '{"siteName":"x"}', {})).toBe(401);

    // A key rotation, logging its progress as the command does.
    await rotateEncryptionKey({
      prisma,
      cipher: { encrypt: encryptSecret, decrypt: decryptSecret },
      oldKey: ENC,
      newKey: ENC_NEW,
      onBatch: (r) => console.log(`${r.table}.${r.column}: ${r.scanned} scanned, ${r.rotated} rotated`),
    });

    const all = capture.lines.join('\n');
    // The run did log (so the capture works): the rejected signatures are reported.
    expect(all).toMatch(/signature rejected/);
    const found = [...secrets].filter(([, v]) => v.length >= 8 && all.includes(v)).map(([k]) => k);
    console.info(
      `secrets in logs: ${secrets.size} secrets searched in ${capture.lines.length} captured writes ` +
        `(${all.length} characters); found: ${found.length}`,
    );
    expect(found).toEqual([]);
  });
});
