// The demo MSP's notifications: a "Demo inbox" channel (messages land in the app, nothing leaves
// the machine) and an MSP-wide policy on every trigger. Idempotent; called once by the launcher.
import type { PrismaClient } from '@aw/db';
import { randomUUID } from 'node:crypto';
import { TRIGGERS } from './types.ts';

export async function seedNotificationsDemo(prisma: PrismaClient, mspId: string): Promise<void> {
  const existing = await prisma.notificationChannel.findFirst({ where: { mspId, kind: 'DEMO_INBOX' } });
  if (existing) return;
  const channel = await prisma.notificationChannel.create({
    data: { id: randomUUID(), mspId, name: 'Demo inbox', kind: 'DEMO_INBOX', ratePerMinute: 120 },
  });
  await prisma.notificationPolicy.create({
    data: {
      mspId,
      name: 'Everything to the demo inbox',
      triggers: [...TRIGGERS],
      channelIds: [channel.id],
      groupWaitSeconds: 10,
      groupIntervalSeconds: 60,
      digestThreshold: 3,
    },
  });
}
