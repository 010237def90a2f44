// Sums the JSON reports in .reports (vitest's and Playwright's) for `npm test`'s closing summary, and
// names each failed test with the first lines of its message: CI keeps only the tail of the log, so
// the summary itself must say which test failed and why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Terminal colour codes (ESC [ … m) in vitest's and Playwright's messages.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const firstLines = (msgs) =>
  (msgs ?? [])
    .join('\n')
    .replace(ANSI, '')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 6)
    .map((l) => `      ${l.slice(0, 300)}`)
    .join('\n');

function playwrightFailures(pkg, suite, trail, out) {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      if (t.status === 'expected' || t.status === 'skipped') continue;
      const last = t.results?.[t.results.length - 1];
      const msg = last?.error?.message ?? last?.errors?.[0]?.message ?? t.status;
      const name = [...trail, spec.title].join(' › ');
      out.push(`  ✗ ${pkg}: ${name} (${spec.file}:${spec.line}, ${t.status})\n${firstLines([msg])}`);
    }
  }
  for (const s of suite.suites ?? []) {
    playwrightFailures(pkg, s, [...trail, s.title].filter(Boolean), out);
  }
}

/** @returns {{ passed: number, failed: number, skipped: number, perPackage: string[], failures: string[] }} */
export function summarize(reportsDir, root) {
  const sum = { passed: 0, failed: 0, skipped: 0, perPackage: [], failures: [] };
  if (!existsSync(reportsDir)) return sum;
  for (const f of readdirSync(reportsDir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const r = JSON.parse(readFileSync(path.join(reportsDir, f), 'utf8'));
    // vitest json and playwright json (stats) reports
    const p = r.numPassedTests ?? r.stats?.expected ?? 0;
    const fl = (r.numFailedTests ?? r.stats?.unexpected ?? 0) + (r.stats?.flaky ?? 0);
    const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) + (r.stats?.skipped ?? 0);
    sum.passed += p;
    sum.failed += fl;
    sum.skipped += s;
    const pkg = f.replace(/\.json$/, '');
    sum.perPackage.push(`${pkg.padEnd(14)} ${p} passed, ${fl} failed${s ? `, ${s} skipped` : ''}`);
    for (const file of r.testResults ?? []) {
      const rel = path.relative(root, file.name ?? '');
      const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
      for (const a of failedTests) {
        sum.failures.push(`  ✗ ${pkg}: ${rel} › ${a.fullName}\n${firstLines(a.failureMessages)}`);
      }
      if (file.status === 'failed' && failedTests.length === 0) {
        sum.failures.push(`  ✗ ${pkg}: ${rel} (failed outside any test)\n${firstLines([file.message])}`);
      }
    }
    for (const suite of r.suites ?? []) playwrightFailures(pkg, suite, [suite.title], sum.failures);
  }
  return sum;
}
