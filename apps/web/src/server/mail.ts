import 'server-only';
import { ConsoleMailer, type Mailer, SmtpMailer } from '@aw/accounts';
import { loadEnv, mailSettings, readEnv } from '@aw/config';

let current: Mailer | undefined;

/**
 * The mailer the environment asks for: SMTP (MAIL_TRANSPORT=smtp, SMTP_URL, MAIL_FROM) or the
 * console on a local run. loadEnv refuses the console in production with a message naming what is
 * missing; the launcher runs the same check before it starts anything.
 */
export function mailer(): Mailer {
  if (!current) {
    const settings = mailSettings(loadEnv());
    current =
      settings.transport === 'smtp' ? new SmtpMailer(settings.url, settings.from) : new ConsoleMailer();
  }
  return current;
}

export function appBaseUrl(): string {
  const env = readEnv(['AUTH_URL', 'PORT']);
  return env.AUTH_URL ?? `http://localhost:${env.PORT}`;
}

/**
 * For forms that must answer the same whatever the address (sign-up, password reset): the mail is
 * handed over without waiting, so neither the answer nor its timing says whether one was sent.
 * A failed delivery is logged on the server.
 */
export function backgroundMailer(): Mailer {
  const real = mailer();
  return {
    send(mail) {
      real.send(mail).catch((e: unknown) => {
        console.error(`mail to ${mail.to} failed: ${e instanceof Error ? e.message : String(e)}`);
      });
      return Promise.resolve();
    },
  };
}
