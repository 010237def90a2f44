// An incident timeline entry for a delivery (message or ticket action); none for deliveries of no incident.
import type { NotificationDelivery } from '@aw/db';
import type { NotificationDeps } from './deps.ts';

export async function recordTimeline(
  deps: NotificationDeps,
  d: NotificationDelivery,
  type: string,
  message: string,
  data: object,
): Promise<void> {
  if (!d.incidentId) return;
  await deps.prisma.incidentEvent.create({
    data: { mspId: d.mspId, companyId: d.companyId, incidentId: d.incidentId, type, message, data },
  });
}
