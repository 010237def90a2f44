// Types of the alertwhisperer.io/v1alpha1 custom resources. The CRD objects (crds.ts) describe the
// same shapes as openAPIV3Schema; the chart renders its crds/*.yaml from those objects.
export const GROUP = 'alertwhisperer.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

/** Kubernetes Warning event reasons forwarded when a Site does not list its own. */
export const DEFAULT_EVENT_REASONS = [
  'BackOff',
  'OOMKilling',
  'FailedScheduling',
  'NodeNotReady',
  'Evicted',
  'FailedMount',
  'FailedAttachVolume',
  'Unhealthy',
  'FailedCreatePodSandBox',
] as const;

export interface SiteSpec {
  /** Base URL of the Alert Whisperer app, e.g. https://aw.example.com */
  upstreamURL: string;
  /** The company's site API key (awk_…). */
  apiKeySecretRef: SecretKeyRef;
  /** The company's signing secret (whsec_…): every upstream request is HMAC-signed. */
  hmacSecretRef: SecretKeyRef;
  /** Shown in the portal and used as the first part of every asset (cluster/namespace/kind/name). */
  clusterName: string;
  /** Warning event reasons turned into alerts; empty list = none. */
  eventReasons?: string[];
}

export interface SiteStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  siteId?: string;
  queueDepth?: number;
  queueBytes?: number;
  alertsForwarded?: number;
  lastDelivery?: string;
  lastHeartbeat?: string;
  lastError?: string;
}

export interface Site {
  apiVersion: typeof API_VERSION;
  kind: 'Site';
  metadata: ObjectMeta;
  spec: SiteSpec;
  status?: SiteStatus;
}

export interface HybridActivationSpec {
  /** The Site (same namespace) whose credentials ask for the activation. */
  siteRef: { name: string };
  /** How many servers may register with one activation (1–1000). */
  registrationLimit?: number;
  /** Days an activation lives (1–30); it is renewed before it expires. */
  lifetimeDays?: number;
  /** Renew this many hours before expiry. */
  renewBeforeHours?: number;
  /** Managed nodes are named <prefix>-<n> in Systems Manager. */
  instanceNamePrefix?: string;
}

export interface HybridActivationStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  activationId?: string;
  secretName?: string;
  region?: string;
  expiresAt?: string;
}

export interface HybridActivation {
  apiVersion: typeof API_VERSION;
  kind: 'HybridActivation';
  metadata: ObjectMeta;
  spec: HybridActivationSpec;
  status?: HybridActivationStatus;
}

export const SITE = { group: GROUP, version: VERSION, plural: 'sites', kind: 'Site' } as const;
export const HYBRID_ACTIVATION = {
  group: GROUP,
  version: VERSION,
  plural: 'hybridactivations',
  kind: 'HybridActivation',
} as const;

export const ACTIVATION_FINALIZER = 'alertwhisperer.io/activation';
