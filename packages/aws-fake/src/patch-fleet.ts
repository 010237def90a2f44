// A demo fleet for Patch Manager: EC2 and hybrid (mi-…) nodes that are compliant, missing critical
// patches, failed an install, wait for a reboot, scanned long ago or never. The demo seeds it, and
// the compliance tests check every figure against values computed by hand from this list.
import type { FakePatch, FakePatchNode } from './state.ts';
import type { FakeAws } from './server.ts';
import { hex } from './wire.ts';

type Platform = 'Linux' | 'Windows';
type Profile = 'compliant' | 'missing-critical' | 'failed' | 'pending-reboot' | 'stale' | 'never-scanned';

export interface FleetNode {
  name: string;
  kind: 'ec2' | 'hybrid';
  platform: Platform;
  profile: Profile;
  /** Age of the last scan in days (ignored for never-scanned). */
  scanAgeDays: number;
  patches: FakePatch[];
}

const linux = (kb: string, severity: string, state: FakePatch['State'], classification = 'Security') => ({
  Title: kb.split('.')[0]!,
  KBId: kb,
  Classification: classification,
  Severity: severity,
  State: state,
});
const windows = (
  kb: string,
  severity: string,
  state: FakePatch['State'],
  classification = 'SecurityUpdates',
) => ({
  Title: `${kb} cumulative update for Windows Server`,
  KBId: kb,
  Classification: classification,
  Severity: severity,
  State: state,
});

const LINUX_OK: FakePatch[] = [
  linux('openssl.x86_64:1:3.0.8-1.amzn2023', 'Important', 'INSTALLED'),
  linux('glibc.x86_64:0:2.34-117.amzn2023', 'Medium', 'INSTALLED'),
  linux('curl.x86_64:0:8.5.0-1.amzn2023', 'Medium', 'INSTALLED'),
  linux('sudo.x86_64:0:1.9.15-1.amzn2023', 'Important', 'INSTALLED'),
  linux('tzdata.noarch:0:2024a-1.amzn2023', 'None', 'INSTALLED_OTHER', 'Bugfix'),
  linux('httpd.x86_64:0:2.4.62-1.amzn2023', 'Low', 'NOT_APPLICABLE'),
];
const WINDOWS_OK: FakePatch[] = [
  windows('KB5044281', 'Critical', 'INSTALLED'),
  windows('KB5043050', 'Important', 'INSTALLED'),
  windows('KB5042881', 'Moderate', 'INSTALLED', 'Updates'),
  windows('KB890830', 'Unspecified', 'INSTALLED_OTHER', 'UpdateRollups'),
];

/** The demo fleet. Hand-computed figures are in packages/compliance/src/figures.integration.test.ts. */
export const DEMO_PATCH_FLEET: FleetNode[] = [
  { name: 'web-01', kind: 'ec2', platform: 'Linux', profile: 'compliant', scanAgeDays: 1, patches: LINUX_OK },
  { name: 'web-02', kind: 'ec2', platform: 'Linux', profile: 'compliant', scanAgeDays: 1, patches: LINUX_OK },
  {
    name: 'app-01',
    kind: 'ec2',
    platform: 'Linux',
    profile: 'missing-critical',
    scanAgeDays: 1,
    patches: [
      ...LINUX_OK.slice(0, 4),
      linux('kernel.x86_64:0:6.1.112-122.189.amzn2023', 'Critical', 'MISSING'),
      linux('openssh.x86_64:0:8.7p1-8.amzn2023', 'Critical', 'MISSING'),
      linux('python3.x86_64:0:3.9.20-1.amzn2023', 'Important', 'MISSING'),
    ],
  },
  {
    name: 'db-01',
    kind: 'ec2',
    platform: 'Windows',
    profile: 'failed',
    scanAgeDays: 2,
    patches: [
      ...WINDOWS_OK,
      windows('KB5046612', 'Important', 'FAILED'),
      windows('KB5045934', 'Moderate', 'MISSING', 'Updates'),
    ],
  },
  {
    name: 'api-01',
    kind: 'ec2',
    platform: 'Linux',
    profile: 'pending-reboot',
    scanAgeDays: 1,
    patches: [
      ...LINUX_OK.slice(0, 3),
      linux('kernel.x86_64:0:6.1.115-126.197.amzn2023', 'Important', 'INSTALLED_PENDING_REBOOT'),
    ],
  },
  {
    name: 'dc-01',
    kind: 'hybrid',
    platform: 'Windows',
    profile: 'compliant',
    scanAgeDays: 3,
    patches: WINDOWS_OK,
  },
  {
    name: 'file-01',
    kind: 'hybrid',
    platform: 'Windows',
    profile: 'missing-critical',
    scanAgeDays: 2,
    patches: [
      ...WINDOWS_OK.slice(1),
      windows('KB5044284', 'Critical', 'MISSING', 'CriticalUpdates'),
      windows('KB5044285', 'Important', 'MISSING'),
      windows('KB5044286', 'Important', 'MISSING'),
    ],
  },
  {
    name: 'legacy-01',
    kind: 'hybrid',
    platform: 'Linux',
    profile: 'stale',
    scanAgeDays: 21,
    patches: [
      ...LINUX_OK.slice(0, 2),
      linux('logrotate.x86_64:0:3.20.1-2.amzn2023', 'Low', 'MISSING', 'Bugfix'),
    ],
  },
  { name: 'build-01', kind: 'ec2', platform: 'Linux', profile: 'never-scanned', scanAgeDays: 0, patches: [] },
];

export const DEMO_BASELINES = {
  Linux: {
    BaselineId: 'pb-0e392de35e7c563b7',
    BaselineName: 'AWS-AmazonLinux2023DefaultPatchBaseline',
    OperatingSystem: 'AMAZON_LINUX_2023',
  },
  Windows: {
    BaselineId: 'pb-016889927b2bb8542',
    BaselineName: 'AWS-DefaultPatchBaseline',
    OperatingSystem: 'WINDOWS',
  },
} as const;

/**
 * Creates the fleet's nodes in an account (hybrid ones through an activation) with their patch
 * results, and the baselines they use. Returns node name → instance id.
 */
export function seedPatchFleet(
  fake: FakeAws,
  input: {
    accountId: string;
    region: string;
    iamRole: string;
    now: number;
    prefix?: string;
    fleet?: FleetNode[];
  },
): Record<string, string> {
  const { accountId, region, now } = input;
  const fleet = input.fleet ?? DEMO_PATCH_FLEET;
  for (const os of ['Linux', 'Windows'] as const)
    fake.addPatchBaseline(accountId, region, {
      ...DEMO_BASELINES[os],
      BaselineDescription: `Default patch baseline for ${os}`,
      DefaultBaseline: true,
      owner: 'AWS',
    });
  const hybrids = fleet.filter((n) => n.kind === 'hybrid').length;
  const act = hybrids
    ? fake.seedActivation(accountId, region, { iamRole: input.iamRole, limit: hybrids })
    : undefined;
  const ids: Record<string, string> = {};
  for (const n of fleet) {
    const name = `${input.prefix ?? ''}${n.name}`;
    const id =
      n.kind === 'ec2'
        ? fake.addEc2Instance(accountId, region, { name, platformType: n.platform })
        : fake.registerManagedInstance({
            ...act!,
            region,
            name,
            platformType: n.platform,
            computerName: `${name}.corp`,
          });
    ids[n.name] = id;
    if (n.profile === 'never-scanned') continue;
    fake.setPatchState(accountId, region, id, patchNode(n, now));
  }
  return ids;
}

/** The node's last operation, ended `scanAgeDays` before `now`. */
export function patchNode(n: FleetNode, now: number): FakePatchNode {
  const end = now - n.scanAgeDays * 86_400_000;
  return {
    BaselineId: DEMO_BASELINES[n.platform].BaselineId,
    PatchGroup: n.platform === 'Windows' ? 'windows-prod' : 'linux-prod',
    Operation: n.profile === 'failed' || n.profile === 'pending-reboot' ? 'Install' : 'Scan',
    OperationStartTime: end - 240_000,
    OperationEndTime: end,
    SnapshotId: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    patches: n.patches.map((p) => ({
      ...p,
      InstalledTime: p.State.startsWith('INSTALLED') ? end - 86_400_000 * 7 : undefined,
    })),
  };
}
