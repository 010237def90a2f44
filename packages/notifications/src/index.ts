export {
  ACK_TTL_MS,
  acknowledgeByToken,
  ackPath,
  createAckLink,
  inspectAckToken,
  type AckResult,
} from './ack.ts';
export { handleAckRequest } from './ack-http.ts';
export { adaptiveCard, teamsPayload } from './channels/teams.ts';
export { slackPayload } from './channels/slack.ts';
export { dedupKey, pagerDutyAction, pagerDutyEvent, PAGERDUTY_EVENTS_URL } from './channels/pagerduty.ts';
export { webhookBody, webhookRequest } from './channels/webhook.ts';
export { emailFor } from './channels/email.ts';
export { DeliveryError, checkUrl } from './channels/http.ts';
export { openChannelSecret, sealChannelSecret } from './channels/secrets.ts';
export { sendToChannel } from './channels/send.ts';
export {
  CHANNEL_SELECT,
  deleteChannel,
  listChannels,
  saveChannel,
  testChannel,
  ZChannelInput,
  type TChannelInput,
} from './channels/service.ts';
export { listDeadLetters, retryDeadLetter } from './dead-letter.ts';
export { DELIVER_JOB, ESCALATE_JOB, GROUP_JOB, PSA_POLL_JOB, type NotificationDeps } from './deps.ts';
export { dispatchTrigger, onIncidentChanged, triggersOf, type TriggerEvent } from './dispatch.ts';
export { onIncidentsChanged, triggersOfBatch } from './incident-batch.ts';
export { saveEscalationPolicy, ZEscalationInput, type EscalatePayload } from './escalation.ts';
export {
  addOverride,
  listRotations,
  onCallAt,
  saveRotation,
  ZOverrideInput,
  ZRotationInput,
} from './oncall.ts';
export {
  deletePolicy,
  listPolicies,
  policyCovers,
  savePolicy,
  ZPolicyInput,
  type TPolicyInput,
} from './policies.ts';
export { onRunbookPublished, runbookTrigger } from './runbook-events.ts';
export { mayDeliverAt, nextDeliveryTime, ZBusinessHours, ZQuietHours } from './schedule.ts';
export { CHANNEL_KINDS, SEVERITIES, TRIGGERS, ZTrigger, type TMessage, type TTrigger } from './types.ts';
export { deliver, flushGroup, registerNotificationWorker } from './worker.ts';
export { incidentNotifications, listInbox, notificationKpis, type NotificationKpis } from './inbox.ts';
export { listEscalationPolicies } from './escalation.ts';
export { ConnectWiseConnector, ZConnectWiseConfig, type TConnectWiseConfig } from './psa/connectwise.ts';
export { PsaError, type PsaConnector, type PsaTicket, type PsaTicketInput } from './psa/types.ts';
export {
  connectorFor,
  deletePsaConnection,
  listPsaConnections,
  mapPsaCompany,
  savePsaConnection,
  testPsaConnection,
  ZPsaConnectionInput,
  type TPsaConnectionInput,
} from './psa/connections.ts';
export { PSA_TRIGGERS, queuePsaActions } from './psa/lifecycle.ts';
export { pollPsaTickets, type PollReport } from './psa/poller.ts';
export { startPsaPoller } from './worker.ts';
export { blockedReason } from './net/address.ts';
export {
  checkHost,
  DestinationRefused,
  guardedRequest,
  type NetOptions,
  type Resolver,
} from './net/request.ts';
export { checkDestination } from './channels/http.ts';
export { notificationKpiCsv, notificationKpiRows, type NotificationKpiRow } from './kpis.ts';
