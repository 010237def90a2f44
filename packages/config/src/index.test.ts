import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, mailSettings } from './index.ts';

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
      SMTP_URL: 'smtp://aw:secret@mail.example.com:587',
      MAIL_FROM: 'Alert Whisperer <aw@example.com>',
    });
    expect(env.PORT).toBe(8080);
    expect(mailSettings(env)).toEqual({
      transport: 'smtp',
      url: 'smtp://aw:secret@mail.example.com:587',
      from: 'Alert Whisperer <aw@example.com>',
    });
  });

  it('refuses a production start without mail settings, naming what is missing', () => {
    const prod = {
      NODE_ENV: 'production',
      AUTH_SECRET: 'x'.repeat(40),
      APP_ENCRYPTION_KEY: key,
      AUTH_URL: 'https://aw.example.com',
    };
    expect(() => loadEnv(prod)).toThrowError(
      /MAIL_TRANSPORT: production[\s\S]*SMTP_URL: required[\s\S]*MAIL_FROM: required/,
    );
    expect(() =>
      loadEnv({ ...prod, MAIL_TRANSPORT: 'console', SMTP_URL: 'smtp://h:25', MAIL_FROM: 'a@b.c' }),
    ).toThrowError(/console transport only prints/);
    expect(() => loadEnv({ ...prod, SMTP_URL: 'http://mail', MAIL_FROM: 'a@b.c' })).toThrowError(
      /SMTP_URL: must look like/,
    );
  });

  it('lets a local run (loopback AUTH_URL) and development print mail on the console', () => {
    expect(mailSettings(loadEnv({}))).toEqual({ transport: 'console' });
    const local = loadEnv({
      NODE_ENV: 'production',
      AUTH_SECRET: 'x'.repeat(40),
      APP_ENCRYPTION_KEY: key,
      AUTH_URL: 'http://localhost:3000',
    });
    expect(mailSettings(local)).toEqual({ transport: 'console' });
    expect(() => loadEnv({ MAIL_TRANSPORT: 'smtp' })).toThrowError(
      /SMTP_URL: required[\s\S]*MAIL_FROM: required/,
    );
  });
});
