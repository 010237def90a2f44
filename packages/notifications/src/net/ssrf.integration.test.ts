// The SSRF guard on real sockets: a loopback receiver counts every request that reaches it, so a
// refusal is proven by zero hits, and the allow setting by a hit.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHarness, type Harness, KEY } from '../testing/harness.ts';
import { sealChannelSecret } from '../channels/secrets.ts';
import { sendToChannel } from '../channels/send.ts';
import { saveChannel, testChannel } from '../channels/service.ts';
import type { TMessage } from '../types.ts';
import { blockedReason } from './address.ts';
import { guardedRequest, type Resolver } from './request.ts';

const target = inject('pgTargets')[0]!;

describe('which addresses are refused', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this-network'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'link-local (cloud metadata)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (cloud metadata)'],
    ['2002:7f00:1::1', 'loopback'],
    ['fd00:ec2::254', 'unique-local (private)'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
  ])('%s: %s', (ip, reason) => {
    expect(blockedReason(ip)).toBe(reason);
  });
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700::1111',
    '2a00:1450::1',
  ])('%s is public', (ip) => {
    expect(blockedReason(ip)).toBeNull();
  });
});

describe(`SSRF guard on save and on send on ${target.name}`, () => {
  let h: Harness;
  let server: http.Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    h = await createHarness(target);
    server = http.createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  const guarded = (resolve?: Resolver) => ({ ...h.deps, allowPrivateNetworks: false, resolveHost: resolve });
  const msg: TMessage = {
    trigger: 'test',
    title: 't',
    text: 't',
    companyId: '',
    companyName: 'x',
    key: 'k',
    at: new Date().toISOString(),
  };

  it('save time: literal, mapped, decimal and resolved private addresses are refused with the field', async () => {
    const before = await h.prisma.notificationChannel.count();
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      `http://127.0.0.1:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      `http://2130706433:${port}/hook`, // 127.0.0.1 as one number
      `http://localhost:${port}/hook`, // a name resolving to loopback
    ])
      await expect(
        saveChannel(guarded(), { mspId: h.msp.id, actorId: null, input: { kind: 'SLACK', name: 's', url } }),
      ).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        problems: [{ field: 'url', reason: expect.stringMatching(/loopback|link-local/) }],
      });
    expect(await h.prisma.notificationChannel.count()).toBe(before);
    expect(hits).toBe(0);
  });

  it('connect time: a name that was public when saved and points at loopback now (DNS rebinding) is refused', async () => {
    let answers = 0;
    // First answer (the save-time check): a public address; every later one: loopback.
    const rebinding: Resolver = async () =>
      answers++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    const deps = guarded(rebinding);
    const { id } = await saveChannel(deps, {
      mspId: h.msp.id,
      actorId: null,
      input: { kind: 'TEAMS', name: 'rebind', url: `http://hooks.rebind.test:${port}/x` },
    });
    const r = await testChannel(deps, { mspId: h.msp.id, actorId: null, id });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('127.0.0.1 (loopback)') });
    // A name with one public and one private address is refused too.
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    await expect(
      guardedRequest(
        new URL(`http://mixed.test:${port}/`),
        { method: 'GET', headers: {} },
        { resolve: mixed },
      ),
    ).rejects.toThrow(/169\.254\.169\.254/);
    expect(hits).toBe(0);
  });

  it('send time: a stored private URL (saved before the guard) is refused before connecting, for good', async () => {
    const id = randomUUID();
    const stored = {
      id,
      mspId: h.msp.id,
      kind: 'SLACK' as const,
      config: {},
      name: 'old',
      secretCiphertext: await sealChannelSecret({ url: `http://127.0.0.1:${port}/hook` }, id, KEY),
    };
    await expect(sendToChannel(guarded(), stored, msg)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('127.0.0.1 (loopback)'),
    });
    expect(hits).toBe(0);
  });

  it('the allow setting lets loopback receivers work (tests, on-prem)', async () => {
    const allowed = { ...h.deps, allowPrivateNetworks: true };
    const { id } = await saveChannel(allowed, {
      mspId: h.msp.id,
      actorId: null,
      input: { kind: 'SLACK', name: 'onprem', url: `http://localhost:${port}/hook` },
    });
    // The connect-time lookup is the one that connects: a resolver answering loopback reaches it.
    const viaResolver = {
      ...allowed,
      resolveHost: (async () => [{ address: '127.0.0.1', family: 4 }]) as Resolver,
    };
    expect(await testChannel(viaResolver, { mspId: h.msp.id, actorId: null, id })).toMatchObject({
      ok: true,
    });
    expect(hits).toBe(1);
  });
});
