// The notification vocabulary: triggers, channel kinds and the neutral message every channel renders.
import { SEVERITIES, type Severity } from '@aw/core/domain';
import { z } from 'zod';

export const TRIGGERS = [
  'incident.opened',
  'incident.severity_raised',
  'incident.acknowledged',
  'incident.resolved',
  'incident.flapping',
  'runbook.started',
  'runbook.succeeded',
  'runbook.failed',
] as const;
export type TTrigger = (typeof TRIGGERS)[number];
export const ZTrigger = z.enum(TRIGGERS);

export const CHANNEL_KINDS = ['EMAIL', 'TEAMS', 'SLACK', 'WEBHOOK', 'PAGERDUTY', 'DEMO_INBOX'] as const;
export type TChannelKind = (typeof CHANNEL_KINDS)[number];

export { SEVERITIES };
export type TSeverity = Severity;
/** Higher is worse. */
export const severityRank = (s: string) => SEVERITIES.length - SEVERITIES.indexOf(s as TSeverity);

/** One incident in a message (a digest holds several). */
export interface TMessageIncident {
  incidentId: string;
  title: string;
  severity: TSeverity;
  status: string;
  asset: string;
  signature: string;
  alertCount: number;
  url: string;
}

/** What a channel renders: the same facts for Teams, Slack, email, webhook and PagerDuty. */
export interface TMessage {
  /** e.g. incident.opened, escalation, digest, test */
  trigger: string;
  title: string;
  text: string;
  companyId: string;
  companyName: string;
  /** The incident this message is about (absent for digests and tests). */
  incident?: TMessageIncident;
  /** Digest: every incident it stands for. */
  incidents?: TMessageIncident[];
  /** Signed, single-use acknowledge link (when the channel carries links). */
  ackUrl?: string;
  /** Delivery idempotency key: receivers may dedupe on it (sent as Idempotency-Key). */
  key: string;
  at: string;
}
