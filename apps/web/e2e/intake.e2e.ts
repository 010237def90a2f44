// Issue 15: the URL users paste into their senders is served by the lean node:http path in front
// of Next.js (apps/web/server.mjs → src/server/node-intake.ts), on the same port, with the same
// contract as the route handlers: answers, errors, limits, and the alert reaching the board.
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createKey, demoLogin, pickAcme, signIn, watchConsole } from './helpers';

const BASE = `http://localhost:${process.env.E2E_PORT ?? 3917}`;

async function post(path: string, key: string, body: string, contentType = 'application/json') {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${key}` },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

test('alert webhooks: answered on the lean path with the full contract, and the alert reaches the board', async ({
  page,
}) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/keys');
  // Initech: the keys settings test counts Acme's unsigned keys.
  await pickAcme(page, 'Initech Finance');
  const key = await createKey(page, 'e2e-lean-intake', { alerts: true, site: false }, { unsigned: true });

  // Not Next.js's router: none of the headers it adds to its route handlers' answers.
  const bad = await post('/api/v1/alerts', 'awk_not_a_key', '{}');
  expect(bad.status).toBe(401);
  expect(bad.headers.get('www-authenticate')).toBe('Bearer realm="alert-whisperer"');
  expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
  expect(bad.headers.get('vary') ?? '').not.toContain('rsc');
  expect(JSON.parse(bad.text)).toEqual({ error: { code: 'UNAUTHORIZED', message: 'invalid credentials' } });

  const wrongType = await post('/api/v1/alerts', key, 'asset=x', 'application/x-www-form-urlencoded');
  expect(wrongType.status).toBe(415);
  expect(wrongType.text).toContain('Content-Type');
  const invalid = await post('/api/v1/alerts', key, '{"asset":"web-01"}');
  expect(invalid.status).toBe(400);
  expect(invalid.text).toContain('signature');
  const tooBig = await post('/api/v1/alerts', key, JSON.stringify({ asset: 'x'.repeat(2 * 1024 * 1024) }));
  expect(tooBig.status).toBe(413);

  const asset = `lean-${randomBytes(4).toString('hex')}`;
  const ok = await post(
    '/api/v1/alerts',
    key,
    JSON.stringify({ asset, signature: 'disk_full', severity: 'high', summary: 'Disk 97% full' }),
  );
  expect(ok.status).toBe(202);
  // Other methods on the same URL still reach the route handler (which only serves POST).
  const get = await fetch(`${BASE}/api/v1/alerts`);
  expect(get.status).toBe(405);

  // Correlated into an incident and shown on the live board.
  await page.goto('/dashboard');
  await page.getByLabel('Search').fill(asset);
  await expect(page.getByText(asset).first()).toBeVisible({ timeout: 30_000 });
  expect(errors).toEqual([]);
});
