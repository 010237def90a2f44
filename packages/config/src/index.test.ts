import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from './index.ts';

const key = Buffer.alloc(32, 7).toString('base64');

describe('loadEnv', () => {
  it('applies defaults for an empty development environment', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.WEBHOOK_BODY_LIMIT_BYTES).toBe(1048576);
  });

  it('lists every missing secret in production instead of failing later', () => {
    try {
      loadEnv({ NODE_ENV: 'production' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      const problems = (e as EnvError).problems.join('\n');
      expect(problems).toContain('AUTH_SECRET');
      expect(problems).toContain('APP_ENCRYPTION_KEY');
      expect(problems).toContain('AUTH_URL');
    }
  });

  it('rejects malformed values with the variable name and reason', () => {
    expect(() => loadEnv({ DATABASE_URL: 'mysql://x', APP_ENCRYPTION_KEY: 'short' })).toThrowError(
      /DATABASE_URL: must start with postgres[\s\S]*APP_ENCRYPTION_KEY: must be 32 bytes/,
    );
  });

  it('accepts a complete production environment', () => {
    const env = loadEnv({
      NODE_ENV: 'production',
      AUTH_SECRET: 'x'.repeat(40),
      APP_ENCRYPTION_KEY: key,
      AUTH_URL: 'https://aw.example.com',
      DATABASE_URL: 'postgres://u:p@db:5432/aw',
      PORT: '8080',
    });
    expect(env.PORT).toBe(8080);
  });
});
