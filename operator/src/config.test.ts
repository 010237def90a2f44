import { describe, expect, it } from 'vitest';
import { flagsToEnv, loadConfig } from './config.ts';

describe('config', () => {
  it('takes defaults, the environment, and flags over the environment', () => {
    const c = loadConfig({ SITE_NAME: 'from-env', PORT: '9000', LEADER_ELECTION: 'false' }, [
      '--site-name=from-flag',
      '--queue-max-bytes',
      '4096',
    ]);
    expect(c).toMatchObject({
      SITE_NAME: 'from-flag',
      PORT: 9000,
      LEADER_ELECTION: false,
      QUEUE_MAX_BYTES: 4096,
      LEASE_DURATION_MS: 15_000,
      RENEW_DEADLINE_MS: 10_000,
      RETRY_PERIOD_MS: 2_000,
    });
  });

  it('names every bad value at once', () => {
    expect(() =>
      loadConfig({ PORT: '99999', CLUSTER_NAME: 'Prod EU', RECEIVER_TOKEN: 'short', LOG_LEVEL: 'loud' }),
    ).toThrowError(/CLUSTER_NAME[\s\S]*PORT[\s\S]*RECEIVER_TOKEN[\s\S]*LOG_LEVEL/);
  });

  it('refuses unknown and incomplete flags', () => {
    expect(() => flagsToEnv(['site-name'])).toThrow(/unknown argument/);
    expect(() => flagsToEnv(['--site-name'])).toThrow(/needs a value/);
  });
});
