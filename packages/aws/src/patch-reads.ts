// The Patch Manager / Compliance reads a compliance sync makes (packages/compliance), each retried
// on throttling with capped exponential backoff and full jitter (on top of the SDK's own attempts),
// and the export's S3 PutObject. Kept beside ssm.ts so template-permissions.test.ts runs them all.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstanceInformationCommand,
  DescribePatchBaselinesCommand,
  DescribeInstancePatchesCommand,
  DescribeInstancePatchStatesCommand,
  ListComplianceSummariesCommand,
  ListResourceComplianceSummariesCommand,
  type ComplianceSummaryItem,
  type ResourceComplianceSummaryItem,
  type InstanceInformation,
  type InstancePatchState,
  type PatchBaselineIdentity,
  type PatchComplianceData,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentityProvider } from './credentials.ts';

export const PATCH_STATE_BATCH = 50;
const THROTTLE_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'SlowDown']);

export interface RetryOptions {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Attempts in all (default 6). */
  attempts?: number;
  baseMs?: number;
  capMs?: number;
  /** Called before each wait (progress, logs, tests). */
  onThrottle?: (attempt: number, waitMs: number) => void;
}

export function isThrottle(e: unknown): boolean {
  return THROTTLE_CODES.has((e as { name?: string })?.name ?? '');
}

/** Runs `fn`; on a throttling error waits `random() × min(cap, base × 2^attempt)` and tries again. */
export async function withBackoff<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = o.attempts ?? 6;
  const base = o.baseMs ?? 200;
  const cap = o.capMs ?? 20_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isThrottle(e) || attempt + 1 >= attempts) throw e;
      const wait = Math.floor(o.random() * Math.min(cap, base * 2 ** attempt));
      o.onThrottle?.(attempt + 1, wait);
      await o.sleep(wait);
    }
  }
}

/** Every managed node, page by page (DescribeInstanceInformation, 50 per page). */
export async function listManagedNodes(ssm: SSMClient, r: RetryOptions): Promise<InstanceInformation[]> {
  const out: InstanceInformation[] = [];
  let NextToken: string | undefined;
  do {
    const page = await withBackoff(
      () => ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken })),
      r,
    );
    out.push(...(page.InstanceInformationList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** Patch states of up to 50 nodes (one DescribeInstancePatchStates, all its pages). */
export async function patchStatesBatch(
  ssm: SSMClient,
  instanceIds: string[],
  r: RetryOptions,
): Promise<InstancePatchState[]> {
  if (instanceIds.length > PATCH_STATE_BATCH) throw new Error('at most 50 instance ids per call');
  const out: InstancePatchState[] = [];
  let NextToken: string | undefined;
  do {
    const page = await withBackoff(
      () =>
        ssm.send(
          new DescribeInstancePatchStatesCommand({ InstanceIds: instanceIds, MaxResults: 50, NextToken }),
        ),
      r,
    );
    out.push(...(page.InstancePatchStates ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** A node's open patches (Missing, Failed, pending reboot), all pages; [] if the node is gone. */
export async function openPatches(
  ssm: SSMClient,
  instanceId: string,
  r: RetryOptions,
): Promise<PatchComplianceData[]> {
  const out: PatchComplianceData[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await withBackoff(
        () =>
          ssm.send(
            new DescribeInstancePatchesCommand({
              InstanceId: instanceId,
              Filters: [{ Key: 'State', Values: ['Missing', 'Failed', 'InstalledPendingReboot'] }],
              MaxResults: 100,
              NextToken,
            }),
          ),
        r,
      );
      out.push(...(page.Patches ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (e) {
    // Deregistered between the listing and now: it simply has no patches to show.
    if ((e as { name?: string }).name === 'InvalidInstanceId') return [];
    throw e;
  }
  return out;
}

/** The Patch item of ListComplianceSummaries (resources by severity), or null if none. */
export async function patchSummary(ssm: SSMClient, r: RetryOptions): Promise<ComplianceSummaryItem | null> {
  const out = await withBackoff(
    () =>
      ssm.send(
        new ListComplianceSummariesCommand({
          Filters: [{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }],
        }),
      ),
    r,
  );
  return out.ComplianceSummaryItems?.find((i) => i.ComplianceType === 'Patch') ?? null;
}

/** Which of these nodes still exist (DescribeInstanceInformation filtered on ≤ 50 ids). */
export async function existingNodes(
  ssm: SSMClient,
  instanceIds: string[],
  r: RetryOptions,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < instanceIds.length; i += PATCH_STATE_BATCH) {
    const ids = instanceIds.slice(i, i + PATCH_STATE_BATCH);
    let NextToken: string | undefined;
    do {
      const page = await withBackoff(
        () =>
          ssm.send(
            new DescribeInstanceInformationCommand({
              Filters: [{ Key: 'InstanceIds', Values: ids }],
              MaxResults: 50,
              NextToken,
            }),
          ),
        r,
      );
      for (const n of page.InstanceInformationList ?? []) if (n.InstanceId) out.add(n.InstanceId);
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return out;
}

/** Each node's Patch compliance item (overall severity), all pages. */
export async function resourceSummaries(
  ssm: SSMClient,
  r: RetryOptions,
): Promise<Map<string, ResourceComplianceSummaryItem>> {
  const out = new Map<string, ResourceComplianceSummaryItem>();
  let NextToken: string | undefined;
  do {
    const page = await withBackoff(
      () =>
        ssm.send(
          new ListResourceComplianceSummariesCommand({
            Filters: [{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }],
            MaxResults: 50,
            NextToken,
          }),
        ),
      r,
    );
    for (const i of page.ResourceComplianceSummaryItems ?? []) if (i.ResourceId) out.set(i.ResourceId, i);
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** Every patch baseline visible to the account (AWS-owned and custom), all pages. */
export async function patchBaselines(ssm: SSMClient, r: RetryOptions): Promise<PatchBaselineIdentity[]> {
  const out: PatchBaselineIdentity[] = [];
  let NextToken: string | undefined;
  do {
    const page = await withBackoff(
      () => ssm.send(new DescribePatchBaselinesCommand({ MaxResults: 100, NextToken })),
      r,
    );
    out.push(...(page.BaselineIdentities ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** An S3 client on the company's assumed-role credentials (path-style on the demo's fake). */
export function s3Client(input: {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  endpoint?: string;
}): S3Client {
  return new S3Client({
    region: input.region,
    credentials: input.credentials,
    maxAttempts: 4,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(input.endpoint ? { endpoint: input.endpoint, forcePathStyle: true } : {}),
  });
}

export async function putExportObject(
  s3: S3Client,
  input: { bucket: string; key: string; body: string; contentType: string },
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      Body: input.body,
      ContentType: input.contentType,
    }),
  );
}
