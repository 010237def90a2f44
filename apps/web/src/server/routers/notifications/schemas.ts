import { z } from 'zod';

/** A period: the last `days`, or `from`–`to` (the KPI page's range), optionally one company. */
export const ZPeriod = z.object({
  days: z.number().int().min(1).max(90).default(7),
  from: z.date().optional(),
  to: z.date().optional(),
  companyId: z.string().uuid().nullable().optional(),
});
export const period = (input: z.infer<typeof ZPeriod>) => ({
  companyId: input.companyId ?? null,
  since: input.from ?? new Date(Date.now() - input.days * 86_400_000),
  until: input.to,
});
