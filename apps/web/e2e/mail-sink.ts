// The browser tests' mailbox: a loopback SMTP server the app under test sends to (MAIL_TRANSPORT=smtp)
// and a small HTTP endpoint the tests read received mails from. Started by playwright.config.ts.
import http from 'node:http';
import { startSmtpSink } from '@aw/accounts/testing';

const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT);
const sink = await startSmtpSink({ port: smtpPort });
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(req.url === '/health' ? { ok: true } : sink.mails));
});
server.listen(httpPort, '127.0.0.1', () => console.log(`mail sink: smtp ${smtpPort}, http ${httpPort}`));
const stop = () => {
  server.close();
  void sink.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
