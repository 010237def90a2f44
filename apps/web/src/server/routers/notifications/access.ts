import type { PrismaClient } from '@aw/db';
import type { NotificationDeps } from '@aw/notifications';
import { encryptionKey } from '../ingest/access';

/** Settings changes need only the database and the key; sending needs the whole set. */
export const settingsDeps = (prisma: PrismaClient) => ({
  prisma,
  encryptionKey: encryptionKey(),
  allowHttp: process.env.NODE_ENV !== 'production',
});
export const sendingDeps = (
  services: { notifications: NotificationDeps },
  prisma: PrismaClient,
): NotificationDeps => ({
  ...services.notifications,
  prisma,
});
