export { createTestDatabase, freePort, startTargets, type PgTarget } from './postgres.ts';
