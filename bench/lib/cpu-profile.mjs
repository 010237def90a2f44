// Preload for profiling the app under the bench (`node --cpu-prof` is not allowed in NODE_OPTIONS):
//   BENCH_APP_NODE_OPTIONS='--import /abs/path/bench/lib/cpu-profile.mjs' BENCH_PROFILE_DIR=/tmp/prof npm run bench -- --quick
// In the web server process only (apps/web/server.mjs), it starts V8's sampling profiler and
// writes a .cpuprofile (Chrome DevTools / speedscope) when the process exits.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

if (process.argv.some((a) => a.endsWith('server.mjs'))) {
  const dir = process.env.BENCH_PROFILE_DIR ?? '/tmp';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-process inspector answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
