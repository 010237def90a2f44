import { verifySignature } from '@aw/ingest/hmac';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, type Harness, ROUTING_KEY } from './testing/harness.ts';
import { openChannelSecret, saveChannel, testChannel } from './index.ts';

const target = inject('pgTargets')[0]!;

describe(`channels on ${target.name}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function openAndDeliver(channelId: string, extra: object = {}) {
    const c = await h.company();
    await h.policy({ channelIds: [channelId], companyId: c.id, ...extra });
    const inc = await h.incident(c.id, { severity: 'CRITICAL', asset: 'db-01', signature: 'disk_full' });
    const ids = await h.notify(h.event(inc, 'incident.created'));
    expect(ids).toHaveLength(1);
    await h.drain();
    return { c, inc };
  }

  it('Teams: an Adaptive Card in a message attachment, with open and acknowledge actions', async () => {
    const ch = await h.channel({
      kind: 'TEAMS',
      name: 'NOC Teams',
      url: `${h.receivers.teams.url}/workflows/abc`,
    });
    const { inc } = await openAndDeliver(ch);
    const got = h.receivers.teams.received.at(-1)!;
    const card = (got.json.attachments as { content: Record<string, unknown> }[])[0]!.content;
    expect(card.type).toBe('AdaptiveCard');
    const actions = card.actions as { title: string; url: string }[];
    expect(actions.map((a) => a.title)).toEqual(['Open incident', 'Acknowledge']);
    expect(actions[0]!.url).toBe(`http://portal.test/incidents/${inc.id}`);
    expect(actions[1]!.url).toMatch(
      /^http:\/\/portal\.test\/api\/notifications\/ack\/[0-9a-f-]{36}\.[0-9a-f]{64}$/,
    );
    expect(JSON.stringify(card)).toContain('New incident: disk_full on db-01');
    const d = await h.prisma.notificationDelivery.findFirstOrThrow({ where: { channelId: ch } });
    expect([d.status, d.attempts]).toEqual(['SENT', 1]);
    // The timeline says so.
    const ev = await h.prisma.incidentEvent.findMany({ where: { incidentId: inc.id } });
    expect(ev.map((e) => e.type)).toEqual(['notification.sent']);
    expect(ev[0]!.message).toBe('Notified teams "NOC Teams": incident.opened (teams 202)');
  });

  it('Slack: Block Kit with header, fields and buttons that the receiver accepts', async () => {
    const ch = await h.channel({
      kind: 'SLACK',
      name: 'slack',
      url: `${h.receivers.slack.url}/services/T/B/X`,
    });
    await openAndDeliver(ch);
    const got = h.receivers.slack.received.at(-1)!.json;
    const blocks = got.blocks as { type: string; fields?: unknown[] }[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(blocks[1]!.fields).toHaveLength(5);
    expect(got.text).toContain('disk_full on db-01');
  });

  it('webhook: signed like inbound webhooks; the signature verifies, a tampered body does not', async () => {
    const secret = 'whsec_outbound_test_secret_0123456789';
    const ch = await h.channel({
      kind: 'WEBHOOK',
      name: 'hook',
      url: `${h.receivers.webhook.url}/in`,
      signingSecret: secret,
    });
    const { inc } = await openAndDeliver(ch);
    const got = h.receivers.webhook.received.at(-1)!;
    const ts = String(got.headers['x-timestamp']);
    const sig = String(got.headers['x-signature']);
    const ok = await verifySignature({
      secrets: [secret],
      timestamp: ts,
      signature: sig,
      rawBody: new TextEncoder().encode(got.raw),
      nowSeconds: Math.floor(h.clock().getTime() / 1000),
    });
    expect(ok.ok).toBe(true);
    const bad = await verifySignature({
      secrets: [secret],
      timestamp: ts,
      signature: sig,
      rawBody: new TextEncoder().encode(got.raw.replace('CRITICAL', 'LOW')),
      nowSeconds: Math.floor(h.clock().getTime() / 1000),
    });
    expect(bad).toEqual({ ok: false, reason: 'mismatch' });
    expect(got.json).toMatchObject({
      type: 'incident.opened',
      incident: { incidentId: inc.id, severity: 'CRITICAL' },
    });
    expect(got.headers['idempotency-key']).toBe(got.json.id);
  });

  it('PagerDuty: trigger, acknowledge and resolve share one dedup_key per incident', async () => {
    const ch = await h.channel({
      kind: 'PAGERDUTY',
      name: 'pd',
      routingKey: ROUTING_KEY,
      eventsUrl: `${h.receivers.pagerduty.url}/v2/enqueue`,
    });
    const { inc } = await openAndDeliver(ch);
    await h.prisma.incident.update({ where: { id: inc.id }, data: { status: 'ACKNOWLEDGED' } });
    await h.notify(h.event({ ...inc, status: 'ACKNOWLEDGED' }, 'incident.updated'));
    await h.drain();
    await h.notify(h.event(inc, 'incident.resolved'));
    await h.drain();
    const evs = h.receivers.pagerduty.received.map((r) => r.json);
    expect(evs.map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(evs.map((e) => e.dedup_key))).toEqual(new Set([`aw-incident-${inc.id}`]));
    expect(evs[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: { severity: 'critical', source: 'db-01', class: 'disk_full' },
    });
  });

  it('email: one mail per recipient through the platform mailer, with the acknowledge link', async () => {
    const ch = await h.channel({ kind: 'EMAIL', name: 'mail', to: ['a@example.com', 'b@example.com'] });
    const before = h.mailer.sent.length;
    await openAndDeliver(ch);
    const mails = h.mailer.sent.slice(before);
    expect(mails.map((m) => m.to)).toEqual(['a@example.com', 'b@example.com']);
    expect(mails[0]!.subject).toBe('[Alert Whisperer] New incident: disk_full on db-01');
    expect(mails[0]!.text).toMatch(
      /Acknowledge \(no sign-in, single use\): http:\/\/portal\.test\/api\/notifications\/ack\//,
    );
  });

  it('secrets are sealed at rest, bound to their row, and never listed', async () => {
    const url = `${h.receivers.slack.url}/services/SECRET/PART`;
    const id = await h.channel({ kind: 'SLACK', name: 'sealed', url });
    const row = await h.prisma.notificationChannel.findUniqueOrThrow({ where: { id } });
    expect(row.secretCiphertext).toMatch(/^v1\./);
    expect(row.secretCiphertext).not.toContain('SECRET');
    expect(await openChannelSecret(row.secretCiphertext, id, h.deps.encryptionKey)).toEqual({ url });
    // Copied onto another channel row it does not open.
    await expect(
      openChannelSecret(row.secretCiphertext, '00000000-0000-4000-8000-000000000000', h.deps.encryptionKey),
    ).rejects.toThrow();
  });

  it('refuses bad input with the field and changes nothing; production requires https', async () => {
    const count = await h.prisma.notificationChannel.count();
    await expect(
      saveChannel(h.deps, {
        mspId: h.msp.id,
        actorId: null,
        input: { kind: 'PAGERDUTY', name: 'x', routingKey: 'short' },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      problems: [{ field: 'routingKey' }],
    });
    await expect(
      saveChannel(
        { ...h.deps, allowHttp: false },
        {
          mspId: h.msp.id,
          actorId: null,
          input: { kind: 'TEAMS', name: 'x', url: 'http://teams.example.com/hook' },
        },
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', problems: [{ field: 'url' }] });
    expect(await h.prisma.notificationChannel.count()).toBe(count);
  });

  it('send test: reports success, and the receiver error when it refuses', async () => {
    const ch = await h.channel({ kind: 'TEAMS', name: 'test me', url: `${h.receivers.teams.url}/t` });
    expect(await testChannel(h.deps, { mspId: h.msp.id, actorId: null, id: ch })).toEqual({
      ok: true,
      outcome: 'teams 202',
    });
    h.receivers.teams.failNext.push(500);
    const r = await testChannel(h.deps, { mspId: h.msp.id, actorId: null, id: ch });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('answered 500') });
    // Another MSP cannot test (or learn about) this channel.
    const other = await h.prisma.msp.create({ data: { name: 'other', slug: `other-${ch.slice(0, 6)}` } });
    await expect(testChannel(h.deps, { mspId: other.id, actorId: null, id: ch })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const audits = await h.prisma.auditLog.findMany({ where: { targetId: ch } });
    expect(audits.map((a) => a.action)).toEqual(['notification.channel.created']);
    expect(JSON.stringify(audits[0]!.data)).not.toContain('/t');
  });
});
