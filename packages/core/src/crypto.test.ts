import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, randomToken, sha256Hex, timingSafeEqualStr } from './crypto.ts';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';

const key = Buffer.alloc(32, 3).toString('base64');
const otherKey = Buffer.alloc(32, 4).toString('base64');

describe('secret encryption', () => {
  it('round-trips and never stores the plaintext', async () => {
    const sealed = await encryptSecret('whsec_abc', key, 'company-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(await decryptSecret(sealed, key, 'company-1')).toBe('whsec_abc');
  });
  it('fails with the wrong key or a row it was not sealed for', async () => {
    const sealed = await encryptSecret('s', key, 'company-1');
    await expect(decryptSecret(sealed, otherKey, 'company-1')).rejects.toThrow();
    await expect(decryptSecret(sealed, key, 'company-2')).rejects.toThrow();
  });
  it('uses a fresh IV each time', async () => {
    expect(await encryptSecret('s', key)).not.toBe(await encryptSecret('s', key));
  });
});

describe('tokens and comparison', () => {
  it('makes 32-byte url-safe tokens', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(t);
  });
  it('hashes with SHA-256', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('compares strings', () => {
    expect(timingSafeEqualStr('abc', 'abc')).toBe(true);
    expect(timingSafeEqualStr('abc', 'abd')).toBe(false);
    expect(timingSafeEqualStr('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualStr('', 'a')).toBe(false);
  });
});

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'wrong horse battery')).toBe(false);
    expect(await verifyPassword('garbage', 'x')).toBe(false);
  });
  it('explains a weak password', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('long enough pass')).toBeNull();
  });
});
