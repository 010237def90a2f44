import 'server-only';
import { ConsoleMailer, type Mailer } from '@aw/accounts';

/** MAIL_TRANSPORT=console (the default) prints invitation and reset links on the server console. */
export const mailer: Mailer = new ConsoleMailer();

export function appBaseUrl(): string {
  return process.env.AUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
}
