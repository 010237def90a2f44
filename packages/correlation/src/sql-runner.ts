// One tiny interface for read queries, so KPIs and backtests run on a pg pool (workers, scripts)
// or on the app's Prisma client (tRPC) alike. Parameters: strings/numbers/null; cast in SQL.
import type { PrismaClient } from '@aw/db';
import type pg from 'pg';
import { q } from './store/sql.ts';

export type SqlRunner = <R = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;

export function poolRunner(pool: pg.Pool): SqlRunner {
  return async <R>(text: string, values: unknown[] = []) => (await q(pool, text, values)).rows as R[];
}

export function prismaRunner(prisma: PrismaClient): SqlRunner {
  return async <R>(text: string, values: unknown[] = []) =>
    (await prisma.$queryRawUnsafe(text, ...values)) as R[];
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
