// The import map of docs/ARCHITECTURE.md is enforced by eslint.config.mjs: each case below lints a
// small file placed (virtually) where the rule applies and asserts the error, so a rule that stops
// biting fails here, and the allowed cases prove the rules do not over-reach.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('the import map (eslint no-restricted-imports)', () => {
  it('keeps the database out of the pure correlation engine', async () => {
    const file = 'packages/correlation/src/engine/fixture.ts';
    for (const spec of ['@aw/db', 'pg', '@prisma/client', '../store/sql.ts', '@aw/ingest'])
      expect(await restricted(file, `import x from '${spec}';\nexport const y = x;\n`)).toEqual([
        expect.stringContaining('The correlation engine is pure'),
      ]);
    expect(
      await restricted(file, `import type { Severity } from '@aw/core/domain';\nexport type S = Severity;\n`),
    ).toEqual([]);
    // The store next to it may use the database.
    expect(
      await restricted(
        'packages/correlation/src/store/fixture.ts',
        `import pg from 'pg';\nexport const p = pg;\n`,
      ),
    ).toEqual([]);
  });

  it('keeps app code out of packages', async () => {
    for (const spec of ['~/lib/format', '@aw/web/src/server/trpc', '../../../apps/web/src/lib/format'])
      expect(
        await restricted('packages/ingest/src/fixture.ts', `import x from '${spec}';\nexport const y = x;\n`),
      ).toEqual([expect.stringContaining('Packages import no app code')]);
    expect(
      await restricted('apps/web/src/fixture.ts', `import x from '~/lib/format';\nexport const y = x;\n`),
    ).toEqual([]);
  });

  it('lets only the launcher and the demo itself import the demo', async () => {
    const demoImport = `import { seedDemo } from '@aw/demo';\nexport const s = seedDemo;\n`;
    for (const file of [
      'apps/web/src/server/fixture.ts',
      'packages/correlation/src/fixture.ts',
      'packages/db/src/fixture.ts',
      'bench/fixture.ts',
      'scripts/fixture.ts',
    ])
      expect(await restricted(file, demoImport)).toEqual([expect.stringContaining('Only the launcher')]);
    expect(
      await restricted('apps/web/src/fixture.ts', `export const d = () => import('@aw/demo');\n`),
    ).toEqual([expect.stringContaining('Only the launcher')]);
    for (const [file, spec] of [
      ['packages/aws/src/fixture.ts', '../../demo/src/aws.ts'],
      ['scripts/fixture.ts', '../packages/demo/src/index.ts'],
    ])
      expect(await restricted(file!, `import x from '${spec}';\nexport const y = x;\n`)).toEqual([
        expect.stringContaining('Only the launcher'),
      ]);
    for (const file of ['scripts/launcher/main.ts', 'scripts/demo-stream.ts', 'packages/demo/src/stream.ts'])
      expect(await restricted(file, demoImport)).toEqual([]);
    // The demo's own files import each other.
    expect(
      await restricted(
        'packages/demo/src/aws.ts',
        `import { seedDemo } from './seed.ts';\nexport const s = seedDemo;\n`,
      ),
    ).toEqual([]);
  });
});
