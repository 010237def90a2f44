import path from 'node:path';
import { expect, test } from '@playwright/test';
import { artefacts, demoLogin, signIn, watchConsole } from './helpers';

test('the demo technician signs in with the printed login and sees the demo companies', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.screenshot({ path: path.join(artefacts, 'sign-in.png'), fullPage: true });

  const tech = demoLogin('tech@demo-msp.test');
  await signIn(page, tech.email, tech.password);
  const companies = page.getByRole('list', { name: 'Companies' });
  await expect(companies.getByText('Acme Manufacturing')).toBeVisible();
  await expect(companies.getByText('Globex Health')).toBeVisible();
  await expect(companies.getByText('Initech Finance')).toBeVisible();
  await page.screenshot({ path: path.join(artefacts, 'dashboard.png'), fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in/);
  expect(errors).toEqual([]);
});

test('a wrong password is refused with a message and no session', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('tech@demo-msp.test');
  await page.getByLabel('Password').fill('definitely not it');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That email and password do not match an account.')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a client admin sees only their own company', async ({ page }) => {
  const client = demoLogin('admin@acme.test');
  await signIn(page, client.email, client.password);
  const companies = page.getByRole('list', { name: 'Companies' });
  await expect(companies.getByText('Acme Manufacturing')).toBeVisible();
  await expect(companies.getByText('Globex Health')).toHaveCount(0);
  await expect(companies.getByText('Initech Finance')).toHaveCount(0);
});
