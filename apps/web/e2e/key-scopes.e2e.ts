// Issue 10 (3, 7): an admin chooses a key's scopes in the portal form; the keys it makes then meet
// the real server the way an attacker's requests would: an alert key cannot get an activation code,
// a site key must sign, a site key cannot send alerts, and an endless activation body gets 413
// while it is still streaming.
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { createKey, demoLogin, pickAcme, signIn, watchConsole } from './helpers';

const OWNER = 'owner@demo-msp.test';
const BASE = `http://localhost:${process.env.E2E_PORT ?? 3917}`;

async function post(path: string, key: string, body: string) {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** A chunked body that never ends; resolves with the answer that arrives while it streams. */
function streamForever(path: string, key: string): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = false;
    const req = http.request(`${BASE}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        authorization: `Bearer ${key}`,
      },
    });
    const chunk = Buffer.from(`{"siteName":"${'a'.repeat(1000)}",`);
    const timer = setInterval(() => {
      if (done) return;
      req.write(chunk);
      sent += chunk.length;
    }, 2);
    const finish = (e: Error | null, status = 0) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(deadline);
      req.destroy();
      if (e) reject(e);
      else resolve({ status, sent });
    };
    const deadline = setTimeout(() => finish(new Error('no answer while the body was streaming')), 15_000);
    req.on('response', (res) => finish(null, res.statusCode));
    req.on('error', (e) => finish(e));
  });
}

test('API key scopes: chosen in the form, shown on each key, enforced by the endpoints', async ({ page }) => {
  const errors = watchConsole(page);
  const o = demoLogin(OWNER);
  await signIn(page, o.email, o.password);
  await page.goto('/settings/keys');
  await pickAcme(page);

  const form = page.getByRole('form', { name: 'Create API key' });
  // "Send alerts" is the default; with nothing chosen the form says so and cannot be sent.
  await expect(form.getByRole('checkbox', { name: /Send alerts/ })).toBeChecked();
  await expect(form.getByRole('checkbox', { name: /Cluster operator/ })).not.toBeChecked();
  await page.getByLabel('Key name').fill('e2e-nothing');
  await form.getByRole('checkbox', { name: /Send alerts/ }).uncheck();
  await expect(form.getByText('Choose at least one scope.')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Create API key' })).toBeDisabled();

  const siteKey = await createKey(page, 'e2e-operator', { alerts: false, site: true });
  const list = page.getByRole('list', { name: 'API keys' });
  const siteRow = list.getByRole('listitem').filter({ hasText: 'e2e-operator' });
  await expect(siteRow.getByLabel('Scopes: site', { exact: true })).toBeVisible();
  const alertKey = await createKey(page, 'e2e-sender', { alerts: true, site: false });
  const alertRow = list.getByRole('listitem').filter({ hasText: 'e2e-sender' });
  await expect(alertRow.getByLabel('Scopes: alerts:write', { exact: true })).toBeVisible();
  expect(errors).toEqual([]);

  // The alert key asks for an activation code: 403 with the reason, never a code.
  const forbidden = await post('/api/v1/sites/activation', alertKey, '{"siteName":"prod"}');
  expect(forbidden.status).toBe(403);
  expect(forbidden.text).toContain('does not have the \\"site\\" scope');
  expect(forbidden.text).not.toContain('activationCode');
  // The site key without a signature: 401.
  const unsigned = await post('/api/v1/sites/activation', siteKey, '{"siteName":"prod"}');
  expect(unsigned.status).toBe(401);
  expect(unsigned.text).toContain('X-Signature');
  // The site key cannot send alerts.
  const alert = await post('/api/v1/alerts', siteKey, '{"asset":"web-01","signature":"disk_full"}');
  expect(alert.status).toBe(403);
  // An endless activation body: 413 while it is still streaming, from the real server.
  const big = await streamForever('/api/v1/sites/activation', siteKey);
  expect(big.status).toBe(413);
  expect(big.sent).toBeGreaterThan(16 * 1024);
});
