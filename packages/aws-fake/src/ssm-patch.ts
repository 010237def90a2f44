// SSM Patch Manager and Compliance reads: DescribeInstancePatchStates, DescribeInstancePatches,
// DescribePatchBaselines, ListComplianceSummaries, ListResourceComplianceSummaries. Every count is
// derived from the node's patch list, so the five answers agree with each other as they do on AWS.
import type { Caller, ServiceContext, SsmInput } from './context.ts';
import type { FakePatch, FakePatchBaseline, FakePatchNode, FakeRegion } from './state.ts';
import { AwsError, paginate, secs, str, validation } from './wire.ts';

const INSTANCE_ID = /^(i-(\w{8}|\w{17}))$|^(mi-\w{17})$/;
const NON_COMPLIANT_STATES = new Set(['MISSING', 'FAILED', 'INSTALLED_PENDING_REBOOT', 'INSTALLED_REJECTED']);
const SECURITY = new Set(['Security', 'SecurityUpdates', 'CriticalUpdates']);

/** Patch severity → compliance severity (the baseline's default mapping). */
export function complianceSeverity(patchSeverity: string): string {
  switch (patchSeverity) {
    case 'Critical':
      return 'CRITICAL';
    case 'Important':
      return 'HIGH';
    case 'Medium':
    case 'Moderate':
      return 'MEDIUM';
    case 'Low':
      return 'LOW';
    default:
      return 'UNSPECIFIED';
  }
}

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNSPECIFIED'];

/** The counts DescribeInstancePatchStates reports for one node. */
export function patchCounts(node: FakePatchNode) {
  const n = (state: FakePatch['State']) => node.patches.filter((p) => p.State === state).length;
  const open = node.patches.filter((p) => NON_COMPLIANT_STATES.has(p.State));
  const critical = open.filter((p) => p.Severity === 'Critical').length;
  const security = open.filter((p) => p.Severity !== 'Critical' && SECURITY.has(p.Classification)).length;
  return {
    InstalledCount: n('INSTALLED'),
    InstalledOtherCount: n('INSTALLED_OTHER'),
    InstalledPendingRebootCount: n('INSTALLED_PENDING_REBOOT'),
    InstalledRejectedCount: n('INSTALLED_REJECTED'),
    MissingCount: n('MISSING'),
    FailedCount: n('FAILED'),
    UnreportedNotApplicableCount: 0,
    NotApplicableCount: n('NOT_APPLICABLE'),
    CriticalNonCompliantCount: critical,
    SecurityNonCompliantCount: security,
    OtherNonCompliantCount: open.length - critical - security,
  };
}

function patchNodes(region: FakeRegion): Record<string, FakePatchNode> {
  region.patchNodes ??= {};
  return region.patchNodes;
}

/** Patch results of the region's live nodes (a deregistered node's results go with it). */
function liveResults(region: FakeRegion): [string, FakePatchNode][] {
  return Object.entries(patchNodes(region))
    .filter(([id]) => region.instances[id])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

export function describeInstancePatchStates(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const { region, any } = scope(svc, caller);
  svc.authorize(caller, 'ssm:DescribeInstancePatchStates', any);
  const ids = input.InstanceIds;
  if (!Array.isArray(ids) || ids.length < 1)
    throw validation('instanceIds', '[]', 'Member must have length greater than or equal to 1');
  if (ids.length > 50)
    throw validation(
      'instanceIds',
      `[${ids.length} items]`,
      'Member must have length less than or equal to 50',
    );
  for (const id of ids)
    if (typeof id !== 'string' || !INSTANCE_ID.test(id))
      throw validation(
        'instanceIds.member',
        id,
        'Member must satisfy regular expression pattern: (^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)',
      );
  const nodes = patchNodes(region);
  // Ids without results (unknown, deregistered, never scanned) are left out, as AWS does.
  const items = [...new Set(ids as string[])]
    .filter((id) => nodes[id] && region.instances[id])
    .map((id) => {
      const node = nodes[id]!;
      return {
        InstanceId: id,
        PatchGroup: node.PatchGroup,
        BaselineId: node.BaselineId,
        SnapshotId: node.SnapshotId,
        ...patchCounts(node),
        OperationStartTime: secs(node.OperationStartTime),
        OperationEndTime: secs(node.OperationEndTime),
        Operation: node.Operation,
        RebootOption: node.Operation === 'Install' ? 'RebootIfNeeded' : 'NoReboot',
      };
    });
  const page = paginate('DescribeInstancePatchStates', items, input, 10, 50, 10);
  return { InstancePatchStates: page.items, NextToken: page.next };
}

const PATCH_FILTERS: Record<string, (p: FakePatch) => string> = {
  Classification: (p) => p.Classification,
  KBId: (p) => p.KBId,
  Severity: (p) => p.Severity,
  State: (p) => p.State,
};
/** The State filter takes the console's spelling (InstalledPendingReboot) as AWS does. */
const STATE_VALUE: Record<string, FakePatch['State']> = {
  Installed: 'INSTALLED',
  InstalledOther: 'INSTALLED_OTHER',
  InstalledPendingReboot: 'INSTALLED_PENDING_REBOOT',
  InstalledRejected: 'INSTALLED_REJECTED',
  Missing: 'MISSING',
  NotApplicable: 'NOT_APPLICABLE',
  Failed: 'FAILED',
};

export function describeInstancePatches(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const { region, any } = scope(svc, caller);
  svc.authorize(caller, 'ssm:DescribeInstancePatches', any);
  const id = str(input.InstanceId);
  if (!INSTANCE_ID.test(id))
    throw validation(
      'instanceId',
      id,
      'Member must satisfy regular expression pattern: (^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)',
    );
  if (!region.instances[id]) throw new AwsError('InvalidInstanceId', `Instance ${id} is not a managed node.`);
  const filters = (input.Filters as { Key: string; Values: string[] }[] | undefined) ?? [];
  if (filters.length > 5) throw validation('filters', '…', 'Member must have length less than or equal to 5');
  for (const f of filters)
    if (!PATCH_FILTERS[f.Key]) throw new AwsError('InvalidFilter', `Filter key ${f.Key} is not supported.`);
  const patches = (patchNodes(region)[id]?.patches ?? []).filter((p) =>
    filters.every((f) => {
      const values = f.Key === 'State' ? f.Values.map((v) => STATE_VALUE[v] ?? v) : f.Values;
      return values.includes(PATCH_FILTERS[f.Key]!(p));
    }),
  );
  const page = paginate('DescribeInstancePatches', patches, input, 10, 100, 10);
  return {
    Patches: page.items.map((p) => ({
      Title: p.Title,
      KBId: p.KBId,
      Classification: p.Classification,
      Severity: p.Severity,
      State: p.State,
      InstalledTime: secs(p.InstalledTime ?? 0),
      ...(p.CVEIds ? { CVEIds: p.CVEIds } : {}),
    })),
    NextToken: page.next,
  };
}

export function describePatchBaselines(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const { region, any } = scope(svc, caller);
  svc.authorize(caller, 'ssm:DescribePatchBaselines', any);
  const filters = (input.Filters as { Key: string; Values: string[] }[] | undefined) ?? [];
  const field: Record<string, (b: FakePatchBaseline) => string> = {
    NAME_PREFIX: (b) => b.BaselineName,
    OWNER: (b) => b.owner,
    OPERATING_SYSTEM: (b) => b.OperatingSystem,
  };
  for (const f of filters)
    if (!field[f.Key]) throw new AwsError('ValidationException', `Filter key ${f.Key} is not supported.`);
  const items = Object.values(region.patchBaselines ?? {})
    .filter((b) =>
      filters.every((f) =>
        f.Key === 'NAME_PREFIX'
          ? f.Values.some((v) => b.BaselineName.startsWith(v))
          : f.Values.includes(field[f.Key]!(b)),
      ),
    )
    .sort((a, b) => (a.BaselineId < b.BaselineId ? -1 : 1))
    .map(({ owner: _o, ...b }) => b);
  const page = paginate('DescribePatchBaselines', items, input, 1, 100, 100);
  return { BaselineIdentities: page.items, NextToken: page.next };
}

function severitySummary(patches: FakePatch[]) {
  const count = (sev: string) => patches.filter((p) => complianceSeverity(p.Severity) === sev).length;
  return {
    CriticalCount: count('CRITICAL'),
    HighCount: count('HIGH'),
    MediumCount: count('MEDIUM'),
    LowCount: count('LOW'),
    InformationalCount: count('INFORMATIONAL'),
    UnspecifiedCount: count('UNSPECIFIED'),
  };
}

/** One node's Patch compliance item, as ListResourceComplianceSummaries returns it. */
function resourceSummary(id: string, node: FakePatchNode) {
  const relevant = node.patches.filter((p) => p.State !== 'NOT_APPLICABLE');
  const open = relevant.filter((p) => NON_COMPLIANT_STATES.has(p.State));
  const ok = relevant.filter((p) => !NON_COMPLIANT_STATES.has(p.State));
  const worst = SEVERITY_ORDER.find((s) => open.some((p) => complianceSeverity(p.Severity) === s));
  return {
    ComplianceType: 'Patch',
    ResourceType: 'ManagedInstance',
    ResourceId: id,
    Status: open.length ? 'NON_COMPLIANT' : 'COMPLIANT',
    OverallSeverity: worst ?? 'UNSPECIFIED',
    ExecutionSummary: {
      ExecutionTime: secs(node.OperationEndTime),
      ExecutionId: node.SnapshotId,
      ExecutionType: 'Command',
    },
    CompliantSummary: { CompliantCount: ok.length, SeveritySummary: severitySummary(ok) },
    NonCompliantSummary: { NonCompliantCount: open.length, SeveritySummary: severitySummary(open) },
  };
}

type ComplianceFilter = { Key: string; Values?: string[]; Type?: string };

function matches(item: Record<string, unknown>, filters: ComplianceFilter[]): boolean {
  return filters.every((f) => {
    const v = String(item[f.Key] ?? '');
    const values = f.Values ?? [];
    switch (f.Type ?? 'EQUAL') {
      case 'EQUAL':
        return values.includes(v);
      case 'NOT_EQUAL':
        return !values.includes(v);
      case 'BEGIN_WITH':
        return values.some((x) => v.startsWith(x));
      default:
        throw new AwsError('ValidationException', `Filter type ${f.Type} is not supported by the fake.`);
    }
  });
}

function complianceFilters(input: SsmInput): ComplianceFilter[] {
  const filters = (input.Filters as ComplianceFilter[] | undefined) ?? [];
  const known = ['ComplianceType', 'ResourceType', 'ResourceId', 'Status', 'OverallSeverity'];
  for (const f of filters)
    if (!known.includes(f.Key))
      throw new AwsError('ValidationException', `Filter key ${f.Key} is not supported.`);
  return filters;
}

export function listResourceComplianceSummaries(
  svc: ServiceContext,
  caller: Caller,
  input: SsmInput,
): unknown {
  const { region, any } = scope(svc, caller);
  svc.authorize(caller, 'ssm:ListResourceComplianceSummaries', any);
  const filters = complianceFilters(input);
  const items = liveResults(region)
    .map(([id, node]) => resourceSummary(id, node))
    .filter((i) => matches(i, filters));
  const page = paginate('ListResourceComplianceSummaries', items, input, 1, 50, 50);
  return { ResourceComplianceSummaryItems: page.items, NextToken: page.next };
}

export function listComplianceSummaries(svc: ServiceContext, caller: Caller, input: SsmInput): unknown {
  const { region, any } = scope(svc, caller);
  svc.authorize(caller, 'ssm:ListComplianceSummaries', any);
  const filters = complianceFilters(input);
  const resources = liveResults(region)
    .map(([id, node]) => resourceSummary(id, node))
    .filter((i) =>
      matches(
        i,
        filters.filter((f) => f.Key !== 'ComplianceType'),
      ),
    );
  // Resource counts by the resource's overall severity, per compliance type (only Patch here).
  const bySeverity = (list: typeof resources) => {
    const s = (sev: string) => list.filter((r) => r.OverallSeverity === sev).length;
    return {
      CriticalCount: s('CRITICAL'),
      HighCount: s('HIGH'),
      MediumCount: s('MEDIUM'),
      LowCount: s('LOW'),
      InformationalCount: s('INFORMATIONAL'),
      UnspecifiedCount: s('UNSPECIFIED'),
    };
  };
  const compliant = resources.filter((r) => r.Status === 'COMPLIANT');
  const non = resources.filter((r) => r.Status === 'NON_COMPLIANT');
  const items = [
    {
      ComplianceType: 'Patch',
      CompliantSummary: { CompliantCount: compliant.length, SeveritySummary: bySeverity(compliant) },
      NonCompliantSummary: { NonCompliantCount: non.length, SeveritySummary: bySeverity(non) },
    },
  ].filter((i) =>
    matches(
      i,
      filters.filter((f) => f.Key === 'ComplianceType'),
    ),
  );
  const page = paginate('ListComplianceSummaries', items, input, 1, 50, 50);
  return { ComplianceSummaryItems: page.items, NextToken: page.next };
}

function scope(svc: ServiceContext, caller: Caller) {
  const acct = caller.account.id;
  const r = caller.region;
  return { region: svc.region(acct, r), any: `arn:aws:ssm:${r}:${acct}:*` };
}
