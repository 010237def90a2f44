// `npm run bench:quality` (`-- --size small` for the CI-sized scenario, `--json` for machine output):
// replays the labelled scenarios (packages/correlation/src/quality) through the engine and the
// situation layer under several configurations and prints, per configuration: incidents,
// situations, items a technician sees (situations + incidents in none), noise reduction by
// incidents and by situations, purity and fragmentation (items per labelled cause). Figures are
// also written to .reports/correlation-quality.json. The thresholds are asserted by
// packages/correlation/src/quality/quality.test.ts on the small scenario (CI).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildScenario, measure, qualityRuns, type QualityResult } from '@aw/correlation/quality';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '7' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = args.size === 'both' ? (['small', 'day'] as const) : ([args.size as 'small' | 'day'] as const);
const report: Record<string, QualityResult[]> = {};

for (const size of sizes) {
  const s = buildScenario(size, Number(args.seed));
  const noise = s.alerts.filter((a) => a.cause === null).length;
  const results = qualityRuns(s).map((r) => measure(s, r));
  report[size] = results;
  if (args.json) continue;
  console.log(
    `\nscenario "${size}": ${s.alerts.length} alerts (${noise} noise), ${s.causes.length} labelled causes`,
  );
  console.log(
    [
      'configuration'.padEnd(36),
      'incidents'.padStart(9),
      'situations'.padStart(10),
      'items'.padStart(7),
      'NR inc %'.padStart(9),
      'NR sit %'.padStart(9),
      'purity %'.padStart(9),
      'frag mean'.padStart(9),
      'frag max'.padStart(8),
    ].join(' '),
  );
  for (const r of results)
    console.log(
      [
        r.name.padEnd(36),
        String(r.incidents).padStart(9),
        String(r.situations).padStart(10),
        String(r.items).padStart(7),
        r.noiseReductionIncidentsPct.toFixed(2).padStart(9),
        r.noiseReductionSituationsPct.toFixed(2).padStart(9),
        r.purityPct.toFixed(2).padStart(9),
        r.fragmentationMean.toFixed(2).padStart(9),
        String(r.fragmentationMax).padStart(8),
      ].join(' '),
    );
  const today = results[0]!;
  const def = results.find((r) => r.name.startsWith('default (kinds'))!;
  console.log('\nper cause (default): items / incidents asset|signature alone needs');
  for (const c of def.causes) {
    const base = today.causes.find((x) => x.cause === c.cause)!;
    console.log(
      `  ${c.cause.padEnd(28)} ${c.items} / ${base.incidents}${c.items <= base.incidents / 4 ? '' : '  (more than a quarter)'}`,
    );
  }
  for (const r of results)
    if (r.hubsSkipped.length)
      console.log(`hubs not used for linking (${r.name}): ${r.hubsSkipped.join(', ')}`);
}

const out = path.resolve(import.meta.dirname, '../../.reports/correlation-quality.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2));
if (args.json) console.log(JSON.stringify(report, null, 2));
else console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
