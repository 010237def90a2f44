import { describe, expect, it, vi } from 'vitest';
import { createLogger, EnvError, loadEnv, mailSettings, readEnv } from './index.ts';

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

  it('reads booleans one way everywhere: 1/true/yes and 0/false/no, any case; anything else is an error', () => {
    for (const v of ['1', 'true', 'yes', 'TRUE', 'Yes'])
      expect(loadEnv({ TRUST_PROXY: v }).TRUST_PROXY).toBe(true);
    for (const v of ['0', 'false', 'no', 'FALSE'])
      expect(loadEnv({ TRUST_PROXY: v }).TRUST_PROXY).toBe(false);
    expect(loadEnv({}).TRUST_PROXY).toBeUndefined();
    for (const v of ['on', 'enabled', '2']) {
      expect(() => loadEnv({ TRUST_PROXY: v })).toThrowError(
        /TRUST_PROXY: must be true\/false, 1\/0 or yes\/no/,
      );
      expect(() => readEnv(['PUSHER_USE_TLS'], { PUSHER_USE_TLS: v })).toThrowError(/PUSHER_USE_TLS/);
    }
  });

  it('reads only the asked variables with readEnv, so a bad value of another package does not stop it', () => {
    const env = readEnv(['INGEST_PORT', 'INGEST_WORKERS'], {
      INGEST_PORT: '4100',
      DATABASE_URL: 'mysql://x',
    });
    expect(env).toEqual({ INGEST_PORT: 4100, INGEST_WORKERS: 1 });
    expect(() => readEnv(['INGEST_WORKERS'], { INGEST_WORKERS: '0' })).toThrowError(/INGEST_WORKERS/);
  });

  it('keeps renamed variables working, with a warning naming the new one; the new name wins', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(loadEnv({ AW_PLATFORM_AWS_ACCOUNT_ID: '111122223333' }).PLATFORM_AWS_ACCOUNT_ID).toBe(
        '111122223333',
      );
      expect(
        readEnv(['CFN_TEMPLATE_URL'], {
          AW_CFN_TEMPLATE_URL: 'https://old.example/t.yaml',
          CFN_TEMPLATE_URL: 'https://new.example/t.yaml',
        }).CFN_TEMPLATE_URL,
      ).toBe('https://new.example/t.yaml');
      const lines = warn.mock.calls.map((c) => String(c[0]));
      expect(lines).toContain(
        '[config] AW_PLATFORM_AWS_ACCOUNT_ID is deprecated and will be removed: set PLATFORM_AWS_ACCOUNT_ID instead',
      );
      expect(lines.some((l) => l.includes('AW_CFN_TEMPLATE_URL'))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('createLogger', () => {
  it('drops lines below LOG_LEVEL', () => {
    const seen: string[] = [];
    const sink = {
      debug: (m: string) => seen.push(`debug ${m}`),
      info: (m: string) => seen.push(`info ${m}`),
      warn: (m: string) => seen.push(`warn ${m}`),
      error: (m: string) => seen.push(`error ${m}`),
    };
    const log = createLogger('t', { level: 'warn', sink });
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(seen).toEqual(['warn [t] c', 'error [t] d']);
  });

  it('reads LOG_LEVEL from the environment on the first line', () => {
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'error';
    try {
      const seen: string[] = [];
      const log = createLogger('t', {
        sink: { info: (m: string) => seen.push(m), error: (m: string) => seen.push(m) },
      });
      log.info('quiet');
      log.error('loud');
      expect(seen).toEqual(['[t] loud']);
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });
});
