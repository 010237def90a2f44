import nodemailer, { type Transporter } from 'nodemailer';

/** Where account mails go: SMTP in production, the server console on a local run, memory in tests. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export class ConsoleMailer implements Mailer {
  async send(mail: Mail): Promise<void> {
    console.log(
      `\n✉  To: ${mail.to}\n   Subject: ${mail.subject}\n   ${mail.text.replace(/\n/g, '\n   ')}\n`,
    );
  }
}

/**
 * Sends through an SMTP server given as a URL: smtp://user:password@host:587 upgrades with
 * STARTTLS when the server offers it, smtps://…:465 speaks TLS from the first byte.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transport.close();
  }
}

/** Keeps mails in memory: for tests. */
export class MemoryMailer implements Mailer {
  readonly sent: Mail[] = [];
  async send(mail: Mail): Promise<void> {
    this.sent.push(mail);
  }
}
