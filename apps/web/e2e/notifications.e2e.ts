// Notifications end to end on the launcher's demo: an alert correlated by the app process opens an
// incident, the demo MSP's policy delivers it to the in-app demo inbox, a technician acknowledges it
// from the message's signed link (no sign-in needed for the link itself), and the owner adds an email
// channel whose "Send test" reaches the loopback SMTP server.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { dbUrl, demoLogin, mails, signIn, until, watchConsole } from './helpers';

test('an incident reaches the demo inbox; its acknowledge link works once, without sign-in', async ({
  browser,
}) => {
  // The launcher's demo stream has just opened hundreds of incidents: their messages go first.
  test.setTimeout(240_000);
  const db = new pg.Client({ connectionString: dbUrl() });
  await db.connect();
  let incidentId: string;
  try {
    // Let the launcher's demo stream finish first (its marker file), so this alert is not one of hundreds.
    await until(async () => existsSync(path.join(process.env.E2E_DATA_DIR!, 'demo-stream.json')), 180_000);
    const acme = (
      await db.query<{ id: string; mspId: string }>(`SELECT id, "mspId" FROM "Company" WHERE slug = 'acme'`)
    ).rows[0]!;
    // A company of its own: incidents that open together in one company go out as one digest (no
    // acknowledge link), and the demo stream's companies are busy.
    const quiet = (
      await db.query<{ id: string }>(
        `INSERT INTO "Company" ("mspId", name, slug, "awsExternalId", "webhookOnly", "onboardingStep", "updatedAt")
         VALUES ($1, 'Notify Test Co', 'notify-e2e', 'aw-notify-e2e-' || md5(random()::text), true, 'done', now()) RETURNING id`,
        [acme.mspId],
      )
    ).rows[0]!;
    await db.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
              "occurredAt", labels, raw)
       VALUES ($1, $2, 'NATIVE', 'e2e/notify', md5(random()::text), 'acme-notify-01', 'e2e_notify', 'CRITICAL', 'FIRING',
               now(), '{}', '{}')`,
      [acme.mspId, quiet.id],
    );
    const msg = await until(async () => {
      const r = await db.query<{ title: string; body: { message: { incident?: { incidentId: string } } } }>(
        `SELECT title, body FROM "NotificationInboxMessage" WHERE "mspId" = $1 AND title LIKE '%e2e_notify%'`,
        [acme.mspId],
      );
      return r.rows[0];
    }, 180_000);
    incidentId = msg.body.message.incident!.incidentId;
  } finally {
    await db.end();
  }

  const tech = await browser.newPage();
  const errors = watchConsole(tech);
  const t = demoLogin('tech@demo-msp.test');
  await signIn(tech, t.email, t.password);
  await tech.goto('/settings/notifications/inbox');
  const card = tech.getByRole('listitem').filter({ hasText: 'New incident: e2e_notify on acme-notify-01' });
  await expect(card).toBeVisible();
  const ackHref = await card.getByRole('link', { name: 'Acknowledge' }).getAttribute('href');
  expect(ackHref).toMatch(/^\/api\/notifications\/ack\/[0-9a-f-]{36}\.[0-9a-f]{64}$/);

  // The link is the credential: a fresh browser context with no session acknowledges.
  const anon = await browser.newContext();
  const page = await anon.newPage();
  await page.goto(ackHref!);
  await expect(page.getByRole('heading', { name: 'Acknowledge this incident?' })).toBeVisible();
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByRole('heading', { name: 'Acknowledged' })).toBeVisible();
  // Single use.
  const again = await page.goto(ackHref!);
  expect(again!.status()).toBe(410);
  await anon.close();

  await tech.goto(`/incidents/${incidentId}`);
  const timeline = tech.getByRole('list', { name: 'Incident timeline' });
  await expect(timeline.getByText('Acknowledged from a notification link')).toBeVisible();
  await expect(timeline.getByText(/Notified demo_inbox "Demo inbox"/).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('the owner adds an email channel and "Send test" reaches the mailbox', async ({ page }) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/notifications');
  const form = page.getByRole('form', { name: 'Add a channel' });
  await form.getByLabel('Kind').selectOption('EMAIL');
  await form.getByLabel('Name').fill('NOC mail');
  await form.getByLabel('Recipients').fill('noc@e2e.test');
  await form.getByRole('button', { name: 'Add channel' }).click();
  const row = page
    .getByRole('table', { name: 'Notification channels' })
    .getByRole('row')
    .filter({ hasText: 'NOC mail' });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Test sent (1 mail(s)).' })).toBeVisible();
  await until(async () =>
    (await mails()).find((m) => m.to.includes('noc@e2e.test') && m.subject.includes('Test message')),
  );
  // An http:// Teams URL is refused in production with the field named.
  await form.getByLabel('Kind').selectOption('TEAMS');
  await form.getByLabel('Name').fill('bad');
  await form.getByLabel('URL').fill('http://teams.example.com/hook');
  await form.getByRole('button', { name: 'Add channel' }).click();
  await expect(form.getByText('destination URL must use https (got http:)')).toBeVisible();
  // The refused save is the one expected 400 (the browser logs it without the URL).
  expect(
    errors.filter(
      (e) => !e.includes('/api/trpc/notifications.channels.save') && !e.includes('status of 400'),
    ),
  ).toEqual([]);
});
