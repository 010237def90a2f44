// In-memory state of the fake AWS, as plain JSON-able records so it can be saved and restored.
import type { PolicyDocument } from './policy.ts';

export interface FakeRole {
  name: string;
  arn: string;
  trust: PolicyDocument;
  policies: PolicyDocument[];
  managedPolicyArns: string[];
  maxSessionDuration: number;
}

export interface FakeUser {
  name: string;
  arn: string;
  policies: PolicyDocument[];
}

export interface FakeKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  principalArn: string;
  /** A user's key, or the temporary key of an assumed-role session. */
  user?: string;
  role?: string;
  sessionToken?: string;
  expiresAt?: number;
}

export interface FakeTag {
  Key: string;
  Value: string;
}

export interface FakeActivation {
  ActivationId: string;
  code: string;
  Description?: string;
  DefaultInstanceName?: string;
  IamRole: string;
  RegistrationLimit: number;
  RegistrationsCount: number;
  ExpirationDate: number;
  CreatedDate: number;
  Tags: FakeTag[];
  deleted?: boolean;
}

export interface FakeInstance {
  InstanceId: string;
  PingStatus: 'Online' | 'ConnectionLost' | 'Inactive';
  LastPingDateTime: number;
  AgentVersion: string;
  IsLatestVersion: boolean;
  PlatformType: 'Linux' | 'Windows' | 'MacOS';
  PlatformName: string;
  PlatformVersion: string;
  ActivationId?: string;
  IamRole?: string;
  RegistrationDate?: number;
  ResourceType: 'ManagedInstance' | 'EC2Instance';
  Name?: string;
  IPAddress: string;
  ComputerName: string;
  Tags: FakeTag[];
}

export interface FakeDocument {
  Name: string;
  Owner: string;
  DocumentType: 'Command' | 'Automation';
  DocumentFormat: 'JSON' | 'YAML';
  versions: string[];
  DefaultVersion: string;
  CreatedDate: number;
}

export interface FakeCommand {
  CommandId: string;
  DocumentName: string;
  Comment?: string;
  InstanceIds: string[];
  Parameters: Record<string, string[]>;
  RequestedDateTime: number;
  /** 'Success' or 'Failed', decided at send time; reached after the Pending/InProgress steps. */
  outcome: Record<
    string,
    { status: 'Success' | 'Failed' | 'InProgress'; code: number; stdout: string; stderr: string }
  >;
}

export interface FakeAutomation {
  AutomationExecutionId: string;
  DocumentName: string;
  Parameters: Record<string, string[]>;
  ExecutionStartTime: number;
  outcome: { status: 'Success' | 'Failed'; failure?: string };
  stoppedAt?: number;
}

/** One patch on one node, as DescribeInstancePatches reports it. */
export interface FakePatch {
  Title: string;
  KBId: string;
  Classification: string;
  /** Vendor severity: Critical, Important, Medium/Moderate, Low (or Unspecified). */
  Severity: string;
  State:
    | 'INSTALLED'
    | 'INSTALLED_OTHER'
    | 'INSTALLED_PENDING_REBOOT'
    | 'INSTALLED_REJECTED'
    | 'MISSING'
    | 'NOT_APPLICABLE'
    | 'FAILED';
  InstalledTime?: number;
  CVEIds?: string;
}

/** A node's last Patch Manager operation (AWS-RunPatchBaseline) and what it found. */
export interface FakePatchNode {
  BaselineId: string;
  PatchGroup: string;
  Operation: 'Scan' | 'Install';
  OperationStartTime: number;
  OperationEndTime: number;
  SnapshotId: string;
  patches: FakePatch[];
}

export interface FakePatchBaseline {
  BaselineId: string;
  BaselineName: string;
  OperatingSystem: string;
  BaselineDescription: string;
  DefaultBaseline: boolean;
  owner: 'AWS' | 'Self';
}

export interface FakeS3Object {
  body: string;
  contentType?: string;
  etag: string;
  lastModified: number;
}

export interface FakeBucket {
  region: string;
  objects: Record<string, FakeS3Object>;
}

export interface FakeRegion {
  /** Patch Manager results per node (absent on states saved before patching existed). */
  patchNodes?: Record<string, FakePatchNode>;
  patchBaselines?: Record<string, FakePatchBaseline>;
  activations: Record<string, FakeActivation>;
  instances: Record<string, FakeInstance>;
  documents: Record<string, FakeDocument>;
  commands: Record<string, FakeCommand>;
  automations: Record<string, FakeAutomation>;
}

export interface FakeAccount {
  id: string;
  disabledRegions: string[];
  roles: Record<string, FakeRole>;
  users: Record<string, FakeUser>;
  regions: Record<string, FakeRegion>;
  /** S3 buckets owned by the account (absent on older saved states). */
  buckets?: Record<string, FakeBucket>;
}

export interface FakeState {
  accounts: Record<string, FakeAccount>;
  keys: Record<string, FakeKey>;
}

export function emptyRegion(): FakeRegion {
  return { activations: {}, instances: {}, documents: {}, commands: {}, automations: {} };
}

/** Documents AWS owns in every region that the platform uses. */
export const AWS_DOCUMENTS: Record<string, 'Command' | 'Automation'> = {
  'AWS-RunShellScript': 'Command',
  'AWS-RunPowerShellScript': 'Command',
  'AWS-RunPatchBaseline': 'Command',
  'AWS-RestartEC2Instance': 'Automation',
};
