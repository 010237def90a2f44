import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

export function demoLogins(): DemoLogin[] {
  return JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, 'demo-credentials.json'), 'utf8'));
}

export function demoLogin(email: string): DemoLogin {
  const l = demoLogins().find((x) => x.email === email);
  if (!l) throw new Error(`no demo login ${email}`);
  return l;
}

export const artefacts = path.resolve(import.meta.dirname, '../../../test-results/screenshots');

/** Fails the test on any browser console error or uncaught page error. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  return errors;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}
