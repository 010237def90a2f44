// Threshold rules over the current snapshots. A crossed rule becomes an alert in the normal
// ingestion path (a PENDING row in "Alert" handed to correlation, source PATCH_COMPLIANCE with the
// label source=patch-compliance, asset = node, signature = the rule); when the condition clears, the
// same identity is sent RESOLVED. Nothing is sent while the state is unchanged.
import { createHash } from 'node:crypto';
import { now, type ComplianceDeps } from './deps.ts';
import { computeFigures } from './figures.ts';
import { currentSnapshots } from './queries.ts';
import { settingsOf } from './settings.ts';

export const RULES = {
  belowThreshold: 'patch_compliance_below_threshold',
  criticalMissing: 'patch_critical_missing',
  staleScan: 'patch_scan_stale',
} as const;

interface Condition {
  asset: string;
  signature: string;
  severity: 'HIGH' | 'MEDIUM' | 'LOW';
  summary: string;
  labels: Record<string, string>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The company-wide rule's asset: the fleet, not one node. */
export const FLEET_ASSET = 'patch-fleet';

/** When each node's critical patches began to be missing without a break (from its snapshots). */
async function criticalSince(deps: ComplianceDeps, companyId: string, instanceIds: string[]) {
  const rows = await deps.prisma.patchComplianceSnapshot.findMany({
    where: { companyId, instanceId: { in: instanceIds }, sync: { status: 'SUCCEEDED' } },
    orderBy: { capturedAt: 'desc' },
    select: { instanceId: true, capturedAt: true, criticalMissing: true },
  });
  const since = new Map<string, Date>();
  const broken = new Set<string>();
  for (const r of rows) {
    if (broken.has(r.instanceId)) continue;
    if (r.criticalMissing > 0) since.set(r.instanceId, r.capturedAt);
    else broken.add(r.instanceId);
  }
  return since;
}

/** The conditions that hold now for the company (empty when no rule is set or no sync yet). */
export async function conditions(deps: ComplianceDeps, companyId: string): Promise<Condition[]> {
  const settings = await settingsOf(deps.prisma, companyId);
  const current = await currentSnapshots(deps.prisma, companyId);
  if (!current) return [];
  const at = now(deps);
  const out: Condition[] = [];
  const label = (rule: string, instanceId?: string) => ({
    source: 'patch-compliance',
    rule,
    ...(instanceId ? { instance_id: instanceId } : {}),
  });
  if (settings.minCompliancePercent !== null) {
    const f = computeFigures(current.rows, { now: at, staleAfterDays: settings.staleAfterDays });
    if (f.compliancePercent !== null && f.compliancePercent < settings.minCompliancePercent)
      out.push({
        asset: FLEET_ASSET,
        signature: RULES.belowThreshold,
        severity: 'MEDIUM',
        summary: `Patch compliance ${f.compliancePercent}% is below ${settings.minCompliancePercent}%`,
        labels: label(RULES.belowThreshold),
      });
  }
  if (settings.criticalMissingDays !== null) {
    const withCritical = current.rows.filter((r) => r.scanned && r.criticalMissing > 0);
    const since = await criticalSince(
      deps,
      companyId,
      withCritical.map((r) => r.instanceId),
    );
    for (const r of withCritical) {
      const from = since.get(r.instanceId) ?? r.capturedAt;
      if (at.getTime() - from.getTime() > settings.criticalMissingDays * 86_400_000)
        out.push({
          asset: r.instanceId,
          signature: RULES.criticalMissing,
          severity: 'HIGH',
          summary: `${r.criticalMissing} critical patch(es) missing on ${r.nodeName ?? r.instanceId} since ${from.toISOString()}`,
          labels: label(RULES.criticalMissing, r.instanceId),
        });
    }
  }
  if (settings.alertOnStale) {
    const staleBefore = at.getTime() - settings.staleAfterDays * 86_400_000;
    for (const r of current.rows)
      if (!r.scanned || !r.operationEndedAt || r.operationEndedAt.getTime() < staleBefore)
        out.push({
          asset: r.instanceId,
          signature: RULES.staleScan,
          severity: 'LOW',
          summary: r.scanned
            ? `Last patch scan of ${r.nodeName ?? r.instanceId} is older than ${settings.staleAfterDays} days`
            : `${r.nodeName ?? r.instanceId} has never been scanned by Patch Manager`,
          labels: label(RULES.staleScan, r.instanceId),
        });
  }
  return out;
}

/** Raises alerts for new conditions and resolves the ones that cleared. Returns what it sent. */
export async function evaluateThresholds(
  deps: ComplianceDeps,
  companyId: string,
): Promise<{ fired: string[]; resolved: string[] }> {
  const company = await deps.prisma.company.findUniqueOrThrow({
    where: { id: companyId },
    select: { mspId: true },
  });
  const holding = await conditions(deps, companyId);
  // The last status sent per identity (asset + signature) by this source.
  const { rows: last } = await deps.pool.query<{
    asset: string;
    signature: string;
    status: string;
    labels: Record<string, string>;
  }>(
    `SELECT DISTINCT ON (asset, signature) asset, signature, status::text AS status, labels
       FROM "Alert" WHERE "companyId" = $1 AND source = 'PATCH_COMPLIANCE'
      ORDER BY asset, signature, id DESC`,
    [companyId],
  );
  const firing = new Map(
    last.filter((l) => l.status === 'FIRING').map((l) => [`${l.asset}|${l.signature}`, l]),
  );
  const sends: (Condition & { status: 'FIRING' | 'RESOLVED' })[] = [];
  for (const c of holding)
    if (!firing.has(`${c.asset}|${c.signature}`)) sends.push({ ...c, status: 'FIRING' });
  const holdingKeys = new Set(holding.map((c) => `${c.asset}|${c.signature}`));
  for (const [key, l] of firing)
    if (!holdingKeys.has(key))
      sends.push({
        asset: l.asset,
        signature: l.signature,
        severity: 'LOW',
        summary: `Cleared: ${l.signature} on ${l.asset}`,
        labels: l.labels,
        status: 'RESOLVED',
      });
  if (!sends.length) return { fired: [], resolved: [] };
  const at = now(deps).toISOString();
  const ids: bigint[] = [];
  for (const s of sends) {
    const fingerprint = sha256(`PATCH_COMPLIANCE\n${s.asset}\n${s.signature}`);
    const dedupKey = sha256(`${fingerprint}\n${s.status}\n${at}`);
    const { rows } = await deps.pool.query<{ id: string }>(
      `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, service, summary,
              severity, status, "occurredAt", "receivedAt", labels, annotations, raw, decision)
       VALUES ($1, $2, 'PATCH_COMPLIANCE', $3, $4, $5, $6, 'patch-compliance', $7, $8::"Severity", $9::"AlertStatus",
              $10::timestamptz AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', $11::jsonb, '{}', $12::jsonb, 'PENDING')
       ON CONFLICT ("companyId", "dedupKey", "occurredAt") DO NOTHING RETURNING id::text AS id`,
      [
        company.mspId,
        companyId,
        fingerprint,
        dedupKey,
        s.asset,
        s.signature,
        s.summary,
        s.severity,
        s.status,
        at,
        JSON.stringify(s.labels),
        JSON.stringify({ rule: s.signature, asset: s.asset, status: s.status }),
      ],
    );
    if (rows[0]) ids.push(BigInt(rows[0].id));
  }
  if (ids.length) await deps.alertsStored?.([{ companyId, alertIds: ids }]);
  return {
    fired: sends.filter((s) => s.status === 'FIRING').map((s) => `${s.asset}|${s.signature}`),
    resolved: sends.filter((s) => s.status === 'RESOLVED').map((s) => `${s.asset}|${s.signature}`),
  };
}
