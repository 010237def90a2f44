// npm run db:migrate -- <name> | db:deploy | db:status | db:reset
// Works on DATABASE_URL, or on the embedded server when it is unset.
import { ensureDatabase } from '../launcher.ts';
import { createMigration, deployMigrations, migrationStatus, resetDatabase } from './ops.ts';

const [command, name] = process.argv.slice(2);
process.env.CHECKPOINT_DISABLE = '1';

async function main(): Promise<number> {
  const db = await ensureDatabase(process.env, { migrate: false });
  const where = db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL';
  try {
    switch (command) {
      case 'deploy': {
        const applied = await deployMigrations(db.url);
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s) on ${where}: ${applied.join(', ')}`
            : `No pending migrations on ${where}.`,
        );
        return 0;
      }
      case 'status': {
        const s = await migrationStatus(db.url);
        console.log(`Database: ${where}`);
        console.log(`Applied migrations (${s.applied.length}):`);
        for (const m of s.applied) console.log(`  ✓ ${m}`);
        if (s.pending.length)
          console.log(`Pending (${s.pending.length}):\n${s.pending.map((m) => `  … ${m}`).join('\n')}`);
        if (s.failed.length) console.log(`Failed: ${s.failed.join(', ')}`);
        if (s.edited.length) console.log(`Edited after being applied: ${s.edited.join(', ')}`);
        if (!s.pending.length && !s.failed.length) console.log('Database schema is up to date.');
        return s.failed.length || s.pending.length ? 1 : 0;
      }
      case 'migrate': {
        if (!name) {
          console.error('usage: npm run db:migrate -- <name>');
          return 2;
        }
        const created = await createMigration(db.url, name);
        console.log(
          created
            ? `Created prisma/migrations/${created}/migration.sql`
            : 'Schema unchanged: no migration created.',
        );
        const applied = await deployMigrations(db.url);
        if (applied.length) console.log(`Applied on ${where}: ${applied.join(', ')}`);
        return 0;
      }
      case 'reset': {
        const applied = await resetDatabase(db.url);
        console.log(`Reset ${where}; applied ${applied.length} migration(s).`);
        return 0;
      }
      default:
        console.error('usage: cli.ts migrate <name> | deploy | status | reset');
        return 2;
    }
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
