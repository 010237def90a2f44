// Browser tests against a production build served by the real launcher (`scripts/start.ts`) on a
// throwaway embedded database. Debian's Chromium; no browser download.
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3917);
// Chosen once in the runner process; workers inherit it through the environment.
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `aw-e2e-${Date.now().toString(36)}`);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR;
// The loopback SMTP server the app mails to, and where tests read what it received (e2e/mail-sink.ts).
const MAIL_SMTP_PORT = E2E_PORT + 41_000;
process.env.E2E_MAIL_URL ??= `http://127.0.0.1:${E2E_PORT + 42_000}/mails`;
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  outputDir: path.join(root, 'test-results', 'web-e2e'),
  reporter: [['list'], ['json', { outputFile: path.join(root, '.reports', 'web-e2e.json') }]],
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  webServer: [
    {
      command: `node ${tsx} ${path.join(import.meta.dirname, 'e2e/mail-sink.ts')}`,
      url: process.env.E2E_MAIL_URL.replace(/mails$/, 'health'),
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      env: { MAIL_SINK_SMTP_PORT: String(MAIL_SMTP_PORT), MAIL_SINK_HTTP_PORT: String(E2E_PORT + 42_000) },
    },
    {
      command: `node ${tsx} ${path.join(root, 'scripts/start.ts')} --no-build`,
      cwd: root,
      url: `http://localhost:${E2E_PORT}/api/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      env: {
        PORT: String(E2E_PORT),
        DATA_DIR: E2E_DATA_DIR,
        EMBEDDED_PG_PORT: String(E2E_PORT + 50_000 - 3000),
        AUTH_URL: `http://localhost:${E2E_PORT}`,
        NEXT_TELEMETRY_DISABLED: '1',
        // Keep browser tests deterministic: no background demo alerts after the initial stream.
        DEMO_LIVE_SECONDS: '0',
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: `smtp://127.0.0.1:${MAIL_SMTP_PORT}`,
        MAIL_FROM: 'Alert Whisperer <aw@e2e.test>',
      },
    },
  ],
});
