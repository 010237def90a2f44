// Typed realtime events. Browser-safe: no Node or database imports here.

import type { IncidentStatus, Severity } from '@aw/core/domain';

export type { IncidentStatus, Severity };
export type ExecutionStatus =
  | 'PENDING_APPROVAL'
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'VERIFYING'
  | 'SUCCESS'
  | 'FAILED'
  | 'CANCELLED'
  | 'TIMED_OUT'
  | 'REFUSED';

/** What each event type carries. Keep payloads small: ids and the fields a list row shows. */
export interface RealtimeEventPayloads {
  'incident.created': {
    incidentId: string;
    title: string;
    severity: Severity;
    status: IncidentStatus;
    alertCount: number;
    asset?: string;
    signature?: string;
  };
  'incident.updated': {
    incidentId: string;
    status?: IncidentStatus;
    severity?: Severity;
    alertCount?: number;
    assigneeId?: string | null;
    /** Names of the fields that changed, for clients that refetch selectively. */
    changed?: string[];
  };
  /**
   * A situation changed: created with this incident, the incident joined it, one of its incidents
   * changed (acknowledged, assigned), or it closed. Boards refetch their folds on it.
   */
  'situation.changed': {
    situationId: string;
    incidentId: string;
    change: 'created' | 'joined' | 'updated' | 'closed';
  };
  /** Counts of one ingestion request (or a coalesced batch), not the alerts themselves. */
  'alert.received': {
    received: number;
    correlated?: number;
    deduplicated?: number;
    suppressed?: number;
  };
  'runbook.execution.updated': {
    executionId: string;
    runbookId?: string;
    incidentId?: string | null;
    status: ExecutionStatus;
  };
  'compliance.updated': {
    compliant: number;
    nonCompliant: number;
    criticalMissing?: number;
  };
  /** A patch compliance sync's progress (packages/compliance): nodes done of total, then the end. */
  'compliance.sync.progress': {
    syncId: string;
    status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
    nodesDone: number;
    nodesTotal: number;
    error?: string;
  };
  'onboarding.first_alert': {
    alertId: string;
    receivedAt: string;
  };
}

export type RealtimeEventType = keyof RealtimeEventPayloads;

export const REALTIME_EVENT_TYPES: readonly RealtimeEventType[] = [
  'incident.created',
  'incident.updated',
  'situation.changed',
  'alert.received',
  'runbook.execution.updated',
  'compliance.updated',
  'compliance.sync.progress',
  'onboarding.first_alert',
];

export function isRealtimeEventType(v: unknown): v is RealtimeEventType {
  return typeof v === 'string' && (REALTIME_EVENT_TYPES as readonly string[]).includes(v);
}

/** What server code hands to `publish()`. A company event reaches its company and its MSP. */
export type PublishInput<T extends RealtimeEventType = RealtimeEventType> = {
  [K in T]: {
    type: K;
    mspId: string;
    /** null: an MSP-wide event, seen by MSP staff only. */
    companyId: string | null;
    payload: RealtimeEventPayloads[K];
  };
}[T];

/** What a subscriber receives. `id` orders events and is the SSE `Last-Event-ID`. */
export type RealtimeEvent<T extends RealtimeEventType = RealtimeEventType> = {
  [K in T]: {
    id: string;
    type: K;
    mspId: string;
    companyId: string | null;
    payload: RealtimeEventPayloads[K];
    createdAt: string;
  };
}[T];

/**
 * A synthetic signal to clients: events may have been missed (log gap, reconnect after the
 * retention window, Pusher reconnect); refetch the current state instead of trusting deltas.
 */
export interface RealtimeReset {
  type: 'reset';
  reason: string;
}

export type RealtimeMessage = RealtimeEvent | RealtimeReset;
