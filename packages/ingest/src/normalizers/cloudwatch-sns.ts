// Amazon SNS deliveries of CloudWatch alarms. Every message's signature is verified
// (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA) with the certificate at SigningCertURL,
// which must be https on an `sns.<region>.amazonaws.com` host; certificates are cached.
// SubscriptionConfirmation is confirmed by fetching SubscribeURL (same host rule).
import { X509Certificate, verify as rsaVerify, type KeyObject } from 'node:crypto';
import type { NormalizedAlertDraft } from '../types.ts';
import { badRequest, clip, isRecord, parseTime, reqString, setOwn, typeOf } from '../util.ts';
import type { NormalizeContext, NormalizeOutput } from './types.ts';

export type SnsType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SnsEnvelope {
  Type: SnsType;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  SubscribeURL?: string;
  Token?: string;
}

export interface SnsDeps {
  /** GETs the PEM at a (validated) SigningCertURL. */
  fetchCertificate(url: string): Promise<string>;
  /** GETs a (validated) SubscribeURL to confirm a subscription. */
  confirmSubscription(url: string): Promise<void>;
}

export const defaultSnsDeps: SnsDeps = {
  async fetchCertificate(url) {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`certificate fetch answered ${res.status}`);
    return res.text();
  },
  async confirmSubscription(url) {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`subscription confirmation answered ${res.status}`);
  },
};

const SNS_HOST = /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$/;

/** True for https URLs on an `sns.<region>.amazonaws.com` host (no port, no credentials). */
export function isSnsUrl(raw: string, opts: { pem?: boolean } = {}): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.port !== '' || u.username || u.password) return false;
  if (!SNS_HOST.test(u.hostname)) return false;
  if (opts.pem && !u.pathname.endsWith('.pem')) return false;
  return true;
}

/** Validates the envelope shape (400 with field + reason). */
export function parseSnsEnvelope(body: unknown): SnsEnvelope {
  if (!isRecord(body)) throw badRequest('body', `must be an SNS message object, got ${typeOf(body)}`);
  const type = body.Type;
  if (type !== 'Notification' && type !== 'SubscriptionConfirmation' && type !== 'UnsubscribeConfirmation')
    throw badRequest('Type', 'must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation');
  const str = (k: string, required = true) => {
    const v = body[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string')
      throw badRequest(k, v === undefined ? 'is required' : `must be a string, got ${typeOf(v)}`);
    return v;
  };
  const sv = str('SignatureVersion');
  if (sv !== '1' && sv !== '2') throw badRequest('SignatureVersion', 'must be "1" or "2"');
  const env: SnsEnvelope = {
    Type: type,
    MessageId: str('MessageId')!,
    TopicArn: str('TopicArn')!,
    Subject: str('Subject', false),
    Message: str('Message')!,
    Timestamp: str('Timestamp')!,
    SignatureVersion: sv,
    Signature: str('Signature')!,
    SigningCertURL: str('SigningCertURL')!,
  };
  if (type !== 'Notification') {
    env.SubscribeURL = str('SubscribeURL')!;
    env.Token = str('Token')!;
  }
  return env;
}

/** The text SNS signs: selected fields as "Name\nvalue\n" pairs in byte order of the names. */
export function snsStringToSign(m: SnsEnvelope): string {
  const fields =
    m.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  let out = '';
  for (const f of fields) {
    const v = m[f];
    if (v === undefined) continue; // Subject is optional
    out += `${f}\n${v}\n`;
  }
  return out;
}

interface CachedCert {
  key: KeyObject;
  notAfter: number;
  notBefore: number;
}

const CERT_TTL_MS = 24 * 3600_000;

/** A certificate host we could not reach: transient, answered with 503 so SNS retries. */
export class CertificateUnavailableError extends Error {}

/** Verifies SNS signatures; caches certificates per URL (bounded, 24 h). */
export class SnsVerifier {
  private cache = new Map<string, { at: number; cert: Promise<CachedCert | null> }>();
  constructor(
    private deps: SnsDeps = defaultSnsDeps,
    private now: () => number = Date.now,
  ) {}

  private certFor(url: string): Promise<CachedCert | null> {
    const hit = this.cache.get(url);
    if (hit && this.now() - hit.at < CERT_TTL_MS) return hit.cert;
    const cert = this.deps.fetchCertificate(url).then(
      (pem) => {
        try {
          const c = new X509Certificate(pem);
          return { key: c.publicKey, notBefore: Date.parse(c.validFrom), notAfter: Date.parse(c.validTo) };
        } catch {
          return null; // not a certificate: every signature fails
        }
      },
      (e: unknown) => {
        this.cache.delete(url); // a failed fetch is not remembered
        throw new CertificateUnavailableError(`signing certificate unavailable: ${(e as Error).message}`);
      },
    );
    if (this.cache.size >= 100) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(url, { at: this.now(), cert });
    return cert;
  }

  /** Number of cached certificates (tests). */
  get cachedCertificates(): number {
    return this.cache.size;
  }

  /**
   * True when the message was signed by SNS. Throws CertificateUnavailableError only for a
   * transient fault (certificate host unreachable).
   */
  async verify(m: SnsEnvelope): Promise<boolean> {
    if (!isSnsUrl(m.SigningCertURL, { pem: true })) return false;
    if (!/^[A-Za-z0-9+/=]+$/.test(m.Signature)) return false;
    const cert = await this.certFor(m.SigningCertURL);
    if (!cert) return false;
    const now = this.now();
    if (now < cert.notBefore || now > cert.notAfter) return false;
    try {
      return rsaVerify(
        m.SignatureVersion === '1' ? 'sha1' : 'sha256',
        Buffer.from(snsStringToSign(m), 'utf8'),
        cert.key,
        Buffer.from(m.Signature, 'base64'),
      );
    } catch {
      return false;
    }
  }
}

const ASSET_DIMENSIONS = [
  'InstanceId',
  'DBInstanceIdentifier',
  'DBClusterIdentifier',
  'LoadBalancer',
  'TargetGroup',
  'FunctionName',
  'AutoScalingGroupName',
  'ClusterName',
  'ServiceName',
  'QueueName',
  'TableName',
  'BucketName',
  'VolumeId',
];

/** Maps a CloudWatch alarm state-change (the SNS Message JSON) onto a normalized alert. */
export function normalizeCloudWatch(m: SnsEnvelope, _ctx: NormalizeContext): NormalizeOutput {
  let alarm: unknown;
  try {
    alarm = JSON.parse(m.Message);
  } catch {
    throw badRequest('Message', 'is not a CloudWatch alarm (not JSON)');
  }
  if (!isRecord(alarm)) throw badRequest('Message', 'is not a CloudWatch alarm object');
  const name = reqString(alarm, 'AlarmName', 'Message.AlarmName', 255);
  const state = alarm.NewStateValue;
  if (state !== 'ALARM' && state !== 'OK' && state !== 'INSUFFICIENT_DATA')
    throw badRequest('Message.NewStateValue', 'must be ALARM, OK or INSUFFICIENT_DATA');
  if (alarm.StateChangeTime === undefined) throw badRequest('Message.StateChangeTime', 'is required');
  const occurredAt = parseTime(alarm.StateChangeTime, 'Message.StateChangeTime');
  // INSUFFICIENT_DATA says nothing about the resource: acknowledged, not stored.
  if (state === 'INSUFFICIENT_DATA') return { alerts: [], info: { ignored: 'INSUFFICIENT_DATA' } };

  const trigger = isRecord(alarm.Trigger) ? alarm.Trigger : {};
  const dims: Record<string, string> = {};
  const rawDims = Array.isArray(trigger.Dimensions) ? trigger.Dimensions : [];
  for (const d of rawDims) {
    if (isRecord(d)) {
      const k = d.name ?? d.Name;
      const v = d.value ?? d.Value;
      if (typeof k === 'string' && (typeof v === 'string' || typeof v === 'number') && String(v).trim())
        setOwn(dims, k, String(v).trim());
    }
  }
  const dimKey = ASSET_DIMENSIONS.find((k) => dims[k]) ?? Object.keys(dims)[0];
  const asset = clip(dimKey ? dims[dimKey]! : name, 255);
  const labels: Record<string, string> = { alarm_name: name };
  for (const [k, v] of Object.entries(dims)) labels[`dimension_${k}`] = clip(v, 255);
  for (const k of ['AWSAccountId', 'Region', 'AlarmArn'] as const)
    if (typeof alarm[k] === 'string') labels[k] = clip(alarm[k] as string, 255);
  if (typeof trigger.Namespace === 'string') labels.namespace = clip(trigger.Namespace, 255);
  if (typeof trigger.MetricName === 'string') labels.metric = clip(trigger.MetricName, 255);
  const annotations: Record<string, string> = {};
  if (typeof alarm.AlarmDescription === 'string')
    annotations.description = clip(alarm.AlarmDescription, 4096);
  if (typeof alarm.NewStateReason === 'string') annotations.reason = clip(alarm.NewStateReason, 4096);
  const draft: NormalizedAlertDraft = {
    source: 'CLOUDWATCH',
    asset,
    signature: name,
    service: typeof trigger.Namespace === 'string' ? clip(trigger.Namespace, 255) : null,
    summary: clip(
      (typeof alarm.AlarmDescription === 'string' && alarm.AlarmDescription) ||
        (typeof alarm.NewStateReason === 'string' && alarm.NewStateReason) ||
        `${name} is ${state}`,
    ),
    severity: state === 'ALARM' ? 'HIGH' : 'INFO',
    status: state === 'ALARM' ? 'FIRING' : 'RESOLVED',
    occurredAt,
    timeFromSender: true,
    labels,
    annotations,
    raw: { ...alarm, sns: { MessageId: m.MessageId, TopicArn: m.TopicArn, Timestamp: m.Timestamp } },
    identity: JSON.stringify([
      typeof alarm.AlarmArn === 'string'
        ? alarm.AlarmArn
        : `${String(alarm.AWSAccountId)}:${String(alarm.Region)}:${name}`,
      Object.entries(dims).sort(),
    ]),
  };
  return { alerts: [draft], info: { state } };
}
