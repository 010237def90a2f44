// `tsx src/main.ts [--flag=value …]`: the operator process. Configuration: see config.ts and
// docs/OPERATOR.md. SIGTERM/SIGINT release the Lease and stop cleanly; anything accepted is on disk.
import { loadConfig } from './config.ts';
import { runOperator } from './operator.ts';
import { createLogger } from './observability/log.ts';

const boot = createLogger();
let cfg;
try {
  cfg = loadConfig(process.env, process.argv.slice(2));
} catch (e) {
  boot.error((e as Error).message);
  process.exit(2);
}
const op = await runOperator(cfg);
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  boot.info('stopping', { signal });
  void op.stop().then(
    () => process.exit(0),
    (e) => {
      boot.error('stop failed', { error: e });
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
