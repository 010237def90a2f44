import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  acceptAsNewAccount,
  artefacts,
  demoLogin,
  INVITE_LINK,
  mailedLink,
  signIn,
  signUpMsp,
  watchConsole,
} from './helpers';

// The whole product loop in a browser: an MSP signs up, adds a client company and invites its
// admin; the client admin onboards (key, secret, webhook-only), pastes the shown curl command, and
// the wizard and the MSP's dashboard both update live; the MSP acknowledges and resolves. Then
// people of other tenants try to cross the line.
test('sign-up → invite client → onboarding → signed curl → live incident → acknowledge → resolve', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const company = `Contoso ${stamp}`;

  // MSP owner signs up and adds a company
  const mspCtx = await browser.newContext();
  const msp = await mspCtx.newPage();
  const mspErrors = watchConsole(msp);
  await signUpMsp(msp, {
    mspName: `Fabrikam MSP ${stamp}`,
    name: 'Fay Owner',
    email: `fay-${stamp}@fabrikam.test`,
    password: 'fabrikam password',
  });
  await msp.getByRole('link', { name: 'Companies' }).click();
  await msp.getByLabel('New client company').fill(company);
  await msp.getByRole('button', { name: 'Add company' }).click();
  const row = msp
    .getByRole('list', { name: 'Client companies' })
    .getByRole('listitem')
    .filter({ hasText: company });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Invite client admin' }).click();
  await row.getByLabel(`Client admin email for ${company}`).fill(`it-${stamp}@contoso.test`);
  await row.getByRole('button', { name: 'Send invitation' }).click();
  await expect(row.getByRole('status')).toContainText(`Invitation mailed to it-${stamp}@contoso.test`);
  const invite = await mailedLink(`it-${stamp}@contoso.test`, INVITE_LINK);
  await msp.screenshot({ path: path.join(artefacts, 'companies.png'), fullPage: true });

  // The MSP watches the dashboard; it must update without a reload.
  await msp.goto('/dashboard');
  await expect(msp.getByText('No open incidents')).toBeVisible();
  await expect(msp.getByText('Live', { exact: true })).toBeVisible();

  // The client admin accepts and onboards
  const clientCtx = await browser.newContext();
  const client = await clientCtx.newPage();
  const clientErrors = watchConsole(client);
  await acceptAsNewAccount(client, invite, 'Ivy IT', 'contoso password');
  await client.getByRole('link', { name: 'My company' }).click();
  await client.getByRole('link', { name: 'Onboarding & keys' }).click();
  await expect(client.getByRole('heading', { name: `Onboarding: ${company}` })).toBeVisible();
  const companyId = client.url().split('/companies/')[1]!.split('/')[0]!;

  await client.getByLabel('Time zone').fill('Europe/Berlin');
  await client.getByRole('button', { name: 'Save and continue' }).click();
  await client.getByRole('button', { name: 'Create API key' }).click();
  await expect(client.getByLabel('New API key')).toHaveValue(/^awk_/);
  await client.getByRole('button', { name: 'Generate signing secret' }).click();
  await expect(client.getByLabel('New signing secret')).not.toHaveValue('');
  await client.screenshot({ path: path.join(artefacts, 'onboarding-keys.png'), fullPage: true });
  await client.getByRole('button', { name: 'Continue' }).click();
  await client.getByRole('button', { name: 'Use webhook-only mode' }).click();

  const command = await client.getByLabel('Test alert command').textContent();
  expect(command).toContain('X-Signature: sha256=');
  expect(command).not.toContain('awk_…');
  await expect(client.getByText('Waiting for your first alert…')).toBeVisible();
  await client.screenshot({ path: path.join(artefacts, 'onboarding-test.png'), fullPage: true });

  // Paste the shown command into a shell, exactly as a person would.
  const out = execFileSync('bash', ['-c', command!], { encoding: 'utf8' });
  expect(JSON.parse(out)).toMatchObject({ accepted: 1 });
  await expect(client.getByText(/First alert received/)).toBeVisible();
  await client.getByRole('button', { name: 'Finish' }).click();
  await expect(client.getByText('Onboarding complete')).toBeVisible();
  expect(clientErrors).toEqual([]);

  // …and the MSP's dashboard shows the incident without a reload.
  const incidentRow = msp
    .getByRole('table', { name: 'Incidents' })
    .getByRole('row')
    .filter({ hasText: 'disk_full' });
  await expect(incidentRow).toBeVisible();
  await expect(incidentRow).toContainText(company);
  await msp.screenshot({ path: path.join(artefacts, 'dashboard-live.png'), fullPage: true });

  // Acknowledge, then resolve with a note, from the incident page.
  await incidentRow.getByRole('link').click();
  await expect(msp.getByText('Why these alerts are one incident')).toBeVisible();
  await msp.screenshot({ path: path.join(artefacts, 'incident.png'), fullPage: true });
  await msp.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(msp.getByText('Acknowledged', { exact: true }).first()).toBeVisible();
  await msp.getByLabel('Resolution note').fill('Cleared /var/log');
  await msp.getByRole('button', { name: 'Resolve' }).click();
  await expect(msp.getByText('Resolved', { exact: true }).first()).toBeVisible();
  await expect(msp.getByText(/Cleared \/var\/log/).first()).toBeVisible();
  const incidentUrl = msp.url();

  // Crossing the line: the client edits URLs and calls procedures with other tenants' ids.
  const demoTech = demoLogin('tech@demo-msp.test');
  const otherCtx = await browser.newContext();
  const other = await otherCtx.newPage();
  await signIn(other, demoTech.email, demoTech.password);
  await expect(other.getByText(company)).toHaveCount(0);
  await other.goto(new URL(incidentUrl).pathname);
  await expect(other.getByText('Incident not found')).toBeVisible();
  await other.goto(`/companies/${companyId}/onboarding`);
  await expect(other.getByText('Company not found')).toBeVisible();
  const cross = await other.request.get(
    `/api/trpc/company.get?input=${encodeURIComponent(JSON.stringify({ json: { companyId } }))}`,
  );
  expect(cross.status()).toBe(404);
  expect(await cross.text()).not.toContain(company);

  // The client cannot see the demo MSP's companies either.
  const demoCompanies = await other.request.get('/api/trpc/company.list');
  const acmeId = (await demoCompanies.json()).result.data.json.find(
    (c: { slug: string }) => c.slug === 'acme',
  ).id;
  await client.goto(`/companies/${acmeId}/onboarding`);
  await expect(client.getByText('Company not found')).toBeVisible();
  const clientCross = await client.request.get(
    `/api/trpc/ingest.keys.list?input=${encodeURIComponent(JSON.stringify({ json: { companyId: acmeId } }))}`,
  );
  expect(clientCross.status()).toBe(404);

  expect(mspErrors).toEqual([]);
});
