// The notification settings forms in a browser: the owner builds a three-step escalation (adds
// steps, removes the middle one, adds another), saves it and sees the steps in order; adds an
// on-call override; and a policy with business hours in the company's time zone.
import { expect, test } from '@playwright/test';
import { demoLogin, signIn, watchConsole } from './helpers';

test('multi-step escalation, an on-call override and business hours from the settings forms', async ({
  page,
}) => {
  const errors = watchConsole(page);
  const o = demoLogin('owner@demo-msp.test');
  await signIn(page, o.email, o.password);
  await page.goto('/settings/notifications');

  // A rotation to page: the owner on call from last week.
  const rot = page.getByRole('form', { name: 'Add a rotation' });
  await rot.getByLabel('Rotation name').fill('E2E week');
  await rot.getByRole('checkbox', { name: 'owner@demo-msp.test' }).check();
  await rot.getByLabel('First handoff').fill('2026-11-23T09:00');
  await rot.getByRole('button', { name: 'Add rotation' }).click();
  const rotations = page.getByRole('list', { name: 'On-call rotations' });
  await expect(rotations.getByText('E2E week')).toBeVisible();

  const esc = page.getByRole('form', { name: 'Add an escalation policy' });
  await esc.getByLabel('Escalation name').fill('E2E three steps');
  await esc.getByLabel('Step 1: after (minutes)').fill('5');
  await esc.getByLabel('Step 1: notify').selectOption({ label: 'Channel: Demo inbox' });
  await esc.getByRole('button', { name: 'Add step' }).click();
  await esc.getByLabel('Step 2: after (minutes)').fill('99');
  await esc.getByRole('button', { name: 'Add step' }).click();
  await esc.getByLabel('Step 3: after (minutes)').fill('20');
  await esc.getByLabel('Step 3: notify').selectOption({ label: 'On call: E2E week' });
  // The middle step goes: the last one becomes step 2 and keeps what was entered.
  await esc.getByRole('button', { name: 'Remove step 2' }).click();
  await expect(esc.getByLabel('Step 2: after (minutes)')).toHaveValue('20');
  await expect(esc.getByLabel('Step 3: after (minutes)')).toHaveCount(0);
  await esc.getByRole('button', { name: 'Add step' }).click();
  await esc.getByLabel('Step 3: after (minutes)').fill('45');
  await esc.getByLabel('Step 3: notify').selectOption({ label: 'Channel: Demo inbox' });
  await esc.getByLabel('Repeat (rounds after the last step)').fill('1');
  await esc.getByRole('button', { name: 'Add escalation' }).click();
  await expect(esc.getByText('Escalation saved.')).toBeVisible();
  await expect(
    page
      .getByRole('list', { name: 'Escalation policies' })
      .getByRole('listitem')
      .filter({ hasText: 'E2E three steps' }),
  ).toHaveText(
    'E2E three steps · 1. after 5 min → Demo inbox · 2. after 20 min → on call: E2E week · 3. after 45 min → Demo inbox · repeat 1',
  );

  // An override: the owner covers a future window.
  const ovr = page.getByRole('form', { name: 'Add an on-call override' });
  await ovr.getByLabel('Rotation').selectOption({ label: 'E2E week' });
  await ovr.getByLabel('On call instead').selectOption({ label: 'owner@demo-msp.test' });
  await ovr.getByLabel('From').fill('2030-01-01T08:00');
  await ovr.getByLabel('Until').fill('2030-01-02T08:00');
  await ovr.getByRole('button', { name: 'Add override' }).click();
  await expect(ovr.getByText('Override saved.')).toBeVisible();
  await expect(rotations.getByText(/override: owner@demo-msp\.test from/)).toBeVisible();
  // An override that ends before it starts is refused with the reason, and not listed.
  await ovr.getByLabel('From').fill('2030-02-02T08:00');
  await ovr.getByLabel('Until').fill('2030-02-01T08:00');
  await ovr.getByRole('button', { name: 'Add override' }).click();
  await expect(ovr.getByText(/endsAt must be after startsAt/)).toBeVisible();
  await expect(rotations.getByText(/override:/)).toHaveCount(1);

  // A policy with business hours (weekdays 08:00–18:00, company time zone).
  const pol = page.getByRole('form', { name: 'Add a policy' });
  await pol.getByLabel('Name', { exact: true }).fill('E2E office hours');
  await pol.getByRole('checkbox', { name: 'Demo inbox' }).check();
  for (const d of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])
    await pol.getByRole('checkbox', { name: d, exact: true }).check();
  await pol.getByLabel('Business hours from (HH:MM)').fill('08:00');
  await pol.getByLabel('Business hours until (HH:MM)').fill('18:00');
  await pol.getByLabel('Escalation').selectOption({ label: 'E2E three steps' });
  await pol.getByRole('button', { name: 'Add policy' }).click();
  await expect(pol.getByText('Policy saved.')).toBeVisible();
  const policy = page
    .getByRole('list', { name: 'Notification policies' })
    .getByRole('listitem')
    .filter({ hasText: 'E2E office hours' });
  await expect(policy).toContainText('business hours · escalates');
  // Leave the demo as it was: this policy would hold other tests' messages until Monday 08:00.
  await policy.getByRole('button', { name: 'Delete' }).click();
  await expect(policy).toHaveCount(0);
  // The refused override is the one expected 400.
  expect(
    errors.filter((e) => !e.includes('notifications.oncall.override') && !e.includes('status of 400')),
  ).toEqual([]);
});
