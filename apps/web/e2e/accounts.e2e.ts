import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  acceptAsNewAccount,
  artefacts,
  INVITE_LINK,
  mailedLink,
  signIn,
  signUpMsp,
  watchConsole,
} from './helpers';

test('a new MSP signs up, invites a technician who joins, and neither sees the demo MSP', async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const ownerEmail = `owner-${stamp}@newmsp.test`;
  const techEmail = `tech-${stamp}@newmsp.test`;

  const ownerCtx = await browser.newContext();
  const owner = await ownerCtx.newPage();
  const errors = watchConsole(owner);
  await owner.goto('/sign-up');
  await owner.screenshot({ path: path.join(artefacts, 'sign-up.png'), fullPage: true });
  await signUpMsp(owner, {
    mspName: `Northwind IT ${stamp}`,
    name: 'Nora Owner',
    email: ownerEmail,
    password: 'northwind password',
  });
  await expect(owner.getByText(`Northwind IT ${stamp}`)).toBeVisible();
  await expect(owner.getByText('No client companies yet')).toBeVisible();

  await owner.getByRole('link', { name: 'Settings' }).click();
  await owner.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
  await owner.getByLabel('Email').fill(techEmail);
  await owner.getByLabel('Role').selectOption('TECHNICIAN');
  await owner.getByRole('button', { name: 'Send invitation' }).click();
  await expect(owner.getByRole('status')).toContainText(`Invitation mailed to ${techEmail}`);
  // The inviter's page never holds the link: it went to the invitee's mailbox only.
  const link = await mailedLink(techEmail, INVITE_LINK);
  expect(link).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
  expect(await owner.content()).not.toContain(link);
  await owner.screenshot({ path: path.join(artefacts, 'members.png'), fullPage: true });
  expect(errors).toEqual([]);

  const techCtx = await browser.newContext();
  const tech = await techCtx.newPage();
  await acceptAsNewAccount(tech, link, 'Tom Tech', 'tom tech password');
  await expect(tech.getByText(`Northwind IT ${stamp}`)).toBeVisible();
  await expect(tech.getByText('Acme Manufacturing')).toHaveCount(0);

  // the link is single use
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByText('This invitation cannot be used')).toBeVisible();

  // the owner removes the technician: access ends on the next request
  await owner.reload();
  await owner.once('dialog', (d) => d.accept());
  await owner.getByRole('button', { name: `Remove ${techEmail}` }).click();
  await expect(owner.getByRole('button', { name: `Remove ${techEmail}` })).toHaveCount(0);
  await tech.goto('/dashboard');
  await expect(tech).toHaveURL(/\/sign-in/);
  await signIn(again, ownerEmail, 'northwind password');
});
