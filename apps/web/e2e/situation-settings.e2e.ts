// Issue 16 settings in a browser: an API key's alert kind and a generic mapping's kind are chosen in
// Settings → Keys (stored, shown again after a reload, previewed); the situation settings show a
// preview from the backtest next to their knobs, each knob explained in a sentence.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { createKey, dbUrl, demoLogin, pickAcme, signIn, watchConsole } from './helpers';

test('alert kind per API key and per mapping, chosen in the keys page', async ({ page }) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/keys');
  await pickAcme(page);
  await createKey(page, 'e2e-syslog', { alerts: true, site: false });

  const kind = page.getByLabel('Alert kind (e2e-syslog)');
  await expect(kind).toHaveValue('');
  await kind.selectOption('EVENT');
  await expect(page.getByText(/Alerts of e2e-syslog are events/)).toBeVisible();
  const db = new pg.Client({ connectionString: dbUrl() });
  await db.connect();
  try {
    const row = await db.query<{ alertKind: string | null }>(
      `SELECT "alertKind" FROM "ApiKey" WHERE name = 'e2e-syslog' AND "revokedAt" IS NULL`,
    );
    expect(row.rows.map((r) => r.alertKind)).toEqual(['EVENT']);
  } finally {
    await db.end();
  }
  await page.reload();
  await expect(page.getByLabel('Alert kind (e2e-syslog)')).toHaveValue('EVENT');
  await page.getByLabel('Alert kind (e2e-syslog)').selectOption('');
  await expect(page.getByText(/Alerts of e2e-syslog take their source's default kind/)).toBeVisible();

  // A generic mapping says its alerts are events; the preview shows the kind the sample becomes.
  await page.getByLabel('Mapping name').fill('e2e-suricata');
  await page.getByLabel('Status path').fill('');
  const preview = page.getByRole('table', { name: 'Alerts the sample becomes' });
  await expect(preview.locator('tbody tr').first().locator('td').nth(4)).toHaveText('default');
  await page.getByLabel('Alert kind', { exact: true }).fill('=event');
  await expect(preview.locator('tbody tr').first().locator('td').nth(4)).toHaveText('event');
  await page.getByLabel('Alert kind', { exact: true }).fill('=sometimes');
  await expect(page.getByText(/is not a kind \(event or stateful\)/)).toBeVisible();
  await page.getByLabel('Alert kind', { exact: true }).fill('=event');
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByText('Mapping “e2e-suricata” saved.', { exact: false })).toBeVisible();
  await page.reload();
  await pickAcme(page);
  await page.getByRole('button', { name: 'Open mapping e2e-suricata' }).click();
  await expect(page.getByLabel('Alert kind', { exact: true })).toHaveValue('=event');
  expect(errors).toEqual([]);
});

test('situation knobs explained, with a preview from the backtest', async ({ page }) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/correlation');
  await pickAcme(page);
  const card = page.getByRole('form', { name: 'Situations' });
  for (const [label, sentence] of [
    ['Situation window (minutes)', /Incidents active within this many minutes of each other may be linked/],
    ['Entities', /Shared values that link incidents/],
    ['Hub share (%)', /is never used to link/],
    ['Maximum incidents per situation', /stops growing at this size/],
    ['Maximum span (minutes)', /accepts new incidents only this long after its first one/],
  ] as const) {
    await expect(card.getByLabel(label, { exact: true })).toBeVisible();
    await expect(card.getByText(sentence)).toBeVisible();
  }
  // Candidate: link by the asset only, in a 1-minute window.
  await card.getByLabel('Entities', { exact: true }).fill('asset');
  await card.getByLabel('Situation window (minutes)', { exact: true }).fill('1');
  const preview = page.getByLabel('Situation preview', { exact: true });
  await preview.getByLabel('Period').selectOption('30');
  await preview.getByRole('button', { name: 'Preview these values' }).click();
  const result = page.getByRole('region', { name: 'Situation preview result' });
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result.getByRole('columnheader', { name: 'Saved' })).toBeVisible();
  await expect(result.getByRole('columnheader', { name: 'These values' })).toBeVisible();
  const cells = async (row: string) =>
    result
      .getByRole('row', { name: new RegExp(`^${row}`) })
      .locator('td')
      .allInnerTexts();
  // The incident settings are the same on both sides, so are the incidents.
  const [saved, these] = await cells('Incidents');
  expect(Number(saved)).toBeGreaterThan(0);
  expect(these).toBe(saved);
  // Nothing was saved: the stored window is still the default.
  await page.reload();
  await pickAcme(page);
  await expect(
    page.getByRole('form', { name: 'Situations' }).getByLabel('Situation window (minutes)', { exact: true }),
  ).toHaveValue('30');
  // A bad value is refused with the field named.
  const card2 = page.getByRole('form', { name: 'Situations' });
  await card2.getByLabel('Entities', { exact: true }).fill('asset, label:');
  await page
    .getByLabel('Situation preview', { exact: true })
    .getByRole('button', { name: 'Preview these values' })
    .click();
  await expect(
    page.getByText(/Preview failed: entities: "label:" is not asset, topology or label:<name>/),
  ).toBeVisible();
  expect(errors.filter((e) => !/400|Bad Request/.test(e))).toEqual([]);
});
