import { createHmac } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { replaceRoot, type Root } from '~/server/composition';
import { testRoot } from '~/testing/services';

// The session is the only thing faked: everything after it (membership, scope, company checks,
// the hub, the log) is the real code on a real database.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('~/server/auth', () => ({
  auth: async () => (session.userId ? { user: { id: session.userId } } : null),
}));

const [target] = inject('pgTargets');

describe('live-update routes', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  const ids: Record<string, string> = {};
  let root: Root | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 2 });
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: m, slug: `rt-${m}` } });
      ids[`msp${m}`] = msp.id;
      for (const c of ['1', '2']) {
        const co = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${c}`, slug: `${m}${c}`, awsExternalId: `rt-${m}${c}` },
        });
        ids[`${m}${c}`] = co.id;
      }
    }
    const tech = await prisma.user.create({ data: { email: 't@a.test', name: 't', passwordHash: 'x' } });
    await prisma.membership.create({ data: { userId: tech.id, mspId: ids.mspa!, role: 'TECHNICIAN' } });
    const client = await prisma.user.create({ data: { email: 'c@a1.test', name: 'c', passwordHash: 'x' } });
    await prisma.membership.create({
      data: { userId: client.id, mspId: ids.mspa!, companyId: ids.a1!, role: 'CLIENT_VIEWER' },
    });
    ids.tech = tech.id;
    ids.client = client.id;
  });

  afterAll(async () => {
    replaceRoot(undefined);
    await root?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  /** A fresh root (this test's own, on its database) with the realtime settings in `env`. */
  async function fresh(env: Record<string, string>) {
    await root?.stop();
    root = testRoot(db.url, { prisma, env });
    replaceRoot(root);
  }

  function streamReader(res: Response) {
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    return {
      async until(pred: (text: string) => boolean) {
        const deadline = Date.now() + 10_000;
        while (!pred(text)) {
          if (Date.now() > deadline) throw new Error(`timed out: ${text}`);
          const r = await reader.read();
          if (r.done) break;
          text += dec.decode(r.value);
        }
        return text;
      },
      cancel: () => reader.cancel(),
    };
  }

  describe('SSE (default)', () => {
    beforeAll(() => fresh({}));

    it('streams only what the session may see, and refuses anonymous and foreign narrowing', async () => {
      const { GET } = await import('./stream/route');
      session.userId = null;
      expect((await GET(new Request('http://x/api/realtime/stream'))).status).toBe(401);
      session.userId = ids.client!;
      const foreign = await GET(new Request(`http://x/api/realtime/stream?companyId=${ids.a2}`));
      expect(foreign.status).toBe(404);
      session.userId = ids.tech!;
      const otherMsp = await GET(new Request(`http://x/api/realtime/stream?companyId=${ids.b1}`));
      expect(otherMsp.status).toBe(404);

      session.userId = ids.client!;
      const res = await GET(new Request('http://x/api/realtime/stream'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const stream = streamReader(res);
      await stream.until((t) => t.includes('event: ready'));
      const p = root!.realtime;
      const ev = (companyId: string, mspId: string, title: string) =>
        p.publish({
          type: 'incident.created',
          mspId,
          companyId,
          payload: { incidentId: companyId, title, severity: 'LOW', status: 'OPEN', alertCount: 1 },
        });
      await ev(ids.a2!, ids.mspa!, 'sibling company');
      await ev(ids.b1!, ids.mspb!, 'other msp');
      await ev(ids.a1!, ids.mspa!, 'own company');
      const text = await stream.until((t) => t.includes('own company'));
      await stream.cancel();
      expect(text).toContain('event: ready');
      expect(text).not.toContain('sibling company');
      expect(text).not.toContain('other msp');
    });

    it('serves a logged event only inside the viewer scope', async () => {
      const { GET } = await import('./events/[id]/route');
      const e = await root!.realtime.publish({
        type: 'alert.received',
        mspId: ids.mspa!,
        companyId: ids.a2!,
        payload: { received: 3 },
      });
      const get = () => GET(new Request('http://x'), { params: Promise.resolve({ id: e!.id }) });
      session.userId = ids.tech!;
      expect(await (await get()).json()).toMatchObject({ id: e!.id, payload: { received: 3 } });
      session.userId = ids.client!;
      expect((await get()).status).toBe(404);
    });

    it('reports the SSE transport to the browser', async () => {
      const { GET } = await import('./config/route');
      session.userId = ids.tech!;
      expect(await (await GET(new Request('http://x/api/realtime/config'))).json()).toEqual({
        transport: 'sse',
        url: '/api/realtime/stream',
      });
    });
  });

  describe('Pusher', () => {
    const secret = 'route-test-secret';
    beforeAll(() =>
      fresh({
        PUSHER_APP_ID: '1',
        PUSHER_KEY: 'route-key',
        PUSHER_SECRET: secret,
        PUSHER_HOST: '127.0.0.1',
        PUSHER_PORT: '9',
        PUSHER_USE_TLS: 'false',
      }),
    );

    const post = async (body: string, type = 'application/x-www-form-urlencoded') => {
      const { POST } = await import('./pusher-auth/route');
      return POST(
        new Request('http://x/api/realtime/pusher-auth', {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        }),
      );
    };

    it('gives each viewer its one channel', async () => {
      const { GET } = await import('./config/route');
      session.userId = ids.client!;
      const c = await (await GET(new Request('http://x/api/realtime/config'))).json();
      expect(c).toMatchObject({
        transport: 'pusher',
        key: 'route-key',
        channel: `private-company-${ids.a1}`,
      });
      expect(JSON.stringify(c)).not.toContain(secret);
    });

    it('signs only channels inside the session scope', async () => {
      const form = (ch: string) => `socket_id=1234.5678&channel_name=${ch}`;
      session.userId = null;
      expect((await post(form(`private-company-${ids.a1}`))).status).toBe(401);

      session.userId = ids.client!;
      const ok = await post(form(`private-company-${ids.a1}`));
      expect(ok.status).toBe(200);
      const sig = createHmac('sha256', secret).update(`1234.5678:private-company-${ids.a1}`).digest('hex');
      expect(await ok.json()).toEqual({ auth: `route-key:${sig}` });
      expect((await post(form(`private-company-${ids.a2}`))).status).toBe(403);
      expect((await post(form(`private-msp-${ids.mspa}`))).status).toBe(403);

      session.userId = ids.tech!;
      expect((await post(form(`private-msp-${ids.mspa}`))).status).toBe(200);
      expect((await post(form(`private-company-${ids.a2}`))).status).toBe(200);
      expect((await post(form(`private-company-${ids.b1}`))).status).toBe(403);
      expect((await post(form(`private-msp-${ids.mspb}`))).status).toBe(403);
      const json = JSON.stringify({ socket_id: '1234.5678', channel_name: `private-msp-${ids.mspa}` });
      expect((await post(json, 'application/json')).status).toBe(200);
    });

    it('turns the SSE stream off', async () => {
      const { GET } = await import('./stream/route');
      session.userId = ids.tech!;
      expect((await GET(new Request('http://x/api/realtime/stream'))).status).toBe(404);
    });
  });
});
