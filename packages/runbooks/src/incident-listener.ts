// The correlation hook for a whole turn of incident events (the worker hands them over at once).
// Most companies have no AUTO or APPROVAL policy: one query for the batch finds the companies that
// do, and only their incidents go through `onIncidentChanged`. That reads the incident's current
// state (not the event's), so one call per incident is what one call per event was: an incident
// whose events are all RESOLVED ones is skipped, as `onIncidentChanged` itself does.
import type { RunbookDeps } from './deps.ts';
import { onIncidentChanged } from './executions.ts';
import type { RunbookExecution } from '@aw/db';

export async function onIncidentsChanged(
  deps: RunbookDeps,
  events: { incidentId: string; companyId: string; status: string }[],
): Promise<RunbookExecution[]> {
  const open = events.filter((e) => e.status !== 'RESOLVED');
  if (!open.length) return [];
  const withPolicies = await deps.prisma.runbookPolicy.findMany({
    where: {
      companyId: { in: [...new Set(open.map((e) => e.companyId))] },
      enabled: true,
      mode: { in: ['AUTO', 'APPROVAL'] },
    },
    select: { companyId: true },
    distinct: ['companyId'],
  });
  if (!withPolicies.length) return [];
  const companies = new Set(withPolicies.map((p) => p.companyId));
  const seen = new Set<string>();
  const out: RunbookExecution[] = [];
  for (const e of open) {
    if (!companies.has(e.companyId) || seen.has(e.incidentId)) continue;
    seen.add(e.incidentId);
    out.push(...(await onIncidentChanged(deps, e)));
  }
  return out;
}
