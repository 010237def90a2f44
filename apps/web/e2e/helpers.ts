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

interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/** Every mail the app sent so far, as the loopback SMTP server received it (e2e/mail-sink.ts). */
export async function mails(): Promise<ReceivedMail[]> {
  return (await fetch(process.env.E2E_MAIL_URL!)).json() as Promise<ReceivedMail[]>;
}

/** Waits for a mail to `to` containing a link matching `pattern`; returns the link's path. */
export async function mailedLink(to: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const m of (await mails()).reverse()) {
      const hit = m.to.includes(to.toLowerCase()) ? pattern.exec(m.text) : null;
      if (hit) return new URL(hit[0]).pathname;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const INVITE_LINK = /http:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/;

/** Signs up a new MSP the way a person does: the form, then the mailed link, then a password. */
export async function signUpMsp(
  page: Page,
  msp: { mspName: string; name: string; email: string; password: string },
) {
  await page.goto('/sign-up');
  await page.getByLabel('MSP name').fill(msp.mspName);
  await page.getByLabel('Your name').fill(msp.name);
  await page.getByLabel('Work email').fill(msp.email);
  await page.getByRole('button', { name: 'Create MSP workspace' }).click();
  await expect(page.getByText('Check your inbox')).toBeVisible();
  await page.goto(await mailedLink(msp.email, /http:\/\/\S+\/sign-up\/\S+/));
  await page.getByLabel('Password').fill(msp.password);
  await page.getByRole('button', { name: 'Create MSP workspace' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Opens an invitation as someone without an account and creates it. */
export async function acceptAsNewAccount(page: Page, link: string, name: string, password: string) {
  await page.goto(link);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Choose a password').fill(password);
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** On a page with the company picker (settings): chooses a demo company (Acme Manufacturing). */
export async function pickAcme(page: Page, company = 'Acme Manufacturing') {
  const picker = page.getByLabel('Company', { exact: true });
  await expect(picker).toBeVisible();
  const value = await picker.locator('option', { hasText: company }).getAttribute('value');
  await picker.selectOption(value!);
  await expect(page).toHaveURL(new RegExp(`company=${value}`));
}

/** Creates an API key in the Settings → Keys form and returns its plaintext. */
export async function createKey(
  page: Page,
  name: string,
  scopes: { alerts: boolean; site: boolean },
  opts: { unsigned?: boolean } = {},
) {
  await page.getByLabel('Key name').fill(name);
  const form = page.getByRole('form', { name: 'Create API key' });
  await form.getByRole('checkbox', { name: /Send alerts/ }).setChecked(scopes.alerts);
  await form.getByRole('checkbox', { name: /Cluster operator/ }).setChecked(scopes.site);
  if (opts.unsigned) await form.getByRole('switch', { name: 'Unsigned sender' }).click();
  await form.getByRole('button', { name: 'Create API key' }).click();
  const plaintext = page.getByLabel(`API key ${name}`);
  await expect(plaintext).toHaveValue(/^awk_/);
  return plaintext.inputValue();
}

/** The launcher's embedded PostgreSQL of this e2e run (its password is in the data folder). */
export function dbUrl(): string {
  const secrets = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, 'secrets.json'), 'utf8')) as {
    EMBEDDED_PG_PASSWORD: string;
  };
  const port = Number(process.env.E2E_PORT ?? 3917) + 50_000 - 3000;
  return `postgresql://postgres:${encodeURIComponent(secrets.EMBEDDED_PG_PASSWORD)}@127.0.0.1:${port}/alert_whisperer`;
}

/** Polls `f` every 500 ms until it returns a value, or throws after `ms`. */
export async function until<T>(f: () => Promise<T | null | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 500));
  }
}
