import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from './domain.ts';
import { readGenerated, replaceGenerated } from './generated-section.ts';
import {
  assertCan,
  can,
  PERMISSIONS,
  permissionsOf,
  permissionTable,
  type Permission,
} from './permissions.ts';

const DOC = path.resolve(import.meta.dirname, '../../../docs/MULTI_TENANT_ISOLATION.md');

/** The doc's table as data: permission → roles marked `yes` (whatever the column padding). */
function parseTable(md: string): Map<string, Role[]> {
  const rows = md
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const [head, sep, ...body] = rows;
  expect(sep!.every((c) => /^-+$/.test(c))).toBe(true);
  const roleCols = head!.slice(2).map((h) => h.replaceAll('`', ''));
  expect(roleCols).toEqual([...ROLES]);
  return new Map(
    body.map((cells) => [
      cells[0]!.replaceAll('`', ''),
      roleCols.filter((_, i) => cells[i + 2] === 'yes') as Role[],
    ]),
  );
}

describe('the permission matrix', () => {
  it('equals the table in docs/MULTI_TENANT_ISOLATION.md, permission by permission and role by role', () => {
    const doc = parseTable(readGenerated(readFileSync(DOC, 'utf8'), 'permissions'));
    expect([...doc.keys()].sort()).toEqual(Object.keys(PERMISSIONS).sort());
    for (const [permission, roles] of doc) {
      for (const role of ROLES) {
        expect({ permission, role, allowed: roles.includes(role) }).toEqual({
          permission,
          role,
          allowed: can(role, permission as Permission),
        });
      }
    }
  });

  it('parses what it generates, so a change to the matrix shows up as a difference', () => {
    const table = parseTable(permissionTable());
    expect(table.get('company.awsRole.set')).toEqual(['OWNER', 'ADMIN', 'CLIENT_ADMIN']);
    const edited = permissionTable().replace(
      /(\| `company\.create` .*?\| yes +\| yes +\|)( +)\|/,
      '$1 yes        |',
    );
    expect(parseTable(edited).get('company.create')).toContain('TECHNICIAN');
  });

  it('follows the document: technicians work incidents but do not change company, keys or AWS set-up', () => {
    for (const p of [
      'company.update',
      'company.webhookOnly.set',
      'company.onboarding.update',
      'company.awsRole.set',
      'activation.create',
      'activation.delete',
      'apiKey.create',
      'signingSecret.reveal',
      'correlation.configure',
    ] as const)
      expect({ p, allowed: can('TECHNICIAN', p) }).toEqual({ p, allowed: false });
    for (const p of ['incident.acknowledge', 'incident.resolve', 'incident.assign', 'incident.note'] as const)
      expect(can('TECHNICIAN', p)).toBe(true);
  });

  it('gives a client viewer nothing and an owner everything', () => {
    expect(permissionsOf('CLIENT_VIEWER')).toEqual([]);
    expect(permissionsOf('OWNER')).toEqual(Object.keys(PERMISSIONS));
  });

  it('assertCan throws FORBIDDEN naming the permission', () => {
    expect(() => assertCan('TECHNICIAN', 'company.awsRole.set')).toThrowError(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('company.awsRole.set') }),
    );
    expect(() => assertCan('ADMIN', 'company.awsRole.set')).not.toThrow();
  });

  it('replaceGenerated keeps the text around the markers', () => {
    const doc = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb';
    expect(replaceGenerated(doc, 'x', 'new')).toBe('a\n<!-- x:start -->\n\nnew\n\n<!-- x:end -->\nb');
    expect(() => readGenerated('no markers', 'x')).toThrow(/not found/);
  });
});
