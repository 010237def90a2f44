export { createTestDatabase, freePort, startTargets, type PgTarget } from './postgres.ts';
export { startCrashablePostgres, type CrashablePostgres } from './crashable-postgres.ts';
