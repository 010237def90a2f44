import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file: migrations run through our own wasm-engine driver
// (src/migrate/cli.ts), because the CLI's native schema engine cannot be downloaded everywhere.
export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
});
