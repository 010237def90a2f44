// The tRPC router convention (docs/DEVELOPMENT.md): one directory per domain under routers/, mounted
// in root.ts under the directory's name; one procedure per file, `<verb-noun>.ts` exporting
// `<verbNoun>Procedure` (and its `Z<Name>` schemas), mapped in the directory's router.ts under
// `<verbNoun>`; router.ts only maps. A nested group (`aws.activations.*`) is a sub-directory with its own
// router.ts, mounted in its parent's router.ts under the sub-directory's name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROUTERS = import.meta.dirname;
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** Files beside the procedures that are not procedures. */
const SUPPORT = new Set(['router.ts', 'schemas.ts', 'access.ts']);
const subdirs = (dir: string) =>
  readdirSync(path.join(ROUTERS, dir)).filter((d) => statSync(path.join(ROUTERS, dir, d)).isDirectory());
const domains = subdirs('');
/** Every router directory: the domains and, below them, their nested groups (`aws/activations`). */
const routerDirs = (dir: string): string[] => [
  dir,
  ...subdirs(dir).flatMap((d) => routerDirs(`${dir}/${d}`)),
];
const allDirs = domains.flatMap(routerDirs);
const read = (...p: string[]) => readFileSync(path.join(ROUTERS, ...p), 'utf8');

function procedureFiles(domain: string) {
  return readdirSync(path.join(ROUTERS, domain)).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !SUPPORT.has(f),
  );
}

/** Why a procedure file breaks the convention, or null. */
function violation(domain: string, file: string): string | null {
  const want = `${camel(file.replace(/\.ts$/, ''))}Procedure`;
  // A procedure's own zod schemas (`Z<Name>`) may be exported beside it.
  const exported = [...read(domain, file).matchAll(/^export const (\w+)/gm)]
    .map((m) => m[1]!)
    .filter((n) => !/^Z[A-Z]/.test(n));
  if (exported.length !== 1 || exported[0] !== want)
    return `${domain}/${file} exports ${exported.join(', ') || 'nothing'}, expected only ${want}`;
  const key = want.replace(/Procedure$/, '');
  if (!new RegExp(`\\b${key}: ${want}\\b`).test(read(domain, 'router.ts')))
    return `${domain}/router.ts does not map ${key}: ${want}`;
  return null;
}

describe('tRPC router convention', () => {
  it('mounts every domain directory under its own name, and nothing else', () => {
    const root = readFileSync(path.join(ROUTERS, '../root.ts'), 'utf8');
    const mounted = [...root.matchAll(/^ {2}(\w+): (\w+)Router,$/gm)].map((m) => [m[1], m[2]]);
    expect(mounted.every(([key, name]) => key === name)).toBe(true);
    expect(mounted.map(([key]) => key).sort()).toEqual(domains.map(camel).sort());
    for (const d of domains) expect(root).toContain(`from './routers/${d}/router'`);
    const loose = readdirSync(ROUTERS).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(loose).toEqual([]);
  });

  it('has one procedure per file, named after the file and mapped under that name', () => {
    const problems = allDirs
      .flatMap((d) => procedureFiles(d).map((f) => violation(d, f)))
      .filter((v) => v !== null);
    expect(problems).toEqual([]);
  });

  it("mounts every nested group in its parent router.ts under the group directory's name", () => {
    for (const d of allDirs)
      for (const sub of subdirs(d)) {
        const name = `${camel(sub)}Router`;
        expect(read(d, 'router.ts')).toMatch(new RegExp(`\\b${camel(sub)}: ${name}\\b`));
        expect(read(d, 'router.ts')).toContain(`import { ${name} } from './${sub}/router'`);
      }
  });

  it('keeps router.ts to mapping: it defines no procedure', () => {
    for (const d of allDirs)
      expect(read(d, 'router.ts')).not.toMatch(/protectedProcedure|publicProcedure|\.query\(|\.mutation\(/);
  });
});
