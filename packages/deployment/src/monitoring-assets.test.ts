// deploy/: the Prometheus rules pass `promtool check rules` and their own `promtool test rules`,
// and every metric the dashboard or the rules name is one the app exports (a renamed metric would
// otherwise leave a silent, empty panel or an alert that can never fire).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAppMetrics } from '@aw/observability';

const DEPLOY = path.resolve(import.meta.dirname, '../../../deploy');
const RULES = path.join(DEPLOY, 'prometheus', 'alert-whisperer-rules.yaml');
const RULE_TESTS = path.join(DEPLOY, 'prometheus', 'alert-whisperer-rules.test.yaml');
const DASHBOARD = path.join(DEPLOY, 'grafana', 'alert-whisperer-dashboard.json');

/** Every sample name a scrape of the app can contain (histograms with their _bucket/_sum/_count). */
async function exportedNames(): Promise<Set<string>> {
  const m = createAppMetrics({ defaults: true });
  m.attachDatabase({ query: async () => ({ rows: [] }) });
  const names = new Set<string>();
  for (const line of (await m.render()).split('\n')) {
    const t = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!t) continue;
    names.add(t[1]!);
    if (t[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(t[1]! + s);
    if (t[2] === 'summary') for (const s of ['_sum', '_count']) names.add(t[1]! + s);
  }
  return names;
}

/** The aw_* metric names a PromQL expression reads (recording-rule names use `aw:`). */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  return [...new Set(withoutStrings.match(/\baw_[a-zA-Z0-9_]+/g) ?? [])];
}

function promtool(...args: string[]): string {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed (Debian package prometheus): ${r.error.message}`);
  expect(r.stderr + r.stdout, `promtool ${args.join(' ')}`).toContain('SUCCESS');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('deploy/ monitoring assets', () => {
  it('the alert rules pass promtool check rules', () => {
    expect(promtool('check', 'rules', RULES)).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the alert rules fire in their promtool unit tests (and promtool would catch a wrong one)', () => {
    promtool('test', 'rules', RULE_TESTS);
    // The test file really asserts: a wrong expectation fails.
    const broken = readFileSync(RULE_TESTS, 'utf8').replace(
      "summary: 'Webhook intake answers 503'",
      "summary: 'x'",
    );
    const tmp = path.join(DEPLOY, 'prometheus', `.broken-${process.pid}.test.yaml`);
    execFileSync('sh', ['-c', `cat > ${tmp}`], { input: broken });
    try {
      const r = spawnSync('promtool', ['test', 'rules', tmp], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
    } finally {
      execFileSync('rm', ['-f', tmp]);
    }
  });

  it('every metric the alert rules read is exported by the app', async () => {
    const names = await exportedNames();
    const doc = parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const used = doc.groups.flatMap((g) => g.rules.flatMap((r) => metricsIn(r.expr)));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((n) => !names.has(n))).toEqual([]);
  });

  it('every dashboard query names metrics the app exports', async () => {
    const names = await exportedNames();
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dash.uid).toBe('alert-whisperer');
    expect(dash.panels.length).toBeGreaterThanOrEqual(10);
    for (const p of dash.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        const used = metricsIn(t.expr);
        expect(used.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        expect(
          used.filter((n) => !names.has(n)),
          p.title,
        ).toEqual([]);
      }
    }
    // The figures each have a panel.
    const all = dash.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const m of [
      'aw_ingest_requests_total',
      'aw_ingest_rejections_total',
      'aw_ingest_commit_batch_alerts_bucket',
      'aw_alerts_decided_lag_seconds',
      'aw_jobs',
      'aw_runbook_executions',
      'aw_sse_connections',
    ])
      expect(all).toContain(m);
  });

  it('the name check itself catches a metric the app does not export', async () => {
    const names = await exportedNames();
    expect(metricsIn('sum(rate(aw_ingest_requestz_total[5m]))').filter((n) => !names.has(n))).toEqual([
      'aw_ingest_requestz_total',
    ]);
  });
});
