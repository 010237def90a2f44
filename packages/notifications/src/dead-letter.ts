// The dead-letter list: deliveries every attempt of which failed, with the last error; retry puts
// one back on the queue (a fresh set of attempts).
import { audit } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import { type NotificationDeps, now } from './deps.ts';
import { enqueueDelivery } from './dispatch.ts';

export async function listDeadLetters(deps: Pick<NotificationDeps, 'prisma'>, mspId: string, limit = 100) {
  return deps.prisma.notificationDelivery.findMany({
    where: { mspId, status: 'FAILED' },
    select: {
      id: true,
      companyId: true,
      incidentId: true,
      channelId: true,
      psaConnectionId: true,
      recipient: true,
      trigger: true,
      attempts: true,
      lastError: true,
      createdAt: true,
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(limit, 1), 500),
  });
}

export async function retryDeadLetter(
  deps: NotificationDeps,
  a: { mspId: string; actorId: string | null; id: string },
) {
  const n = await deps.prisma.notificationDelivery.updateMany({
    where: { id: a.id, mspId: a.mspId, status: 'FAILED' },
    data: { status: 'PENDING', grouped: false },
  });
  if (!n.count) throw new AppError('NOT_FOUND', 'failed delivery not found');
  await enqueueDelivery(deps, a.id, now(deps));
  await audit(deps.prisma, {
    mspId: a.mspId,
    actorId: a.actorId,
    action: 'notification.delivery.retried',
    targetType: 'notificationDelivery',
    targetId: a.id,
  });
  return { id: a.id };
}
