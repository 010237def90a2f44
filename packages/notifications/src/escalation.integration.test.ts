import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';
import { addOverride, handleAckRequest, onCallAt, saveEscalationPolicy, saveRotation } from './index.ts';

const target = inject('pgTargets')[0]!;

describe(`escalation, on-call and acknowledge links on ${target.name}`, () => {
  let h: Harness;
  let server: http.Server;
  let base = '';
  const changed: string[] = [];
  beforeAll(async () => {
    h = await createHarness(target);
    // The acknowledge route over real HTTP: a plain node server in front of handleAckRequest.
    server = http.createServer((req, res) => {
      const m = /^\/api\/notifications\/ack\/([^/?]+)$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      const request = new Request(`http://x${req.url}`, { method: req.method });
      void handleAckRequest(h.deps, request, m[1]!, {
        onIncidentChanged: async (e) => {
          changed.push(e.incidentId);
          await h.notify(e);
        },
      }).then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers)).end(await r.text());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  const ackUrlOf = (text: string) =>
    /(http:\/\/portal\.test(\/api\/notifications\/ack\/\S+))/.exec(text)![2]!;

  it('weekly rotation with an override decides who is on call', async () => {
    const other = await h.prisma.user.create({
      data: { email: `o-${Date.now()}@example.com`, name: 'Otto', passwordHash: 'x' },
    });
    await h.prisma.membership.create({ data: { userId: other.id, mspId: h.msp.id, role: 'TECHNICIAN' } });
    const start = new Date('2026-11-23T09:00:00Z');
    const { id } = await saveRotation(h.prisma, {
      mspId: h.msp.id,
      actorId: null,
      input: { name: 'weekly', userIds: [h.user.id, other.id], startsAt: start },
    });
    const r = await h.prisma.onCallRotation.findUniqueOrThrow({
      where: { id },
      include: { overrides: true },
    });
    expect(onCallAt(r, new Date('2026-11-24T00:00:00Z'))).toBe(h.user.id);
    expect(onCallAt(r, new Date('2026-11-30T09:00:00Z'))).toBe(other.id);
    expect(onCallAt(r, new Date('2026-12-07T10:00:00Z'))).toBe(h.user.id);
    await addOverride(h.prisma, {
      mspId: h.msp.id,
      actorId: null,
      input: {
        rotationId: id,
        userId: h.user.id,
        startsAt: new Date('2026-12-01T00:00:00Z'),
        endsAt: new Date('2026-12-02T00:00:00Z'),
      },
    });
    const r2 = await h.prisma.onCallRotation.findUniqueOrThrow({
      where: { id },
      include: { overrides: true },
    });
    expect(onCallAt(r2, new Date('2026-12-01T12:00:00Z'))).toBe(h.user.id);
    expect(onCallAt(r2, new Date('2026-12-02T12:00:00Z'))).toBe(other.id);
    // A stranger cannot be put on call.
    const stranger = await h.prisma.user.create({
      data: { email: `s-${Date.now()}@example.com`, name: 'S', passwordHash: 'x' },
    });
    await expect(
      saveRotation(h.prisma, {
        mspId: h.msp.id,
        actorId: null,
        input: { name: 'bad', userIds: [stranger.id], startsAt: start },
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('steps fire after N minutes while not acknowledged, repeat, and stop on acknowledge (via the link, over HTTP)', async () => {
    const c = await h.company('Escalia');
    const first = await h.channel({ kind: 'SLACK', name: 'first', url: `${h.receivers.slack.url}/first` });
    const second = await h.channel({ kind: 'TEAMS', name: 'second', url: `${h.receivers.teams.url}/second` });
    const rot = await saveRotation(h.prisma, {
      mspId: h.msp.id,
      actorId: null,
      input: { name: 'solo', userIds: [h.user.id], startsAt: new Date('2026-01-05T00:00:00Z') },
    });
    const esc = await saveEscalationPolicy(h.prisma, {
      mspId: h.msp.id,
      actorId: null,
      input: {
        name: 'esc',
        repeat: 1,
        steps: [
          { afterMinutes: 10, channelIds: [second] },
          { afterMinutes: 5, rotationIds: [rot.id] },
        ],
      },
    });
    await h.policy({ companyId: c.id, channelIds: [first], escalationPolicyId: esc.id });
    const inc = await h.incident(c.id, { severity: 'CRITICAL' });
    await h.notify(h.event(inc, 'incident.created'));
    await h.drain();
    expect(h.receivers.slack.received.filter((r) => r.path === '/first')).toHaveLength(1);
    const teams = () => h.receivers.teams.received.filter((r) => r.path === '/second');
    const mails = () => h.mailer.sent.filter((m) => m.to === h.user.email && m.subject.includes('escalated'));
    h.advance(9 * 60_000);
    await h.drain();
    expect(teams()).toHaveLength(0);
    h.advance(60_000); // 10 min: step 1
    await h.drain();
    expect(teams()).toHaveLength(1);
    expect(JSON.stringify(teams()[0]!.json)).toContain('escalation step 1 of 2');
    h.advance(5 * 60_000); // +5: step 2, the on-call person by mail
    await h.drain();
    expect(mails()).toHaveLength(1);
    h.advance(10 * 60_000); // round 2, step 1
    await h.drain();
    expect(teams()).toHaveLength(2);
    // Acknowledge from the mail: GET shows a confirm page and changes nothing; POST acknowledges.
    const path = ackUrlOf(mails()[0]!.text);
    const get = await fetch(`${base}${path}`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<form method="post">');
    expect((await h.prisma.incident.findUniqueOrThrow({ where: { id: inc.id } })).status).toBe('OPEN');
    const post = await fetch(`${base}${path}`, { method: 'POST' });
    expect(post.status).toBe(200);
    const after = await h.prisma.incident.findUniqueOrThrow({ where: { id: inc.id } });
    expect([after.status, after.acknowledgedById]).toEqual(['ACKNOWLEDGED', null]);
    expect(changed).toContain(inc.id);
    // Single use.
    expect((await fetch(`${base}${path}`, { method: 'POST' })).status).toBe(410);
    // Escalation stops: round 2 step 2 never comes.
    h.advance(60 * 60_000);
    await h.drain();
    expect(mails()).toHaveLength(1);
    expect(teams()).toHaveLength(2);
    const tl = await h.prisma.incidentEvent.findMany({
      where: { incidentId: inc.id },
      orderBy: { id: 'asc' },
    });
    expect(tl.filter((e) => e.type === 'notification.escalated')).toHaveLength(3);
    expect(
      tl.some((e) => e.type === 'acknowledged' && e.message === 'Acknowledged from a notification link'),
    ).toBe(true);
    const audit = await h.prisma.auditLog.findMany({
      where: { targetId: inc.id, action: 'incident.acknowledged' },
    });
    expect(audit).toHaveLength(1);
  });

  it('acknowledge links: expiry, tampering and another tenant are refused and change nothing', async () => {
    const c = await h.company('Linky');
    const ch = await h.channel({ kind: 'EMAIL', name: 'links', to: ['links@example.com'] });
    await h.policy({ companyId: c.id, channelIds: [ch] });
    const inc = await h.incident(c.id, { severity: 'HIGH' });
    await h.notify(h.event(inc, 'incident.created'));
    await h.drain();
    const path = ackUrlOf(h.mailer.sent.filter((m) => m.to === 'links@example.com').at(-1)!.text);
    const [id, sig] = path.split('/').at(-1)!.split('.');
    const flip = (s: string) => (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
    // A forged signature, a guessed id, garbage.
    for (const bad of [`${id}.${flip(sig!)}`, `00000000-0000-4000-8000-000000000000.${sig}`, 'nope'])
      expect((await fetch(`${base}/api/notifications/ack/${bad}`, { method: 'POST' })).status).toBe(404);
    // The row pointed at another tenant's incident: the signature no longer matches.
    const otherMsp = await h.prisma.msp.create({
      data: { name: 'victim', slug: `victim-${id!.slice(0, 6)}` },
    });
    const victimCo = await h.company('Victim', 'UTC', otherMsp.id);
    const victim = await h.incident(victimCo.id);
    await h.prisma.notificationAckToken.update({
      where: { id },
      data: { incidentId: victim.id, mspId: otherMsp.id, companyId: victimCo.id },
    });
    expect((await fetch(`${base}${path}`, { method: 'POST' })).status).toBe(404);
    expect((await h.prisma.incident.findUniqueOrThrow({ where: { id: victim.id } })).status).toBe('OPEN');
    await h.prisma.notificationAckToken.update({
      where: { id },
      data: { incidentId: inc.id, mspId: h.msp.id, companyId: c.id },
    });
    // Expired (the clock moves past 24 h).
    h.advance(24 * 3_600_000 + 1000);
    expect((await fetch(`${base}${path}`, { method: 'POST' })).status).toBe(410);
    expect((await h.prisma.incident.findUniqueOrThrow({ where: { id: inc.id } })).status).toBe('OPEN');
    expect(await h.prisma.notificationAckToken.findUniqueOrThrow({ where: { id } })).toMatchObject({
      usedAt: null,
    });
  });
});
