// Runs the verification example of docs/NOTIFICATIONS.md against a delivery signed by our sender.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webhookRequest } from './channels/webhook.ts';
import type { TMessage } from './types.ts';

const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/NOTIFICATIONS.md'), 'utf8');
const code = /<!-- verify-example -->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];

type Verify = (
  raw: Buffer | string,
  headers: Record<string, string>,
  secret: string,
  now?: number,
) => boolean;

describe('docs/NOTIFICATIONS.md: the outbound webhook verification example', () => {
  it('accepts our signed body and refuses a tampered, stale or wrongly keyed one', async () => {
    expect(code).toBeTruthy();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'aw-doc-')), 'verify.mjs');
    writeFileSync(file, code!);
    const { verifyAlertWhisperer } = (await import(pathToFileURL(file).href)) as {
      verifyAlertWhisperer: Verify;
    };
    const m: TMessage = {
      trigger: 'incident.opened',
      title: 'New incident: disk_full on db-01',
      text: 'x',
      companyId: 'c',
      companyName: 'Acme',
      key: 'k',
      at: '2026-11-30T15:00:00.000Z',
    };
    const now = 1_795_000_000;
    const secret = 'whsec_docs_example_secret';
    const req = await webhookRequest(m, secret, now);
    const headers = { 'x-timestamp': req.headers['X-Timestamp'], 'x-signature': req.headers['X-Signature'] };
    expect(verifyAlertWhisperer(Buffer.from(req.body), headers, secret, now)).toBe(true);
    expect(verifyAlertWhisperer(req.body, headers, secret, now + 299)).toBe(true);
    expect(verifyAlertWhisperer(req.body.replace('Acme', 'Acne'), headers, secret, now)).toBe(false);
    expect(verifyAlertWhisperer(req.body, headers, secret, now + 301)).toBe(false);
    expect(verifyAlertWhisperer(req.body, headers, 'another-secret', now)).toBe(false);
    expect(verifyAlertWhisperer(req.body, { 'x-timestamp': headers['x-timestamp'] }, secret, now)).toBe(
      false,
    );
  });
});
