// Tenant isolation sweep over every HTTP route handler, enumerated from the route tree on disk
// (src/app/**/route.ts): a route added tomorrow is swept without editing this file. Each exported
// method is called over real HTTP as a stranger (no credentials), as the owner and as a client user
// of another MSP (sessions from a real sign-in through Auth.js), as a client admin of the victim
// MSP's other company, and with another MSP's API key (HMAC-signed), with every victim id in the
// path, the query and the body. Each call must answer like the same call with ids that exist nowhere
// (same status), never with victim data, and the victim's rows must be unchanged afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { replaceRoot } from '~/server/composition';
import { createTestDatabase } from '@aw/db/testing';
import { createApiKey, rotateWebhookSecret, signatureHeaders } from '@aw/ingest';
import { NextRequest } from 'next/server';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type * as AuthModule from '~/server/auth';
import { populate, snapshot, tenant, tenantTables, type Tenant } from '~/server/testing/tenant-fixture';
import { buildInput } from '~/server/testing/zod-inputs';
import {
  loadRoutes,
  signInOverHttp,
  startRouteServer,
  type RouteFile,
  type RouteServer,
} from '~/server/testing/route-server';

// `auth()` reads the session through Next's request store, which only `next start` has. Here it asks
// Auth.js itself (its real /api/auth/session handler, with the jwt callback's session-version check)
// about the cookie of the request being handled: the session is the one a real sign-in produced.
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
const MARK = `VICTIM${randomBytes(4).toString('hex')}`;
const PASSWORD = 'route sweep password 1';
const ENC = Buffer.alloc(32, 5).toString('base64');
/** Routes that answer anyone by design; they are still swept for leaks and changes. */
// Public by design: liveness, readiness and the Prometheus scrape answer anyone with process-wide
// figures only (no tenant's data: the sweep still checks every answer for victim data).
const PUBLIC = new Set(['/api/health', '/api/ready', '/metrics', '/api/auth/[...nextauth]']);
const AUTH_ACTIONS: Record<string, string[]> = {
  GET: ['session', 'csrf', 'providers'],
  POST: ['signin/credentials', 'signout', 'callback/credentials'],
};

const isTrpc = (r: RouteFile) => r.pattern === '/api/trpc/[trpc]';

interface Identity {
  name: string;
  headers: Record<string, string>;
  /** Signs a body (API-key identities: the key's company secret). */
  sign?: (body: string) => Promise<Record<string, string>>;
}

describe('HTTP route sweep', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let victim: Tenant;
  let attacker: Tenant;
  let routes: RouteFile[];
  let server: RouteServer;
  let victimIds: string[] = [];
  /** Ids of the victim's company 1 (its rows and client users): what its sibling must not reach. */
  const companyOne = new Set<string>();
  const saved = { ...process.env };

  const signIn = (email: string) => signInOverHttp(server.base, email, PASSWORD);

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      APP_ENCRYPTION_KEY: ENC,
      AUTH_SECRET: randomBytes(32).toString('base64'),
    });
    prisma = createPrismaClient(db.url, { max: 4 });
    const passwordHash = await hashPassword(PASSWORD);
    victim = await tenant(prisma, 'Victim', passwordHash, MARK);
    attacker = await tenant(prisma, 'Attacker', passwordHash, 'attackerown');
    await populate(prisma, victim, MARK);
    await populate(prisma, attacker, 'attackerown');
    const ids = new Set<string>([victim.mspId, ...victim.companies, ...Object.values(victim.users)]);
    const [c1] = victim.companies as [string];
    companyOne.add(c1).add(victim.users.clientAdmin).add(victim.users.clientViewer);
    for (const t of await tenantTables(prisma)) {
      if (t.idType !== 'uuid') continue;
      const rows = await prisma.$queryRawUnsafe<{ id: string; c: string | null }[]>(
        `SELECT id::text AS id, ${t.hasCompany ? '"companyId"::text' : 'NULL'} AS c FROM "${t.table}" WHERE "${t.col}"::text = ANY($1)`,
        t.col === 'mspId' ? [victim.mspId] : victim.companies,
      );
      for (const r of rows) {
        ids.add(r.id);
        if (r.c === c1) companyOne.add(r.id);
      }
    }
    // Ids that name a row by a column other than `id` (the activation route's path).
    for (const a of await prisma.hybridActivation.findMany({ where: { mspId: victim.mspId } })) {
      ids.add(a.activationId);
      if (a.companyId === c1) companyOne.add(a.activationId);
    }
    victimIds = [...ids];
    routes = await loadRoutes(path.resolve(import.meta.dirname, '..'));
    server = await startRouteServer(routes);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    const g = globalThis as unknown as { __awRealtime?: { publisher: { close(): Promise<void> } } };
    await g.__awRealtime?.publisher.close();
    // The process's root, built from the environment by the route handlers.
    await replaceRoot(undefined)?.stop();
    await prisma?.$disconnect();
    await db?.drop();
    process.env = saved;
  });

  it('refuses every route × method × identity with victim ids as a missing id, leaks nothing, changes nothing', async () => {
    const [c1, c2] = victim.companies as [string, string];
    const { secret } = await rotateWebhookSecret({
      prisma,
      companyId: attacker.companies[0]!,
      actorId: null,
      encryptionKey: ENC,
      input: {},
    });
    const { key } = await createApiKey({
      prisma,
      companyId: attacker.companies[0]!,
      actorId: null,
      input: { name: 'attacker', scopes: ['alerts:write', 'site'] },
    });
    let callSeq = 0;
    const identities: Identity[] = [
      { name: 'signed out', headers: {} },
      { name: 'owner of another MSP', headers: { cookie: await signIn('owner@attacker.test') } },
      { name: 'client admin of another MSP', headers: { cookie: await signIn('clientadmin@attacker.test') } },
      {
        name: 'client admin of a sibling company',
        headers: { cookie: await signIn('siblingadmin@victim.test') },
      },
      {
        name: "another MSP's API key",
        headers: { authorization: `Bearer ${key}` },
        // Every body is distinct (a call counter), so no two calls share a signature and none is
        // refused as a replay of another.
        sign: async (body) => signatureHeaders(secret, body),
      },
    ];
    const tables = await tenantTables(prisma);
    const before = await snapshot(prisma, victim, tables, c2);

    const procedures = Object.entries(
      (
        (await import('~/server/root')).appRouter as unknown as {
          _def: { procedures: Record<string, { _def: { type: string; inputs: unknown[] } }> };
        }
      )._def.procedures,
    ).filter(([, p]) => p._def.type !== 'subscription');

    interface Call {
      method: string;
      url: string;
      body?: string;
      contentType?: string;
    }
    /** The calls for one route, with `id` (a victim id, or a random missing one) in every id place. */
    function calls(route: RouteFile, method: string, id: string): Call[] {
      const paramValues = (name: string): string[][] =>
        name === 'trpc'
          ? procedures.map(([p]) => [p])
          : name === 'nextauth'
            ? (AUTH_ACTIONS[method] ?? []).map((a) => a.split('/'))
            : [[id]];
      let urls = [''];
      for (const s of route.segments) {
        if (s.kind === 'static') urls = urls.map((u) => `${u}/${s.value}`);
        else
          urls = urls.flatMap((u) =>
            paramValues(s.name).map((v) => `${u}/${v.map(encodeURIComponent).join('/')}`),
          );
      }
      const query = `companyId=${id}&mspId=${id}&id=${id}&incidentId=${id}`;
      return urls.flatMap((u): Call[] => {
        if (isTrpc(route)) {
          const proc = procedures.find(([p]) => u.endsWith(`/${p}`))!;
          const schema = proc[1]._def.inputs[0];
          const input = schema ? buildInput(schema, { uuid: () => id, digits: () => '1' }) : undefined;
          const encoded = superjson.stringify(input);
          const query = proc[1]._def.type === 'query';
          if (query !== (method === 'GET')) return [];
          return query
            ? [{ method: 'GET', url: `${u}?input=${encodeURIComponent(encoded)}` }]
            : [{ method: 'POST', url: u, body: encoded, contentType: 'application/json' }];
        }
        const body = JSON.stringify({
          companyId: id,
          mspId: id,
          id,
          incidentId: id,
          siteName: 'sweep',
          alerts: [{ asset: id, signature: 'disk_full', severity: 'high', labels: { companyId: id } }],
          call: callSeq++,
        });
        return method === 'GET'
          ? [{ method, url: `${u}?${query}` }]
          : [{ method, url: `${u}?${query}`, body, contentType: 'application/json' }];
      });
    }

    const send = async (who: Identity, c: Call) => {
      const headers: Record<string, string> = { ...who.headers };
      if (c.contentType) headers['content-type'] = c.contentType;
      if (c.body !== undefined && who.sign) Object.assign(headers, await who.sign(c.body));
      const ac = new AbortController();
      // Only a hung answer is cut (a stream is read for 0.5 s below); a slow one on a busy machine is waited for.
      const timer = setTimeout(() => ac.abort(), 30_000);
      try {
        const res = await fetch(`${server.base}${c.url}`, {
          method: c.method,
          headers,
          body: c.body,
          redirect: 'manual',
          signal: ac.signal,
        });
        // A stream (SSE) is read for what it sends first, then dropped.
        let text = '';
        const reader = res.body?.getReader();
        const dec = new TextDecoder();
        while (reader && text.length < 200_000) {
          const r = await Promise.race([
            reader.read(),
            new Promise<{ done: true }>((ok) => setTimeout(() => ok({ done: true }), 500)),
          ]);
          if (r.done) break;
          text += dec.decode((r as { value: Uint8Array }).value);
        }
        await reader?.cancel().catch(() => undefined);
        return { status: res.status, text };
      } finally {
        clearTimeout(timer);
      }
    };

    const violations: string[] = [];
    const tally = new Map<string, { tried: number; refused: number; own: number; limited: number }>();
    let endpoints = 0;
    for (const route of routes) {
      for (const method of Object.keys(route.handlers)) {
        endpoints++;
        for (const who of identities) {
          const t = tally.get(who.name) ?? { tried: 0, refused: 0, own: 0, limited: 0 };
          tally.set(who.name, t);
          const missing = calls(route, method, randomUUID());
          const baseline: Awaited<ReturnType<typeof send>>[] = [];
          for (const c of missing) baseline.push(await send(who, c));
          const sibling = who.name.includes('sibling');
          // A sibling company's user may name its own MSP and the staff it may assign (the permission
          // matrix's business); the line drawn here is company 1's rows, as in the tRPC sweep.
          const attackIds = sibling ? victimIds.filter((i) => companyOne.has(i)) : victimIds;
          const ids = route.segments.some((s) => s.kind === 'param' && s.name === 'id')
            ? attackIds
            : [
                c1,
                ...(sibling ? [] : [victim.mspId]),
                attackIds.find((i) => i !== c1 && i !== victim.mspId)!,
              ];
          for (const id of ids) {
            const attack = calls(route, method, id);
            for (const [i, c] of attack.entries()) {
              const got = await send(who, c);
              const base = baseline[i]!;
              t.tried++;
              const label = `${method} ${c.url.split('?')[0]!.replace(id, '<victim id>')} as ${who.name}`;
              const leaked =
                got.text.includes(MARK) ||
                attackIds.some((v) => v !== id && got.text.includes(v) && !base.text.includes(v));
              if (leaked) violations.push(`${label}: answered with victim data`);
              // A rate limit answers before any lookup: it says nothing about the id (counted apart).
              if (got.status === 429 && base.status >= 400) t.limited++;
              else if (got.status !== base.status)
                violations.push(`${label}: ${got.status} but a missing id gets ${base.status}`);
              if (got.status >= 400) t.refused++;
              else if (who.name === 'signed out' && !PUBLIC.has(route.pattern) && !isTrpc(route))
                violations.push(`${label}: ${got.status} to a stranger`);
              else t.own++;
            }
          }
        }
      }
    }
    const after = await snapshot(prisma, victim, tables, c2);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    console.log(
      `route sweep: ${routes.length} route files, ${endpoints} route × method, × ${identities.length} identities, ` +
        `${victimIds.length} victim ids over ${tables.length} tenant tables; ` +
        [...tally]
          .map(
            ([k, v]) =>
              `${k}: ${v.tried} tried, ${v.refused} refused (${v.limited} by a rate limit), ` +
              `${v.own} answered for its own tenant without victim data`,
          )
          .join('; '),
    );
    const grouped = new Map<string, number>();
    for (const v of violations) grouped.set(v, (grouped.get(v) ?? 0) + 1);
    expect([...grouped].map(([k, n]) => `${k} (×${n})`)).toEqual([]);
    expect(changed, 'victim tables changed by the sweep').toEqual([]);
    // The enumeration itself: every route file was mounted with at least one method.
    expect(routes.filter((r) => Object.keys(r.handlers).length === 0).map((r) => r.file)).toEqual([]);
  }, 900_000);
});
