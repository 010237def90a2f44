// The demo MSP's notifications: a "Demo inbox" channel (messages land in the app, nothing leaves
// the machine) and an MSP-wide policy. Idempotent; called once by the launcher through @aw/demo. The demo stream
// replays hundreds of incidents that mostly resolve at once: "resolved" is left out so the inbox
// shows what matters (new incidents, digests, acknowledgements, runbook results).
import type { PrismaClient } from '@aw/db';
import { randomUUID } from 'node:crypto';
import { TRIGGERS } from '@aw/notifications';

export async function seedNotificationsDemo(prisma: PrismaClient, mspId: string): Promise<void> {
  const existing = await prisma.notificationChannel.findFirst({ where: { mspId, kind: 'DEMO_INBOX' } });
  if (existing) return;
  const channel = await prisma.notificationChannel.create({
    data: { id: randomUUID(), mspId, name: 'Demo inbox', kind: 'DEMO_INBOX', ratePerMinute: 600 },
  });
  await prisma.notificationPolicy.create({
    data: {
      mspId,
      name: 'Demo: everything but resolved to the demo inbox',
      triggers: TRIGGERS.filter((t) => t !== 'incident.resolved'),
      channelIds: [channel.id],
      groupWaitSeconds: 10,
      groupIntervalSeconds: 60,
      digestThreshold: 3,
    },
  });
}
