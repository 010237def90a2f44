// Channel secrets (webhook URLs, signing secrets, routing keys) sealed like webhook secrets:
// AES-256-GCM under APP_ENCRYPTION_KEY, the AAD binding the ciphertext to its channel row.
import { decryptSecret, encryptSecret } from '@aw/core/crypto';
import { z } from 'zod';

export const ZChannelSecret = z.object({
  url: z.string().optional(),
  signingSecret: z.string().optional(),
  routingKey: z.string().optional(),
});
export type TChannelSecret = z.infer<typeof ZChannelSecret>;

const aad = (channelId: string) => `notification-channel:${channelId}`;

export function sealChannelSecret(s: TChannelSecret, channelId: string, key: string): Promise<string> {
  return encryptSecret(JSON.stringify(s), key, aad(channelId));
}

export async function openChannelSecret(
  sealed: string | null,
  channelId: string,
  key: string,
): Promise<TChannelSecret> {
  if (!sealed) return {};
  return ZChannelSecret.parse(JSON.parse(await decryptSecret(sealed, key, aad(channelId))));
}
