// Rewrites the permission table in docs/MULTI_TENANT_ISOLATION.md from the matrix in
// packages/core/src/permissions.ts (between the `permissions:start` / `permissions:end` markers).
// Run: npm run docs:permissions. packages/core/src/permissions.test.ts fails while they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceGenerated } from '../packages/core/src/generated-section.ts';
import { permissionTable } from '../packages/core/src/permissions.ts';

const file = path.resolve(import.meta.dirname, '../docs/MULTI_TENANT_ISOLATION.md');
const before = readFileSync(file, 'utf8');
const after = replaceGenerated(before, 'permissions', permissionTable());
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'permission table is up to date' : `rewrote the permission table in ${file}`);
