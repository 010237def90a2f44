// Regular expressions in the suppression forms run on RE2: a pattern RE2 cannot run is refused in
// the form with the reason, nothing is created; the probe pattern of issue 10 is accepted (it is
// valid RE2 and matches in linear time) and can be expired again.
import { expect, test } from '@playwright/test';
import { demoLogin, signIn, watchConsole } from './helpers';

test('suppression forms: RE2 syntax errors are shown with the reason; a valid pattern saves', async ({
  page,
}) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/suppression');
  const picker = page.getByLabel('Company', { exact: true });
  const acme = await picker.locator('option', { hasText: 'Acme Manufacturing' }).getAttribute('value');
  await picker.selectOption(acme!);
  await expect(page).toHaveURL(new RegExp(`company=${acme}`));

  await page.getByRole('button', { name: 'New silence' }).click();
  const form = page.getByRole('form', { name: 'New silence' });
  await form.getByLabel('Silence matchers 1: operator').selectOption('=~');
  await form.getByLabel('Silence matchers 1: value').fill('(?=web)web-.*');
  await form.getByLabel('Comment').fill('regex e2e');
  await form.getByRole('button', { name: 'Create silence' }).click();
  await expect(form.getByRole('alert')).toContainText('not valid RE2 syntax');
  await expect(form.getByRole('alert')).toContainText('backreferences and lookaround are not supported');
  const silences = page.getByRole('list', { name: 'Silences' });
  await expect(silences.getByText('regex e2e')).toHaveCount(0);

  await form.getByLabel('Silence matchers 1: value').fill('(a+)+$');
  await form.getByRole('button', { name: 'Create silence' }).click();
  await expect(silences.getByText(/regex e2e/)).toBeVisible();
  await page.getByRole('button', { name: /^Expire silence asset =~ "\(a\+\)\+\$"/ }).click();
  await expect(silences.getByText(/regex e2e/)).toHaveCount(0);
  expect(errors).toEqual([]);
});
