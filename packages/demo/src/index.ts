// @aw/demo: everything the demo is, in one package, imported only by the launcher
// (scripts/launcher/main.ts) and the demo stream script (scripts/demo-stream.ts).
//   seed.ts       the demo MSP, its companies and people (idempotent); seed-cli.ts: `npm run db:seed`
//   aws.ts        the simulated AWS account (the loopback fake) for companies marked simulated
//   runbooks.ts   the MSP-* documents installed in the simulated account, a plausible command output
//   scenario.ts   the demo alert mix; trickle.ts: the live alerts after it
//   stream.ts     the demo stream through the signed webhook path, and the launcher's live trickle
//   stream-cli.ts `npm run demo:stream`
//   compliance.ts the demo patch fleet and 14 days of compliance trend in each simulated account
//   notifications.ts the demo inbox channel and the MSP-wide policy that sends to it
export * from './seed.ts';
export * from './aws.ts';
export * from './runbooks.ts';
export * from './scenario.ts';
export * from './trickle.ts';
export * from './stream.ts';
export * from './stream-cli.ts';
export * from './compliance.ts';
export * from './notifications.ts';
