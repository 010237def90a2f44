// A technician approves a pending runbook on an incident and watches it finish live; the client
// admin of that company sees the same execution read-only. The incident comes from a real alert
// correlated by the app process; the runbook runs through the demo's simulated AWS account.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { dbUrl, demoLogin, signIn, until, watchConsole } from './helpers';

test('a technician approves a pending runbook and watches it heal live; the client admin sees it read-only', async ({
  browser,
}) => {
  const db = new pg.Client({ connectionString: dbUrl() });
  await db.connect();
  let incidentId: string;
  try {
    const acme = (
      await db.query<{ id: string; mspId: string }>(`SELECT id, "mspId" FROM "Company" WHERE slug = 'acme'`)
    ).rows[0]!;
    const runbook = (
      await db.query<{ id: string }>(
        `SELECT id FROM "Runbook" WHERE "mspId" = $1 AND name = 'MSP-ServiceRestart'`,
        [acme.mspId],
      )
    ).rows[0]!;
    await db.query(
      `INSERT INTO "RunbookPolicy" ("mspId", "companyId", "runbookId", signature, mode, parameters, "verifyMinutes", "updatedAt")
       VALUES ($1, $2, $3, 'service_down', 'APPROVAL', '{"ServiceName":"{{labels.service}}"}', 0, now())`,
      [acme.mspId, acme.id, runbook.id],
    );
    // An alert as ingestion stores it (PENDING): the app's correlation sweep picks it up.
    await db.query(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
              "occurredAt", labels, raw)
       VALUES ($1, $2, 'NATIVE', 'e2e/nginx', md5(random()::text), 'acme-db-01', 'service_down', 'HIGH', 'FIRING',
               now(), '{"service":"nginx"}', '{}')`,
      [acme.mspId, acme.id],
    );
    const pending = await until(async () => {
      const r = await db.query<{ incidentId: string; status: string }>(
        `SELECT "incidentId", status FROM "RunbookExecution" WHERE "companyId" = $1 AND "runbookId" = $2`,
        [acme.id, runbook.id],
      );
      return r.rows[0];
    });
    expect(pending.status).toBe('PENDING_APPROVAL');
    incidentId = pending.incidentId;
  } finally {
    await db.end();
  }

  const tech = await browser.newPage();
  const techErrors = watchConsole(tech);
  const t = demoLogin('tech@demo-msp.test');
  await signIn(tech, t.email, t.password);
  await tech.goto(`/incidents/${incidentId}`);
  const execution = tech.getByRole('list', { name: 'Runbook executions' }).getByRole('listitem').first();
  await expect(execution).toContainText('MSP-ServiceRestart');
  await expect(execution.getByTestId('execution-status')).toHaveText('Awaiting approval');
  await expect(execution).toContainText('ServiceName=nginx');
  await execution.getByRole('button', { name: 'Approve and run' }).click();
  // Live: no reload; the status moves through the worker's states to healed.
  await expect(execution.getByTestId('execution-status')).toHaveText('Healed', { timeout: 60_000 });
  await expect(execution).toContainText('asset = name');
  await expect(tech.getByText('Resolved by runbook MSP-ServiceRestart')).toBeVisible();
  expect(techErrors).toEqual([]);

  const client = await (await browser.newContext()).newPage();
  const c = demoLogin('admin@acme.test');
  await signIn(client, c.email, c.password);
  await client.goto(`/incidents/${incidentId}`);
  const seen = client.getByRole('list', { name: 'Runbook executions' }).getByRole('listitem').first();
  await expect(seen.getByTestId('execution-status')).toHaveText('Healed');
  await expect(client.getByText('Read-only: your MSP')).toBeVisible();
  await expect(client.getByRole('button', { name: 'Approve and run' })).toHaveCount(0);
  await expect(client.getByRole('form', { name: 'Run a runbook' })).toHaveCount(0);
});
