import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { summarize } from './test-summary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

// Real vitest and Playwright runs (no browser: the Playwright test uses no page) write the reports the
// summary reads, so a change of either report format breaks this test, not a CI log.
describe('npm test summary', () => {
  let dir: string;
  let reports: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aw-summary-'));
    reports = path.join(dir, 'reports');
    mkdirSync(reports);
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    writeFileSync(
      path.join(dir, 'unit.test.mjs'),
      `it('adds', () => expect(1 + 1).toBe(2));
       describe('the queue', () => { it('keeps order', () => expect([2, 1]).toEqual([1, 2])); });`,
    );
    const v = spawnSync(
      bin('vitest'),
      [
        'run',
        '--root',
        dir,
        '--globals',
        '--reporter=json',
        `--outputFile=${path.join(reports, 'unit.json')}`,
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
    );
    expect(v.status, v.stderr).toBe(1);
    writeFileSync(
      path.join(dir, 'browser.spec.mjs'),
      `import { test, expect } from '@playwright/test';
       test.describe('sign-in', () => { test('shows the board', () => expect('login').toBe('board')); });
       test('passes', () => expect(true).toBe(true));`,
    );
    writeFileSync(
      path.join(dir, 'playwright.config.mjs'),
      `export default { testDir: '.', testMatch: /\\.spec\\.mjs$/ };`,
    );
    const p = spawnSync(bin('playwright'), ['test', '--reporter=json', '--config', 'playwright.config.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, 'browser.json') },
    });
    expect(p.status, p.stderr).toBe(1);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts each package and names every failed test with its message', () => {
    const s = summarize(reports, dir);
    expect(s.passed).toBe(2);
    expect(s.failed).toBe(2);
    expect(s.perPackage).toEqual([
      expect.stringMatching(/^browser +1 passed, 1 failed$/),
      expect.stringMatching(/^unit +1 passed, 1 failed$/),
    ]);
    expect(s.failures).toHaveLength(2);
    const [browser, unit] = s.failures as string[];
    expect(browser).toContain('✗ browser: browser.spec.mjs › sign-in › shows the board');
    expect(browser).toContain('Expected: "board"');
    expect(s.failures.join('')).not.toContain(String.fromCharCode(27));
    expect(unit).toContain('✗ unit: unit.test.mjs › the queue keeps order');
    expect(unit).toContain('AssertionError');
  });

  it('reports nothing when no report was written', () => {
    expect(summarize(path.join(dir, 'none'), dir)).toMatchObject({ passed: 0, failed: 0, failures: [] });
  });
});
