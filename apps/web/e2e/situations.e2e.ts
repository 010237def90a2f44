// Issue 16: the incident board folds the incidents of a situation into one row. A sender posts a
// port scan, a brute force and a web shell from one address; the board shows one situation row,
// which expands to its incidents, live on an open board (situation events); the incident page says
// why they are linked; "Acknowledge all" acknowledges every one of them, and the board updates.
import { expect, type Page, test } from '@playwright/test';
import { demoLogin, signIn, watchConsole } from './helpers';

const BASE = `http://localhost:${process.env.E2E_PORT ?? 3917}`;

async function pickAcme(page: Page) {
  const picker = page.getByLabel('Company', { exact: true });
  await expect(picker).toBeVisible();
  const value = await picker.locator('option', { hasText: 'Acme Manufacturing' }).getAttribute('value');
  await picker.selectOption(value!);
  await expect(page).toHaveURL(new RegExp(`company=${value}`));
}

test('a situation is one board row: expand, read why, acknowledge all', async ({ page }) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);

  // An unsigned sender key for Acme (an IDS that cannot sign).
  await page.goto('/settings/keys');
  await pickAcme(page);
  await page.getByLabel('Key name').fill('e2e-ids');
  const form = page.getByRole('form', { name: 'Create API key' });
  await form.getByRole('switch', { name: /Unsigned sender/ }).click();
  await form.getByRole('button', { name: 'Create API key' }).click();
  const key = await page.getByLabel('API key e2e-ids').inputValue();
  expect(key).toMatch(/^awk_/);

  // The board is open and live before the alerts arrive: the situation row forms without a reload.
  await page.goto('/dashboard');
  const board = page.getByRole('table', { name: 'Incidents' });
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  const reloads: string[] = [];
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) reloads.push(f.url());
  });

  const src = { src_ip: '198.51.100.99' };
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  const res = await fetch(`${BASE}/api/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      alerts: [
        {
          asset: 'e2e-fw-1',
          signature: 'e2e_port_scan',
          severity: 'high',
          kind: 'event',
          labels: src,
          occurredAt: ago(3),
        },
        {
          asset: 'e2e-bastion',
          signature: 'e2e_ssh_brute_force',
          occurredAt: ago(2),
          severity: 'high',
          kind: 'event',
          labels: src,
        },
        {
          asset: 'e2e-web-1',
          signature: 'e2e_web_shell',
          severity: 'critical',
          kind: 'event',
          labels: src,
          occurredAt: ago(1),
        },
      ],
    }),
  });
  expect(res.status).toBe(202);

  const fold = board.locator('tr[data-situation-id]').filter({ hasText: 'e2e_port_scan on e2e-fw-1' });
  await expect(fold).toBeVisible();
  await expect(fold.getByText('3 incidents')).toBeVisible();
  expect(reloads).toEqual([]); // arrived live, not by navigating
  const situationId = await fold.getAttribute('data-situation-id');
  const members = board.locator(`tr[data-in-situation="${situationId}"]`);
  // Folded: its incidents are not rows of their own.
  await expect(board.getByRole('link', { name: 'e2e_web_shell on e2e-web-1' })).toHaveCount(0);
  await fold.getByRole('button', { name: /^Expand situation/ }).click();
  await expect(members).toHaveCount(3);

  // The incident page says which situation and why.
  await members.getByRole('link', { name: 'e2e_web_shell on e2e-web-1' }).click();
  await expect(page.getByTestId('situation-title')).toContainText('e2e_port_scan on e2e-fw-1');
  await expect(page.getByText(/both carry src_ip=198\.51\.100\.99 within \d+ min/).first()).toBeVisible();
  await page.goBack();

  const again = board.locator(`tr[data-situation-id="${situationId}"]`);
  await again.getByRole('button', { name: /^Expand situation/ }).click();
  await expect(members).toHaveCount(3);
  await again.getByRole('button', { name: 'Acknowledge all' }).click();
  for (let i = 0; i < 3; i++)
    await expect(members.nth(i).getByText('Acknowledged', { exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});
