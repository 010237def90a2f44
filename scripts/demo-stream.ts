// `npm run demo:stream [-- --url <base>] [--seed <n>]`: one more round of the demo alert mix
// through the app's signed webhook path (packages/demo/src/stream-cli.ts).
import { demoStreamCommand } from '@aw/demo';

await demoStreamCommand(process.argv);
