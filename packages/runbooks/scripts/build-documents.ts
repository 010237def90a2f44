// Regenerates src/documents/generated/catalog.ts from documents/: `npm run build:documents -w @aw/runbooks`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderCatalogModule } from '../src/documents/catalog-module.ts';

const out = path.resolve(import.meta.dirname, '../src/documents/generated/catalog.ts');
writeFileSync(out, renderCatalogModule());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
