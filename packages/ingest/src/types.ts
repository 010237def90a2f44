// The one normalized alert shape every format maps onto, and the hand-off to correlation.

import { createLogger } from '@aw/config';
import type { AlertSink, Severity } from '@aw/core/domain';

export type Source = 'NATIVE' | 'ALERTMANAGER' | 'PAGERDUTY' | 'CLOUDWATCH' | 'GRAFANA' | 'GENERIC';
/** The shared severity (`@aw/core/domain`), under the name ingestion has always used. */
export type SeverityLevel = Severity;
export type Status = 'FIRING' | 'RESOLVED';

/** What a normalizer produces: everything but the hashes, which are computed on Web Crypto later. */
export interface NormalizedAlertDraft {
  source: Source;
  asset: string;
  signature: string;
  service: string | null;
  summary: string;
  severity: SeverityLevel;
  status: Status;
  occurredAt: Date;
  /** False when the sender gave no time: the dedup key then uses the payload hash instead. */
  timeFromSender: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  raw: unknown;
  /** Canonical text of what identifies this alert across firing/resolved (hashed into `fingerprint`). */
  identity: string;
  /** Chosen by the sender (`"kind": "event"`) or the generic mapping; absent → API key, then source default. */
  kind?: AlertKindWord;
}

export type AlertKindWord = 'STATEFUL' | 'EVENT';

export interface NormalizedAlert extends NormalizedAlertDraft {
  /** sha-256 hex of source + identity. */
  fingerprint: string;
  /** sha-256 hex of fingerprint + status + occurredAt (or the payload hash): a redelivery has the same value. */
  dedupKey: string;
}

/** The hand-off to correlation, declared in `@aw/core/domain`. */
export type { AlertSink };

export interface Logger {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/** `[ingest] …` lines on the console, filtered by LOG_LEVEL. */
export const consoleLogger: Logger = createLogger('ingest');

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
