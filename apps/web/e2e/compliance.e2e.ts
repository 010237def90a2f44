// The patch compliance page on the demo: Acme (simulated AWS) has the demo patch fleet and a
// backfilled trend from the launcher. A technician reads the figures, drills into the worst node,
// downloads a table as CSV and syncs now with live progress; the MSP-wide view ranks the companies;
// Acme's client admin sees the same figures read-only.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { demoLogin, signIn, watchConsole } from './helpers';

test('compliance figures, drill-down, CSV, live sync and the MSP ranking; the client portal is read-only', async ({
  browser,
}) => {
  const tech = await (await browser.newContext({ acceptDownloads: true })).newPage();
  const errors = watchConsole(tech);
  const t = demoLogin('tech@demo-msp.test');
  await signIn(tech, t.email, t.password);
  await tech.getByRole('link', { name: 'Compliance' }).click();
  await expect(tech).toHaveURL(/\/compliance/);
  // All companies: the MSP-wide view ranks the companies; Acme is the only one with a sync.
  const ranking = tech.getByRole('table', { name: 'Company ranking' });
  await expect(ranking.getByRole('row')).toHaveCount(4);
  await expect(ranking.getByRole('row').filter({ hasText: 'Acme Manufacturing' })).toContainText('58.3%');
  await expect(tech.getByRole('img', { name: 'Compliance per company over 30 days' })).toBeVisible();
  await ranking.getByRole('button', { name: 'Acme Manufacturing' }).click();

  // Acme: 13 nodes (the demo fleet's 9 + the 4 AWS demo nodes, all compliant, the offline one
  // stale); 12 scanned, 7 compliant → 58.3 %; critical 2 (app-01) + 1 (file-01) = 3.
  await expect(tech.getByTestId('figure-compliance')).toHaveText('58.3%');
  await expect(tech.getByTestId('figure-critical-patches-missing')).toHaveText('3');
  await expect(tech.getByTestId('figure-pending-reboot')).toHaveText('1');
  await expect(tech.getByTestId('figure-stale-or-no-scan')).toHaveText('3');
  await expect(tech.getByRole('img', { name: 'Compliance over 30 days' })).toBeVisible();
  const worst = tech.getByRole('list', { name: 'Worst nodes' });
  await expect(worst.getByRole('listitem').first()).toContainText('acme-app-01');

  await worst.getByRole('button', { name: 'acme-app-01' }).click();
  const detail = tech.getByTestId('node-detail');
  await expect(detail).toContainText('Critical (2)');
  await expect(detail).toContainText('Important (1)');
  await expect(detail).toContainText('AWS-AmazonLinux2023DefaultPatchBaseline');
  await expect(detail).toContainText('linux-prod');

  const download = tech.waitForEvent('download');
  await tech.getByRole('button', { name: 'Download nodes CSV' }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8').trim().split('\r\n');
  expect(csv[0]).toMatch(/^instanceId,name,platform,scanned,compliant,stale,criticalMissing/);
  expect(csv).toHaveLength(14);

  await tech.getByRole('button', { name: 'Sync now' }).click();
  await expect(tech.getByTestId('sync-progress')).toHaveText('Sync finished: 13 nodes', { timeout: 60_000 });
  expect(errors).toEqual([]);

  // Acme's client admin: the same figures, no sync button, no settings, no other company.
  const client = await (await browser.newContext()).newPage();
  const c = demoLogin('admin@acme.test');
  await signIn(client, c.email, c.password);
  await client.goto('/compliance');
  await expect(client.getByTestId('figure-compliance')).toHaveText('58.3%');
  await expect(client.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
  await expect(client.getByRole('form', { name: 'Compliance settings' })).toHaveCount(0);
  await expect(client.getByRole('table', { name: 'Company ranking' })).toHaveCount(0);
});
