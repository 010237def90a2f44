import { INCIDENT_STATUSES, SEVERITIES } from '@aw/core/domain';
import { z } from 'zod';

export const ZSeverity = z.enum(SEVERITIES);
export const ZStatus = z.enum(INCIDENT_STATUSES);
export const ZMatcher = z.object({
  field: z.string().trim().min(1).max(110),
  op: z.enum(['=', '!=', '=~', '!~']),
  value: z.string().max(500),
});
export const ZMatchers = z.array(ZMatcher).max(20);
export const ZPeriod = { from: z.coerce.date(), to: z.coerce.date() };
export const ZConfigPatch = z
  .object({
    windowMinutes: z.number().int().min(1).max(60),
    windowMode: z.enum(['FIXED', 'ROLLING']),
    maxSpanMinutes: z.number().int().min(1).max(10_080),
    aggregationKey: z.string().trim().min(1).max(300),
    minAlertsToOpen: z.number().int().min(1).max(100),
    autoResolveQuietMinutes: z.number().int().min(0).max(1440),
    autoCloseAfterMinutes: z.number().int().min(1).max(43_200).nullable(),
    flapThreshold: z.number().int().min(2).max(100),
    flapWindowMinutes: z.number().int().min(1).max(1440),
    eventTtlMinutes: z.number().int().min(1).max(1440).nullable(),
    staleAfterMinutes: z.number().int().min(0).max(43_200),
    /** Overrides of the default kind per source, e.g. { "NATIVE": "EVENT" }. */
    sourceKinds: z.record(
      z.string().regex(/^(NATIVE|ALERTMANAGER|PAGERDUTY|CLOUDWATCH|GRAFANA|GENERIC|OPERATOR)$/),
      z.enum(['STATEFUL', 'EVENT']),
    ),
  })
  .partial();
export const ZRecurrence = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('weekly'),
      days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
      start: z.string().regex(/^\d{1,2}:\d{2}$/),
      durationMinutes: z.number().int().min(1).max(10_080),
    }),
    z.object({
      kind: z.literal('cron'),
      expr: z.string().trim().min(9).max(100),
      durationMinutes: z.number().int().min(1).max(10_080),
    }),
  ])
  .nullable();
/** Bulk incident actions: the incidents to act on, and an optional note. */
export const ZIds = z.array(z.string().uuid()).min(1).max(500);
export const ZNote = z.string().trim().max(4000).optional();
/** The company a settings procedure acts on (an object shape to spread). */
export const ZCompany = { companyId: z.string().uuid() };
export const ZById = z.object({ ...ZCompany, id: z.string().uuid() });
