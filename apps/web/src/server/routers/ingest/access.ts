import { loadEnv } from '@aw/config';
import { AppError } from '@aw/core/errors';

export function encryptionKey(): string {
  const key = loadEnv().APP_ENCRYPTION_KEY;
  if (!key) throw new AppError('UNAVAILABLE', 'APP_ENCRYPTION_KEY is not configured');
  return key;
}
