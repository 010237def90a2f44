// The Kubernetes path in the portal: mint a site key and the helm command, then play the operator
// against the real app over HTTP (a signed heartbeat; an unsigned one is refused) and see the
// cluster listed with its queue depth.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { artefacts, demoLogin, signIn, watchConsole } from './helpers';

test('Clusters: helm command with a fresh site key; a signed heartbeat lists the cluster', async ({
  page,
  request,
}) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/clusters');
  await expect(page.getByRole('heading', { name: 'Kubernetes clusters', level: 1 })).toBeVisible();
  const picker = page.getByLabel('Company', { exact: true });
  const acme = await picker.locator('option', { hasText: 'Acme Manufacturing' }).getAttribute('value');
  await picker.selectOption(acme!);
  await expect(page.getByText('No cluster yet')).toBeVisible();

  await page.getByLabel('Cluster name').fill('e2e-cluster');
  await page.getByRole('button', { name: 'Create site key and command' }).click();
  const block = page.getByText(/helm install alert-whisperer-operator/);
  await expect(block).toBeVisible();
  const command = (await block.textContent())!;
  expect(command).toContain('--set site.clusterName=e2e-cluster');
  expect(command).toMatch(/--set site\.upstreamURL=http:\/\/localhost:\d+/);
  const apiKey = /credentials\.apiKey=(awk_\S+)/.exec(command)![1]!;
  const secret = /credentials\.hmacSecret=(whsec_\S+)/.exec(command)![1]!;
  await page.screenshot({ path: path.join(artefacts, 'clusters-install.png'), fullPage: true });

  const body = JSON.stringify({
    siteName: 'e2e-cluster',
    clusterUid: 'kube-system-uid',
    operatorVersion: '0.1.0',
    queueDepth: 7,
  });
  // The operator's heartbeat without its signature: refused.
  const unsigned = await request.post('/api/v1/sites/register', {
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    data: body,
  });
  expect(unsigned.status()).toBe(401);
  const ts = Math.floor(Date.now() / 1000);
  const signed = await request.post('/api/v1/sites/register', {
    headers: {
      'content-type': 'application/json',
      'x-api-key': apiKey,
      'x-timestamp': String(ts),
      'x-signature': `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`,
    },
    data: body,
  });
  expect(signed.status()).toBe(200);

  await page.reload();
  const row = page.getByRole('row', { name: /e2e-cluster/ });
  await expect(row).toBeVisible();
  await expect(row.getByRole('cell').nth(2)).toHaveText('7');
  await expect(row.getByText('online')).toBeVisible();
  await expect(row.getByText('0.1.0')).toBeVisible();
  await page.screenshot({ path: path.join(artefacts, 'clusters-list.png'), fullPage: true });
  // The deliberate 401 above is the test's own request, not the page's.
  expect(errors).toEqual([]);
});
