// The issue-10 probe, replayed: invitations as a password oracle, a stranger locking a person out,
// concurrent guessing, sessions that outlive a password reset, and answers that reveal accounts.
// Driven like the probe: a real browser for forms, raw HTTP (from chosen loopback addresses) for
// sign-in attempts.
import http from 'node:http';
import { expect, type Page, test } from '@playwright/test';
import { demoLogin, INVITE_LINK, mailedLink, mails, signIn, signUpMsp, watchConsole } from './helpers';

const BASE = new URL(process.env.E2E_BASE_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? 3917}`);

interface Reply {
  status: number;
  location: string;
  cookies: string[];
  body: string;
}

/** One HTTP request from a chosen local address (Linux routes all of 127.0.0.0/8 to loopback). */
function request(
  method: string,
  path: string,
  opts: { from: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: BASE.port,
        method,
        path,
        localAddress: opts.from,
        headers: {
          ...opts.headers,
          ...(opts.body ? { 'content-length': Buffer.byteLength(opts.body) } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: String(res.headers.location ?? ''),
            cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!),
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Signs in through Auth.js's credentials endpoint, as a script would: 'ok', 'invalid' or 'locked'. */
async function httpSignIn(
  email: string,
  password: string,
  from: string,
  headers: Record<string, string> = {},
) {
  const csrf = await request('GET', '/api/auth/csrf', { from, headers });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const res = await request('POST', '/api/auth/callback/credentials', {
    from,
    headers: {
      ...headers,
      'content-type': 'application/x-www-form-urlencoded',
      cookie: csrf.cookies.join('; '),
    },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: '/dashboard' }).toString(),
  });
  if (res.location.includes('code=locked')) return 'locked';
  if (res.location.includes('error=')) return 'invalid';
  if (res.status === 302 && res.cookies.some((c) => c.includes('session-token'))) return 'ok';
  throw new Error(`unexpected sign-in answer ${res.status} ${res.location}`);
}

/** The page's visible text with one address blanked out, for comparing two pages. */
async function textWithout(page: Page, email: string) {
  return (await page.locator('main').innerText()).replaceAll(email, '<email>');
}

test.describe.configure({ mode: 'serial' });

test('an invitation cannot be used to test passwords or to learn whether an account exists', async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const ownerEmail = `probe-${stamp}@probe.test`;
  const existing = demoLogin('tech@demo-msp.test');
  const nobody = `nobody-${stamp}@probe.test`;
  const ownerPage = await (await browser.newContext()).newPage();
  await signUpMsp(ownerPage, {
    mspName: `Probe ${stamp}`,
    name: 'Pat',
    email: ownerEmail,
    password: 'probe password 1',
  });
  for (const email of [existing.email, nobody]) {
    await ownerPage.goto('/settings/members');
    await ownerPage.getByLabel('Email').fill(email);
    await ownerPage.getByLabel('Role').selectOption('TECHNICIAN');
    await ownerPage.getByRole('button', { name: 'Send invitation' }).click();
    await expect(ownerPage.getByRole('status')).toContainText(`Invitation mailed to ${email}`);
  }
  const existingLink = await mailedLink(existing.email, INVITE_LINK);
  const nobodyLink = await mailedLink(nobody, INVITE_LINK);

  // Signed out, both invitation pages read the same, and neither has a password field.
  const visitor = await (await browser.newContext()).newPage();
  const errors = watchConsole(visitor);
  await visitor.goto(existingLink);
  const a = await textWithout(visitor, existing.email);
  await expect(visitor.locator('input[type=password]')).toHaveCount(0);
  await visitor.goto(nobodyLink);
  const b = await textWithout(visitor, nobody);
  await expect(visitor.locator('input[type=password]')).toHaveCount(0);
  expect(a.replace(`Probe ${stamp}`, '')).toBe(b.replace(`Probe ${stamp}`, ''));

  // The create-account step never checks the existing account's password: 20 guesses, then the
  // right one, all get the same "sign in" answer and nobody is signed in.
  await visitor.goto(existingLink);
  await visitor.getByRole('link', { name: 'Create an account' }).click();
  const answers = new Set<string>();
  for (const password of [
    ...Array.from({ length: 20 }, (_, i) => `wrong guess ${i} long`),
    existing.password,
  ]) {
    await visitor.getByLabel('Your name').fill('Guesser');
    await visitor.getByLabel('Choose a password').fill(password);
    await visitor.getByRole('button', { name: 'Create account and join' }).click();
    const alert = visitor.getByText(/already has an account/);
    await expect(alert).toBeVisible();
    answers.add(await alert.innerText());
  }
  expect(answers.size).toBe(1);
  await visitor.goto('/dashboard');
  await expect(visitor).toHaveURL(/\/sign-in/);

  // Accepting takes a real sign-in as the invitee (with its throttling), then one click.
  await visitor.goto(existingLink);
  await visitor.getByRole('link', { name: 'Sign in to accept' }).click();
  await visitor.getByLabel('Email').fill(existing.email);
  await visitor.getByLabel('Password').fill(existing.password);
  await visitor.getByRole('button', { name: 'Sign in' }).click();
  await expect(visitor).toHaveURL(new RegExp(`${existingLink}$`));
  await visitor.getByRole('button', { name: `Accept as ${existing.email}` }).click();
  await expect(visitor).toHaveURL(/\/dashboard/);
  await visitor.goto(existingLink);
  await expect(visitor.getByText('This invitation cannot be used')).toBeVisible();
  expect(errors.filter((e) => !e.includes('/api/auth/'))).toEqual([]);

  // The owner signed in as someone else cannot accept an invitation meant for another address.
  await ownerPage.goto(nobodyLink);
  await expect(ownerPage.getByText(`You are signed in as ${ownerEmail}`)).toBeVisible();
  await expect(ownerPage.getByRole('button', { name: /Accept as/ })).toHaveCount(0);
});

test('a stranger cannot lock a person out, X-Forwarded-For is not believed, and concurrent guesses all count', async ({
  browser,
}) => {
  const victim = demoLogin('admin@acme.test');
  // The stranger at 127.0.0.2 guesses, and pretends (X-Forwarded-For) to be somewhere else each time.
  const answers: string[] = [];
  for (let i = 0; i < 6; i++)
    answers.push(
      await httpSignIn(victim.email, `wrong guess ${i} long`, '127.0.0.2', {
        'x-forwarded-for': `198.51.100.${i}`,
      }),
    );
  expect(answers).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked', 'locked']);
  // Locked means locked for that client, even with the right password...
  expect(await httpSignIn(victim.email, victim.password, '127.0.0.2')).toBe('locked');
  // ...but the person, from their own address, signs in: in the browser and over HTTP.
  const page = await (await browser.newContext()).newPage();
  await signIn(page, victim.email, victim.password);
  expect(await httpSignIn(victim.email, victim.password, '127.0.0.3')).toBe('ok');

  // Ten guesses at once from one address: each one counts, so the address is locked afterwards.
  const stamp = Date.now().toString(36);
  const target = `target-${stamp}@probe.test`;
  const owner = await (await browser.newContext()).newPage();
  await signUpMsp(owner, {
    mspName: `Target ${stamp}`,
    name: 'T',
    email: target,
    password: 'target password 1',
  });
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => httpSignIn(target, `concurrent guess ${i}`, '127.0.0.4')),
  );
  expect(await httpSignIn(target, 'target password 1', '127.0.0.4')).toBe('locked');
  expect(await httpSignIn(target, 'target password 1', '127.0.0.5')).toBe('ok');
});

test('a password reset ends the sessions signed in before it', async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const email = `reset-${stamp}@probe.test`;
  const old = await (await browser.newContext()).newPage();
  await signUpMsp(old, { mspName: `Reset ${stamp}`, name: 'R', email, password: 'first password 1' });
  await old.goto('/settings/members');
  await expect(old.getByRole('heading', { name: 'Members', exact: true })).toBeVisible();

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto('/forgot-password');
  await fresh.getByLabel('Email').fill(email);
  await fresh.getByRole('button', { name: 'Send reset link' }).click();
  await fresh.goto(await mailedLink(email, /http:\/\/\S+\/reset-password\/[A-Za-z0-9_-]{43}/));
  await fresh.getByLabel(/New password/).fill('second password 2');
  await fresh.getByRole('button', { name: 'Set new password' }).click();
  await expect(fresh).toHaveURL(/\/sign-in/);

  // The old browser still holds its cookie; the next request finds it stale and signs it out.
  await old.goto('/dashboard');
  await expect(old).toHaveURL(/\/sign-in/);
  await signIn(fresh, email, 'second password 2');
});

test('sign-up and password reset answer the same for known and unknown addresses', async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const known = demoLogin('tech@demo-msp.test').email;
  const unknown = `fresh-${stamp}@probe.test`;
  const page = await (await browser.newContext()).newPage();
  const texts: string[] = [];
  for (const email of [known, unknown]) {
    await page.goto('/sign-up');
    await page.getByLabel('MSP name').fill(`Same ${stamp}`);
    await page.getByLabel('Your name').fill('S');
    await page.getByLabel('Work email').fill(email);
    await page.getByRole('button', { name: 'Create MSP workspace' }).click();
    await expect(page.getByRole('status')).toBeVisible();
    texts.push(await page.locator('main').innerText());
  }
  expect(texts[0]).toBe(texts[1]);
  // Only the mailboxes differ: a note to the account owner, a link to the newcomer.
  await expect
    .poll(async () => (await mails()).some((m) => m.to.includes(unknown) && m.text.includes('/sign-up/')))
    .toBe(true);
  await expect
    .poll(async () =>
      (await mails()).some((m) => m.to.includes(known) && m.text.includes('already has an account')),
    )
    .toBe(true);

  const resets: string[] = [];
  for (const email of [known, unknown]) {
    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('status')).toBeVisible();
    resets.push(await page.locator('main').innerText());
  }
  expect(resets[0]).toBe(resets[1]);
});

test('documents carry a nonce-based Content-Security-Policy, and pages still work under it', async ({
  page,
}) => {
  const errors = watchConsole(page);
  const res = await page.goto('/sign-in');
  const csp = res!.headers()['content-security-policy']!;
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  // Every inline script Next rendered carries this request's nonce.
  const scripts = await page
    .locator('script')
    .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n === nonce)).toBe(true);
  // A second request gets another nonce.
  const again = await page.request.get('/sign-in');
  expect(again.headers()['content-security-policy']).not.toContain(nonce);
  // No HSTS on plain http (it is sent when AUTH_URL is https, see security-headers.test.ts).
  expect(res!.headers()['strict-transport-security']).toBeUndefined();
  // The page works: hydrated client code signs in.
  const owner = demoLogin('owner@demo-msp.test');
  await signIn(page, owner.email, owner.password);
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('alert fields holding script render as text under the CSP, on the incident list and page', async ({
  page,
}) => {
  const errors = watchConsole(page);
  const owner = demoLogin('owner@demo-msp.test');
  await signIn(page, owner.email, owner.password);
  await page.goto('/settings/keys');
  const picker = page.getByLabel('Company', { exact: true });
  const acme = await picker.locator('option', { hasText: 'Acme Manufacturing' }).getAttribute('value');
  await picker.selectOption(acme!);
  await page.getByLabel('Key name').fill('e2e-xss');
  const form = page.getByRole('form', { name: 'Create API key' });
  await form.getByLabel('Unsigned sender').check();
  await form.getByRole('button', { name: 'Create API key' }).click();
  const key = await page.getByLabel('API key e2e-xss').inputValue();
  expect(key).toMatch(/^awk_/);

  const tag = `xss${Date.now().toString(36)}`;
  const script = `<script>window.__pwned=1</script>`;
  const img = `<img src=x onerror="window.__pwned=2">`;
  const res = await fetch(new URL('/api/v1/alerts', BASE), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      asset: `${tag}${img}`,
      signature: `${tag}_sig`,
      severity: 'high',
      summary: `${tag} ${script}${img}`,
      labels: { note: `${script}'); DROP TABLE "Alert"; --` },
    }),
  });
  expect(res.status).toBe(202);

  // The incident appears once correlation has decided the alert (the board is searched by the tag).
  const title = `${tag} ${script}${img}`;
  const link = page.getByRole('link', { name: title });
  await expect(async () => {
    await page.goto('/dashboard');
    await page.getByLabel('Search').fill(tag);
    await expect(link).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 45_000 });
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await link.click();
  await expect(page).toHaveURL(/\/incidents\//);
  await expect(page.getByText(title).first()).toBeVisible();
  // The markup is text: no element was made from it and nothing ran.
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  const csp = (await page.request.get(page.url())).headers()['content-security-policy']!;
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(errors).toEqual([]);
});
