// The README's configuration table and the schema name the same variables: a variable added to
// one and not the other fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZEnv } from './index.ts';

const README = path.resolve(import.meta.dirname, '../../../README.md');

/** Every `NAME` in the first column of the table under "## Configuration". */
function readmeVariables(md: string): string[] {
  const section = md.slice(md.indexOf('## Configuration'));
  const table = section.slice(section.indexOf('\n|'), section.indexOf('\n## ', 1));
  return table
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
}

describe('README configuration table', () => {
  it('lists exactly the variables of the schema', () => {
    const documented = readmeVariables(readFileSync(README, 'utf8'));
    expect(documented.length).toBeGreaterThan(20);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(ZEnv.shape).sort());
  });

  it('notices a variable missing from the table', () => {
    const md = readFileSync(README, 'utf8').replace(/^\| `INGEST_WORKERS`.*\n/m, '');
    expect(readmeVariables(md)).not.toContain('INGEST_WORKERS');
  });

  it('keeps the product clear of the AWS SDK prefix', () => {
    expect(Object.keys(ZEnv.shape).filter((k) => k.startsWith('AWS_'))).toEqual([]);
  });
});
