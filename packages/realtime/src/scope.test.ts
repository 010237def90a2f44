import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientConfig, realtimeSettingsFromEnv } from './config.ts';
import {
  canSeeEvent,
  channelsForEvent,
  mayAccessChannel,
  parsePusherChannelName,
  pusherChannelName,
  subscriptionChannel,
} from './scope.ts';

const mspId = randomUUID();
const companyId = randomUUID();

describe('channels and scope', () => {
  it('publishes a company event on its company and MSP channels', () => {
    expect(channelsForEvent({ mspId, companyId }).map(pusherChannelName)).toEqual([
      `private-msp-${mspId}`,
      `private-company-${companyId}`,
    ]);
    expect(channelsForEvent({ mspId, companyId: null })).toEqual([{ kind: 'msp', id: mspId }]);
  });

  it('shows client people only their company and MSP staff only their MSP', () => {
    const other = randomUUID();
    expect(canSeeEvent({ mspId, companyId }, { mspId, companyId })).toBe(true);
    expect(canSeeEvent({ mspId, companyId }, { mspId, companyId: other })).toBe(false);
    expect(canSeeEvent({ mspId, companyId }, { mspId, companyId: null })).toBe(false);
    expect(canSeeEvent({ mspId }, { mspId, companyId: other })).toBe(true);
    expect(canSeeEvent({ mspId }, { mspId: randomUUID(), companyId })).toBe(false);
    expect(canSeeEvent({ mspId }, { mspId, companyId: other }, companyId)).toBe(false);
  });

  it('subscribes each viewer to exactly one channel', () => {
    expect(subscriptionChannel({ mspId })).toEqual({ kind: 'msp', id: mspId });
    expect(subscriptionChannel({ mspId }, companyId)).toEqual({ kind: 'company', id: companyId });
    expect(subscriptionChannel({ mspId, companyId }, randomUUID())).toEqual({
      kind: 'company',
      id: companyId,
    });
  });

  it('parses only well-formed private channel names', () => {
    expect(parsePusherChannelName(`private-company-${companyId}`)).toEqual({
      kind: 'company',
      id: companyId,
    });
    expect(parsePusherChannelName(`private-site-${companyId}`)).toBeNull();
    expect(parsePusherChannelName('private-msp-../../x')).toBeNull();
  });

  it('checks a company channel against the company owner for MSP staff', async () => {
    const lookup = async (id: string) => (id === companyId ? mspId : randomUUID());
    expect(await mayAccessChannel({ mspId }, { kind: 'company', id: companyId }, lookup)).toBe(true);
    expect(await mayAccessChannel({ mspId }, { kind: 'company', id: randomUUID() }, lookup)).toBe(false);
  });
});

describe('realtime settings', () => {
  it('defaults to SSE', () => {
    const s = realtimeSettingsFromEnv({});
    expect(s).toMatchObject({ transport: 'sse', retentionMs: 24 * 3_600_000, heartbeatMs: 15_000 });
    expect(clientConfig(s, { mspId })).toEqual({ transport: 'sse', url: '/api/realtime/stream' });
  });

  it('chooses Pusher Channels by cluster', () => {
    const s = realtimeSettingsFromEnv({
      PUSHER_APP_ID: '1',
      PUSHER_KEY: 'k',
      PUSHER_SECRET: 's',
      PUSHER_CLUSTER: 'eu',
    });
    expect(s).toMatchObject({ transport: 'pusher', pusher: { cluster: 'eu', useTLS: true } });
    const c = clientConfig(s, { mspId, companyId });
    expect(c).toMatchObject({ transport: 'pusher', key: 'k', cluster: 'eu', forceTLS: true });
    expect(c).not.toHaveProperty('wsHost');
    expect(JSON.stringify(c)).not.toContain('"s"');
    expect(c.transport === 'pusher' && c.channel).toBe(`private-company-${companyId}`);
  });

  it('chooses a self-hosted Pusher-protocol server by host, port and TLS', () => {
    const s = realtimeSettingsFromEnv({
      PUSHER_APP_ID: '1',
      PUSHER_KEY: 'k',
      PUSHER_SECRET: 's',
      PUSHER_HOST: 'soketi.internal',
      PUSHER_PORT: '6001',
      PUSHER_USE_TLS: 'false',
      PUSHER_WS_HOST: 'ws.example.com',
    });
    expect(s).toMatchObject({
      transport: 'pusher',
      pusher: { host: 'soketi.internal', port: 6001, useTLS: false },
    });
    expect(clientConfig(s, { mspId })).toMatchObject({
      wsHost: 'ws.example.com',
      wsPort: 6001,
      forceTLS: false,
    });
  });

  it('refuses a boolean it cannot read instead of taking it as false', () => {
    expect(() =>
      realtimeSettingsFromEnv({
        PUSHER_APP_ID: '1',
        PUSHER_KEY: 'k',
        PUSHER_SECRET: 's',
        PUSHER_CLUSTER: 'eu',
        PUSHER_USE_TLS: 'maybe',
      }),
    ).toThrowError(/PUSHER_USE_TLS: must be true\/false, 1\/0 or yes\/no/);
  });

  it('lists every missing Pusher variable at once', () => {
    expect(() => realtimeSettingsFromEnv({ PUSHER_KEY: 'k', PUSHER_PORT: 'x' })).toThrowError(
      /PUSHER_APP_ID[\s\S]*PUSHER_SECRET[\s\S]*PUSHER_CLUSTER or PUSHER_HOST[\s\S]*PUSHER_PORT/,
    );
  });
});
