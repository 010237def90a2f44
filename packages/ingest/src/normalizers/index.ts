export * from './types.ts';
export { normalizeNative } from './native.ts';
export { normalizeAlertmanager } from './alertmanager.ts';
export { normalizeGrafana } from './grafana.ts';
export { normalizePagerDuty, pagerDutyRoutingKey } from './pagerduty.ts';
export * from './cloudwatch-sns.ts';
export * from './generic.ts';
