// Bounded correlation work per company. A batch decides alerts until its time budget is spent; the
// rest stays PENDING for the company's next turn (other companies go first, see worker.ts). An
// alert whose decision throws, or whose decision alone overruns `alertLimitMs`, is a DecisionFailure:
// the batch rolls back, the attempt is counted on the alert, and at `maxAttempts` the alert is
// marked FAILED with the reason, so no sweep picks it again and the alerts behind it move on.
import type pg from 'pg';
import { decideAlert, type EngineContext } from '../engine/pipeline.ts';
import type { CorrelationState } from '../engine/state.ts';
import type { AlertDecisionOut, EngineAlert } from '../engine/types.ts';
import { q } from './sql.ts';

export interface DecisionBudget {
  /** Time a batch may spend deciding, ms (checked after each alert). Default 250. */
  budgetMs: number;
  /**
   * Time one decision may take, ms, before it counts as a failed attempt. Default 2000: RE2 costs
   * microseconds per match, so a legitimate decision (many inhibition sources) can outlast the
   * batch budget without being poisoned.
   */
  alertLimitMs: number;
  /** Failed attempts after which an alert is marked FAILED. Default 3. */
  maxAttempts: number;
  /** Monotonic clock in ms (tests inject one). */
  now: () => number;
  /** The decision function (tests inject one that throws). */
  decide: typeof decideAlert;
}

export const DEFAULT_BUDGET: DecisionBudget = {
  budgetMs: 250,
  alertLimitMs: 2000,
  maxAttempts: 3,
  now: () => performance.now(),
  decide: decideAlert,
};

/** One alert could not be decided; the batch is rolled back and the attempt recorded. */
export class DecisionFailure extends Error {
  constructor(
    readonly alertId: bigint,
    readonly reason: string,
  ) {
    super(`alert ${alertId}: ${reason}`);
  }
}

/**
 * Decides `alerts` in order until the budget is spent. Returns the decisions made; the alerts
 * after them are left for the next turn. Throws DecisionFailure for an alert that throws or that
 * alone takes longer than `alertLimitMs`.
 */
export function decideWithinBudget(
  state: CorrelationState,
  alerts: EngineAlert[],
  ctx: EngineContext,
  b: DecisionBudget,
): AlertDecisionOut[] {
  const out: AlertDecisionOut[] = [];
  const start = b.now();
  for (const a of alerts) {
    const t0 = b.now();
    try {
      out.push(b.decide(state, a, ctx));
    } catch (e) {
      throw new DecisionFailure(a.id, `decision threw: ${(e as Error)?.message ?? String(e)}`.slice(0, 500));
    }
    const took = b.now() - t0;
    if (took > b.alertLimitMs)
      throw new DecisionFailure(
        a.id,
        `decision took ${Math.round(took)} ms, over the ${b.alertLimitMs} ms limit for one alert`,
      );
    if (b.now() - start >= b.budgetMs) break;
  }
  return out;
}

export interface FailureRecord {
  alertId: bigint;
  attempts: number;
  failed: boolean;
  reason: string;
}

/**
 * Counts a failed attempt on the alert (still PENDING) and marks it FAILED once `maxAttempts`
 * is reached. Runs after the batch rolled back, in its own statement.
 */
export async function recordFailure(
  pool: pg.Pool,
  companyId: string,
  f: DecisionFailure,
  maxAttempts: number,
): Promise<FailureRecord | null> {
  const r = await q<{ attempts: number; decision: string }>(
    pool,
    `UPDATE "Alert" SET "decisionAttempts" = "decisionAttempts" + 1,
            decision = CASE WHEN "decisionAttempts" + 1 >= $3 THEN 'FAILED'::"AlertDecision" ELSE decision END,
            "decisionReason" = jsonb_build_object('stage', 'failed', 'rule', 'decision-failed',
              'explanation', $4::text, 'attempts', "decisionAttempts" + 1, 'key', NULL, 'incidentId', NULL, 'window', NULL),
            "decidedAt" = CASE WHEN "decisionAttempts" + 1 >= $3 THEN now() ELSE NULL END
      WHERE id = $1::bigint AND "companyId" = $2::uuid AND decision = 'PENDING'
      RETURNING "decisionAttempts" AS attempts, decision::text AS decision`,
    [f.alertId.toString(), companyId, maxAttempts, f.reason],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { alertId: f.alertId, attempts: row.attempts, failed: row.decision === 'FAILED', reason: f.reason };
}
