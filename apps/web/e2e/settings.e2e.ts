// KPI and settings pages as the demo owner (one real action per page, a screenshot of each, no
// console errors), and a client viewer who can look but not change anything.
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import {
  acceptAsNewAccount,
  artefacts,
  demoLogin,
  INVITE_LINK,
  mailedLink,
  signIn,
  watchConsole,
} from './helpers';

const OWNER = 'owner@demo-msp.test';

async function asOwner(page: Page) {
  const o = demoLogin(OWNER);
  await signIn(page, o.email, o.password);
}

/** Selects the simulated demo company (Acme) in the page's company picker. */
async function pickAcme(page: Page) {
  const picker = page.getByLabel('Company', { exact: true });
  await expect(picker).toBeVisible();
  const value = await picker.locator('option', { hasText: 'Acme Manufacturing' }).getAttribute('value');
  await picker.selectOption(value!);
  await expect(page).toHaveURL(new RegExp(`company=${value}`));
  return value!;
}

test('KPIs: noise reduction and MTTR over a period, with a CSV export', async ({ page }) => {
  const errors = watchConsole(page);
  await asOwner(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'KPIs' }).click();
  await expect(page.getByRole('heading', { name: 'KPIs', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: '30 d' }).click();
  await expect(page.getByRole('button', { name: '30 d' })).toHaveAttribute('aria-pressed', 'true');
  // either the report or the empty state, never an error
  await expect(
    page.getByRole('heading', { name: 'Noise reduction' }).or(page.getByText('No alerts in this period')),
  ).toBeVisible();
  await expect(page.getByText('Could not compute the KPIs')).toHaveCount(0);
  await page.getByRole('button', { name: 'Custom' }).click();
  await expect(page.getByLabel('From')).toBeVisible();
  await page.getByRole('button', { name: '7 d' }).click();
  await page.screenshot({ path: path.join(artefacts, 'kpis.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page
    .getByRole('group', { name: 'Export CSV' })
    .getByRole('button', { name: 'Noise reduction' })
    .click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^noise-\d{4}-\d{2}-\d{2}\.csv$/);
  await expect(page.getByText(/Downloaded noise-/)).toBeVisible();

  // one company
  await pickAcme(page);
  await expect(
    page.getByRole('heading', { name: 'Noise reduction' }).or(page.getByText('No alerts in this period')),
  ).toBeVisible();
  expect(errors).toEqual([]);
});

test('correlation settings: a saved value persists after reload, and a backtest runs', async ({ page }) => {
  const errors = watchConsole(page);
  await asOwner(page);
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/settings\/correlation/);
  await pickAcme(page);
  const windowField = page.getByLabel('Window (minutes)', { exact: true });
  await expect(windowField).toHaveValue('15');
  await windowField.fill('0');
  await windowField.blur();
  await expect(page.getByText('A whole number from 1 to 60.')).toBeVisible();
  await windowField.fill('10');
  await page.getByLabel('Window mode').selectOption('ROLLING');

  await page.getByRole('button', { name: 'Run backtest' }).click();
  await expect(
    page.getByRole('region', { name: 'Backtest result' }).or(page.getByText('No alerts in this period')),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText(/^Saved\./)).toBeVisible();
  await page.screenshot({ path: path.join(artefacts, 'settings-correlation.png'), fullPage: true });
  await page.reload();
  await expect(page.getByLabel('Window (minutes)', { exact: true })).toHaveValue('10');
  await expect(page.getByLabel('Window mode')).toHaveValue('ROLLING');

  // put the demo back the way it was
  await page.getByLabel('Window (minutes)', { exact: true }).fill('15');
  await page.getByLabel('Window mode').selectOption('FIXED');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText(/^Saved\./)).toBeVisible();
  expect(errors).toEqual([]);
});

test('suppression: maintenance windows, silences and inhibition rules: create, edit, delete, expire', async ({
  page,
}) => {
  const errors = watchConsole(page);
  await asOwner(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings\/correlation/);
  await page
    .getByRole('navigation', { name: 'Settings' })
    .getByRole('link', { name: 'Maintenance & silences' })
    .click();
  await expect(page).toHaveURL(/\/settings\/suppression/);
  await pickAcme(page);

  await page.getByRole('button', { name: 'New maintenance window' }).click();
  const form = page.getByRole('form', { name: 'New maintenance window' });
  await form.getByLabel('Name').fill('Patch night e2e');
  await form.getByLabel('Repeats').selectOption('weekly');
  await form.getByLabel('Sat').check();
  await form.getByLabel('Sun').check();
  await form.getByLabel('Start time').fill('01:30');
  await form.getByLabel('Duration (minutes)').fill('90');
  await form.getByRole('button', { name: 'Add matcher: matchers' }).click();
  await form.getByLabel('Matchers 1: field').fill('asset');
  await form.getByLabel('Matchers 1: value').fill('server-prod-01');
  await form.getByRole('button', { name: 'Create window' }).click();
  await expect(page.getByText('Maintenance window “Patch night e2e” created.')).toBeVisible();
  const windows = page.getByRole('list', { name: 'Maintenance windows' });
  await expect(windows.getByText('Patch night e2e')).toBeVisible();
  await expect(windows.getByText(/Every Sun, Sat at 01:30/)).toBeVisible();

  await page.getByRole('button', { name: 'New silence' }).click();
  const silence = page.getByRole('form', { name: 'New silence' });
  await silence.getByLabel('Silence matchers 1: value').fill('web-01');
  await silence.getByLabel('Comment').fill('noisy during migration');
  await silence.getByRole('button', { name: 'Create silence' }).click();
  await expect(
    page.getByRole('list', { name: 'Silences' }).getByText(/noisy during migration/),
  ).toBeVisible();
  await page.screenshot({ path: path.join(artefacts, 'settings-suppression.png'), fullPage: true });

  // edit the window, add and delete a one-off, expire the silence
  await windows.getByRole('button', { name: 'Edit Patch night e2e' }).click();
  const edit = page.getByRole('form', { name: 'Edit maintenance window' });
  await expect(edit.getByLabel('Matchers 1: value')).toHaveValue('server-prod-01');
  await edit.getByLabel('Duration (minutes)').fill('120');
  await edit.getByRole('button', { name: 'Save window' }).click();
  await expect(page.getByText('Maintenance window “Patch night e2e” updated.')).toBeVisible();
  await expect(windows.getByText(/for 120 min/)).toBeVisible();

  await page.getByRole('button', { name: 'New maintenance window' }).click();
  const once = page.getByRole('form', { name: 'New maintenance window' });
  await once.getByLabel('Name').fill('Short one-off');
  await once.getByRole('button', { name: 'Create window' }).click();
  await expect(windows.getByText('Short one-off')).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await windows.getByRole('button', { name: 'Delete Short one-off' }).click();
  await expect(windows.getByText('Short one-off')).toHaveCount(0);

  await page.getByRole('button', { name: /^Expire silence asset = "web-01"/ }).click();
  await expect(page.getByText('Silence expired: matching alerts open incidents again.')).toBeVisible();
  await page.getByLabel('Show expired silences').check();
  await expect(page.getByRole('list', { name: 'Silences' }).getByText('Expired').first()).toBeVisible();

  // an inhibition rule: create, disable, delete
  await page.getByRole('button', { name: 'New inhibition rule' }).click();
  const rule = page.getByRole('form', { name: 'New inhibition rule' });
  await rule.getByLabel('Name').fill('Backup failure hides disk alerts');
  await rule.getByLabel('Source matchers 1: value').fill('backup_failed');
  await rule.getByLabel('Target matchers 1: operator').selectOption('=');
  await rule.getByLabel('Target matchers 1: value').fill('disk_full');
  await rule.getByRole('button', { name: 'Save rule' }).click();
  const rules = page.getByRole('list', { name: 'Inhibition rules' });
  await expect(rules.getByText('Backup failure hides disk alerts')).toBeVisible();
  await rules.getByRole('button', { name: 'Disable Backup failure hides disk alerts' }).click();
  await expect(rules.getByRole('button', { name: 'Enable Backup failure hides disk alerts' })).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await rules.getByRole('button', { name: 'Delete Backup failure hides disk alerts' }).click();
  await expect(rules.getByText('Backup failure hides disk alerts')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('API keys: shown once with a copy button, in the signed curl example; rotate, unsigned flag, revoke', async ({
  page,
}) => {
  const errors = watchConsole(page);
  await asOwner(page);
  await page.goto('/settings/keys');
  await pickAcme(page);
  await page.getByLabel('Key name').fill('e2e-prometheus');
  await page.getByRole('button', { name: 'Create API key' }).click();
  const plaintext = page.getByLabel('API key e2e-prometheus');
  await expect(plaintext).toHaveValue(/^awk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const key = await plaintext.inputValue();
  await expect(page.getByRole('button', { name: 'Copy api key e2e-prometheus' })).toBeVisible();
  await expect(page.getByText('it is shown only once')).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'API keys' }).getByText('e2e-prometheus', { exact: true }),
  ).toBeVisible();
  await expect(page.getByLabel('curl command')).toContainText(key);
  await expect(page.getByLabel('curl command')).toContainText('X-Signature: sha256=$SIG');
  await page.screenshot({ path: path.join(artefacts, 'settings-keys.png'), fullPage: true });

  // the key list never shows the plaintext again
  await page.reload();
  await expect(
    page.getByRole('list', { name: 'API keys' }).getByText('e2e-prometheus', { exact: true }),
  ).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0);

  // rotate with an hour of overlap, mark the new key as an unsigned sender, revoke the old one
  const keys = page.getByRole('list', { name: 'API keys' });
  await keys.getByRole('button', { name: 'Rotate e2e-prometheus' }).click();
  await page.getByRole('form', { name: 'Rotate e2e-prometheus' }).getByLabel('Overlap').selectOption('60');
  await page.getByRole('button', { name: 'Issue new key' }).click();
  await expect(page.getByLabel('New key for e2e-prometheus')).toHaveValue(/^awk_/);
  await expect(page.getByText(/The old key keeps working until/)).toBeVisible();
  await expect(keys.getByText(/^Expires /)).toBeVisible();
  await keys.getByRole('switch', { name: 'Unsigned sender (e2e-prometheus)' }).first().click();
  await expect(page.getByText('Key marked for an unsigned sender.')).toBeVisible();
  // This key's row (other tests leave unsigned keys of their own in the demo company).
  const promRows = keys.getByRole('listitem').filter({ hasText: 'e2e-prometheus' });
  await expect(promRows.getByText('Unsigned sender', { exact: true }).first()).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await keys.getByRole('button', { name: 'Revoke e2e-prometheus' }).last().click();
  await expect(keys.getByText('Revoked', { exact: true })).toBeVisible();

  // the signing secret: rotate (shown once), reveal, and it fills the curl example
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const newSecret = page.getByLabel('New signing secret');
  await expect(newSecret).toHaveValue(/^whsec_/);
  const secret = await newSecret.inputValue();
  await expect(page.getByLabel('curl command')).toContainText(`SECRET='${secret}'`);
  await page.getByRole('button', { name: 'Reveal secret' }).click();
  await expect(page.getByText(secret, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Hide secret' }).click();

  // HMAC off (after a confirmation) and on again
  const hmac = page.getByRole('switch', { name: 'Require HMAC signatures' });
  await expect(hmac).toHaveAttribute('aria-checked', 'true');
  page.once('dialog', (d) => void d.accept());
  await hmac.click();
  await expect(page.getByText('HMAC signatures no longer required.')).toBeVisible();
  await expect(hmac).toHaveAttribute('aria-checked', 'false');
  await hmac.click();
  await expect(page.getByText('HMAC signatures required.')).toBeVisible();
  await expect(hmac).toHaveAttribute('aria-checked', 'true');

  // the mapping preview answers as you type
  await page.getByLabel('Asset path').fill('host.name');
  await expect(
    page.getByRole('table', { name: 'Alerts the sample becomes' }).getByText('db-01'),
  ).toBeVisible();
  expect(errors).toEqual([]);
});

test('AWS: simulated account labelled, connection test passes, hybrid activation; a company without AWS', async ({
  page,
}) => {
  const errors = watchConsole(page);
  await asOwner(page);
  await page.goto('/settings/aws');
  await pickAcme(page);
  await expect(page.getByText('Simulated AWS account', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy External ID' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Role ARN' })).toHaveValue(/^arn:aws:iam::\d{12}:role\//);
  await page.getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByRole('region', { name: 'Connection test result' });
  await expect(result.getByText('Connection works.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sync nodes' })).toBeVisible();
  await page.screenshot({ path: path.join(artefacts, 'settings-aws.png'), fullPage: true });

  // a hybrid activation: the code once, with copy-ready install commands
  await page.getByLabel('Servers (registration limit)').fill('2');
  await page.getByLabel('Default instance name').fill('e2e-branch');
  await page.getByRole('button', { name: 'Create activation' }).click();
  await expect(page.getByLabel('Activation code')).toHaveValue(/\S{10,}/);
  await expect(page.getByLabel('Linux install command')).toContainText('amazon-ssm-agent -register');
  await expect(page.getByLabel('Windows install command')).toContainText('amazon-ssm-agent.exe');
  await expect(page.getByRole('button', { name: 'Copy Linux command' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Hybrid activations' }).getByText('e2e-branch')).toBeVisible();

  // a company without AWS: nothing fails, the page says what to do
  const picker = page.getByLabel('Company', { exact: true });
  await picker.selectOption({ label: 'Globex Health' });
  await expect(page.getByText('Connect AWS first', { exact: true })).toBeVisible();
  await expect(page.getByText('Not connected', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test connection' })).toBeDisabled();
  expect(errors).toEqual([]);
});

test('a client viewer sees the settings read-only and cannot change them', async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const viewerEmail = `viewer-${stamp}@acme.test`;
  const ownerCtx = await browser.newContext();
  const owner = await ownerCtx.newPage();
  await asOwner(owner);
  await owner.goto('/settings/members');
  await owner.getByLabel('Email').fill(viewerEmail);
  await owner.getByLabel('Role').selectOption('CLIENT_VIEWER');
  await owner.getByLabel('Company').selectOption({ label: 'Acme Manufacturing' });
  await owner.getByRole('button', { name: 'Send invitation' }).click();
  const link = await mailedLink(viewerEmail, INVITE_LINK);
  await ownerCtx.close();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = watchConsole(page);
  await acceptAsNewAccount(page, link, 'Vera Viewer', 'vera viewer password');

  await page.goto('/settings/correlation');
  await expect(page.getByText('Company: Acme Manufacturing')).toBeVisible();
  await expect(page.getByRole('note').getByText(/Read-only/)).toBeVisible();
  await expect(page.getByLabel('Window (minutes)', { exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run backtest' })).toHaveCount(0);
  await page.screenshot({ path: path.join(artefacts, 'settings-viewer.png'), fullPage: true });

  await page.goto('/settings/suppression');
  await expect(page.getByRole('note').getByText(/Read-only/)).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Maintenance windows' }).getByText('Patch night e2e'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'New maintenance window' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Delete / })).toHaveCount(0);

  await page.goto('/settings/keys');
  await expect(
    page.getByRole('list', { name: 'API keys' }).getByText('e2e-prometheus', { exact: true }).first(),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create API key' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Revoke / })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reveal secret' })).toHaveCount(0);
  await expect(page.getByRole('switch', { name: 'Require HMAC signatures' })).toBeDisabled();

  await page.goto('/settings/aws');
  await expect(page.getByText('Simulated AWS account', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test connection' })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Role ARN' })).toBeDisabled();

  // and the API refuses a change even when called directly with the company's real id
  const list = await page.request.get('/api/trpc/company.list');
  expect(list.ok()).toBe(true);
  const companies = ((await list.json()) as { result: { data: { json: { id: string; name: string }[] } } })
    .result.data.json;
  expect(companies.map((c) => c.name)).toEqual(['Acme Manufacturing']);
  const res = await page.request.post('/api/trpc/correlation.updateConfig', {
    data: { json: { companyId: companies[0]!.id, patch: { windowMinutes: 5 } } },
  });
  expect(res.status()).toBe(403);
  const key = await page.request.post('/api/trpc/ingest.keys.create', {
    data: { json: { companyId: companies[0]!.id, name: 'sneaky' } },
  });
  expect(key.status()).toBe(403);
  expect(errors).toEqual([]);
});

test('a technician may backtest but not save correlation settings; a client admin sees only their company', async ({
  browser,
}) => {
  const techCtx = await browser.newContext();
  const tech = await techCtx.newPage();
  const techErrors = watchConsole(tech);
  const t = demoLogin('tech@demo-msp.test');
  await signIn(tech, t.email, t.password);
  await tech.goto('/settings/correlation');
  await pickAcme(tech);
  await expect(tech.getByText('Only MSP owners and admins can save correlation settings.')).toBeVisible();
  await expect(tech.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await tech.getByLabel('Aggregation key').fill('service|signature');
  await tech.getByRole('button', { name: 'Run backtest' }).click();
  await expect(
    tech.getByRole('region', { name: 'Backtest result' }).or(tech.getByText('No alerts in this period')),
  ).toBeVisible();
  await tech.goto('/settings/keys');
  await expect(tech.getByRole('button', { name: 'Create API key' })).toHaveCount(0);
  await expect(tech.getByLabel('curl command')).toContainText('X-Signature');
  // The AWS connection and the company profile are the owners', admins' and client admins':
  // no controls on the page, and calling the procedures directly is refused (permission matrix).
  await tech.goto('/settings/aws');
  await pickAcme(tech);
  await expect(tech.getByRole('button', { name: 'Save role ARN' })).toHaveCount(0);
  const list = await tech.request.get('/api/trpc/company.list');
  const acme = (await list.json()).result.data.json.find((c: { slug: string }) => c.slug === 'acme');
  const before = await tech.request.get(
    `/api/trpc/company.get?input=${encodeURIComponent(JSON.stringify({ json: { companyId: acme.id } }))}`,
  );
  const stored = (await before.json()).result.data.json;
  for (const [procedure, input] of [
    ['aws.setRoleArn', { companyId: acme.id, roleArn: 'arn:aws:iam::999988887777:role/Technician-Choice' }],
    ['aws.activations.create', { companyId: acme.id, registrationLimit: 1 }],
    ['company.updateProfile', { companyId: acme.id, name: 'Renamed by tech', timezone: 'UTC' }],
    ['company.setOnboardingStep', { companyId: acme.id, step: 'done', webhookOnly: !stored.webhookOnly }],
  ] as const) {
    const res = await tech.request.post(`/api/trpc/${procedure}`, { data: { json: input } });
    expect({ procedure, status: res.status() }).toEqual({ procedure, status: 403 });
  }
  const after = await tech.request.get(
    `/api/trpc/company.get?input=${encodeURIComponent(JSON.stringify({ json: { companyId: acme.id } }))}`,
  );
  const now = (await after.json()).result.data.json;
  expect([now.name, now.awsRoleArn, now.webhookOnly]).toEqual([
    stored.name,
    stored.awsRoleArn,
    stored.webhookOnly,
  ]);
  expect(techErrors).toEqual([]);
  await techCtx.close();

  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  const adminErrors = watchConsole(admin);
  const a = demoLogin('admin@acme.test');
  await signIn(admin, a.email, a.password);
  await admin.goto('/kpis');
  await expect(admin.getByText('Company: Acme Manufacturing')).toBeVisible();
  await expect(admin.getByRole('option', { name: 'All companies' })).toHaveCount(0);
  await expect(
    admin.getByRole('heading', { name: 'Noise reduction' }).or(admin.getByText('No alerts in this period')),
  ).toBeVisible();
  // a company id from elsewhere in the link changes nothing for a client
  await admin.goto('/settings/suppression?company=00000000-0000-4000-8000-000000000000');
  await expect(admin.getByText('Company: Acme Manufacturing')).toBeVisible();
  await expect(admin.getByRole('button', { name: 'New maintenance window' })).toBeVisible();
  expect(adminErrors).toEqual([]);
  await adminCtx.close();
});

test('on a phone in dark mode the KPI and settings pages fit the screen', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  const page = await ctx.newPage();
  const errors = watchConsole(page);
  await asOwner(page);
  const pages: [string, string, RegExp][] = [
    ['/kpis', 'kpis', /Noise reduction|No alerts in this period/],
    ['/settings/correlation', 'correlation', /Backtest/],
    ['/settings/suppression', 'suppression', /Inhibition rules/],
    ['/settings/keys', 'keys', /Generic payload mappings/],
    ['/settings/aws', 'aws', /Managed nodes/],
  ];
  for (const [url, name, ready] of pages) {
    await page.goto(url);
    await expect(page.getByRole('heading', { name: ready }).first()).toBeVisible();
    await expect(page.locator('html')).toHaveClass(/dark/);
    const overflow = await page.locator('main').evaluate((m) => m.scrollWidth - m.clientWidth);
    expect(overflow, `${url} overflows horizontally by ${overflow}px`).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(artefacts, `phone-dark-${name}.png`), fullPage: true });
  }
  expect(errors).toEqual([]);
  await ctx.close();
});
