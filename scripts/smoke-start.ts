// CI smoke test of the README's first command (`npm start`), run by .ci/run on the clean checkout
// BEFORE any test, build or generate step. It starts the launcher the way a person does (its own
// process group, as in a terminal), waits for health, signs in as the printed technician over HTTP,
// checks that the demo incidents exist, stops it with SIGINT (Ctrl-C) and checks that every process
// it started is gone; then starts it a second time on the same data folder and checks the data
// survived. Any failure names its step and exits 1.
//
//   npx tsx scripts/smoke-start.ts            (SMOKE_PORT, default 3000; SMOKE_TIMEOUT_S, default 900)
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.SMOKE_PORT ?? 3000);
const base = `http://127.0.0.1:${port}`;
const startTimeoutMs = Number(process.env.SMOKE_TIMEOUT_S ?? 900) * 1000;
const logPath = path.join(root, '.smoke-start.log');

class StepError extends Error {}
let currentStep = '';
function step(name: string) {
  currentStep = name;
  console.log(`smoke ▸ ${name}`);
}
function fail(message: string): never {
  throw new StepError(message);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- processes -------------------------------------------------------------------------------
/** pid → start time (clock ticks since boot), so a reused pid is never mistaken for ours. */
type ProcSet = Map<number, string>;

function procStat(pid: number): { ppid: number; start: string; state: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]), start: rest[19]! };
  } catch {
    return null;
  }
}

function descendants(rootPid: number, into: ProcSet): void {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(Number(name));
    children.set(st.ppid, list);
  }
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop()!;
    const st = procStat(pid);
    if (st && st.state !== 'Z') into.set(pid, st.start);
    queue.push(...(children.get(pid) ?? []));
  }
}

function survivors(seen: ProcSet): string[] {
  const alive: string[] = [];
  for (const [pid, start] of seen) {
    const st = procStat(pid);
    if (st && st.start === start && st.state !== 'Z') {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        /* gone meanwhile */
      }
      alive.push(`${pid} ${cmd.slice(0, 120)}`);
    }
  }
  return alive;
}

interface Launched {
  child: ChildProcess;
  output: () => string;
  seen: ProcSet;
  exited: Promise<string>;
  stopWatching: () => void;
}

function launch(run: number): Launched {
  const log = createWriteStream(logPath, { flags: run === 1 ? 'w' : 'a' });
  let out = '';
  const child = spawn('npm', ['start'], {
    cwd: root,
    // A terminal puts the command in its own process group; Ctrl-C signals that whole group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEMO_LIVE_SECONDS: '0', PORT: String(port) },
  });
  const onData = (b: Buffer) => {
    out += b.toString();
    log.write(b);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<string>((r) =>
    child.once('exit', (code, signal) => r(code === null ? `signal ${signal}` : `code ${code}`)),
  );
  const seen: ProcSet = new Map();
  const timer = setInterval(() => descendants(child.pid!, seen), 500);
  return {
    child,
    output: () => out,
    seen,
    exited,
    stopWatching: () => {
      clearInterval(timer);
      log.end();
    },
  };
}

// ---- HTTP ------------------------------------------------------------------------------------
class Cookies {
  private jar = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, i).trim(), pair!.slice(i + 1));
    }
  }
  header() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function waitForHealth(l: Launched) {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (l.child.exitCode !== null) fail(`npm start exited with ${l.child.exitCode} before it was healthy`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok && ((await res.json()) as { status?: string }).status === 'ok') return;
    } catch {
      /* not listening yet */
    }
    await sleep(1000);
  }
  fail(`no healthy answer from ${base}/api/health within ${startTimeoutMs / 1000} s`);
}

function printedTechnician(out: string): { email: string; password: string } {
  const m = /Technician\s+(\S+@\S+)\s+(demo-\S+)/.exec(out);
  if (m) return { email: m[1]!, password: m[2]! };
  fail('the launcher did not print a Technician sign-in line');
}

async function signIn(who: { email: string; password: string }): Promise<Cookies> {
  const jar = new Cookies();
  const page = await fetch(`${base}/sign-in`);
  if (page.status !== 200) fail(`GET /sign-in answered ${page.status}`);
  const html = await page.text();
  if (!/type="password"/.test(html)) fail('the sign-in page has no password field');
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  jar.take(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ ...who, csrfToken, callbackUrl: `${base}/dashboard` }),
  });
  jar.take(res);
  const session = await fetch(`${base}/api/auth/session`, { headers: { cookie: jar.header() } });
  const body = (await session.json()) as { user?: { email?: string } } | null;
  if (body?.user?.email !== who.email)
    fail(`sign-in as ${who.email} did not produce a session (callback answered ${res.status})`);
  return jar;
}

async function openIncidentCount(jar: Cookies): Promise<number> {
  const input = encodeURIComponent(JSON.stringify({ json: { limit: 200 } }));
  const res = await fetch(`${base}/api/trpc/correlation.incidents?input=${input}`, {
    headers: { cookie: jar.header() },
  });
  if (!res.ok) fail(`correlation.incidents answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const body = (await res.json()) as { result: { data: { json: { items: unknown[] } } } };
  return body.result.data.json.items.length;
}

async function waitForIncidents(jar: Cookies, atLeast: number): Promise<number> {
  const deadline = Date.now() + 180_000;
  let n = 0;
  while (Date.now() < deadline) {
    n = await openIncidentCount(jar);
    if (n >= atLeast) return n;
    await sleep(2000);
  }
  fail(`expected at least ${atLeast} demo incidents, saw ${n} after 180 s`);
}

async function stopWithCtrlC(l: Launched, label: string) {
  descendants(l.child.pid!, l.seen);
  const before = l.seen.size;
  process.kill(-l.child.pid!, 'SIGINT');
  const code = await Promise.race([l.exited, sleep(60_000).then(() => 'timeout' as const)]);
  l.stopWatching();
  if (code === 'timeout') {
    const alive = survivors(l.seen);
    for (const p of alive) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
    fail(`${label}: npm start did not exit within 60 s of SIGINT; still running:\n  ${alive.join('\n  ')}`);
  }
  // Give the kernel a moment to reap the last children.
  let alive = survivors(l.seen);
  for (let i = 0; i < 20 && alive.length; i++) {
    await sleep(250);
    alive = survivors(l.seen);
  }
  if (alive.length) {
    for (const p of alive) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
    fail(`${label}: processes left running after Ctrl-C:\n  ${alive.join('\n  ')}`);
  }
  console.log(`smoke   ${label}: npm start exited (${code}); all ${before} processes it started are gone`);
}

// ---- the run ---------------------------------------------------------------------------------
let current: Launched | null = null;
async function main() {
  step('first start: npm start (DEMO_LIVE_SECONDS=0)');
  current = launch(1);
  step('first start: wait for /api/health');
  await waitForHealth(current);
  step('first start: sign in as the printed technician');
  const tech = printedTechnician(current.output());
  const jar = await signIn(tech);
  step('first start: the demo incidents exist');
  const first = await waitForIncidents(jar, 1);
  console.log(`smoke   ${first} open incidents visible to ${tech.email}`);
  step('first start: Ctrl-C stops every process');
  await stopWithCtrlC(current, 'first start');

  const dataDir = path.join(root, process.env.DATA_DIR ?? '.data');
  if (!existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))) fail(`${dataDir}/postgres is gone`);

  step('second start: same data folder');
  current = launch(2);
  await waitForHealth(current);
  step('second start: sign in with the same credentials');
  const jar2 = await signIn(tech);
  step('second start: the incidents survived');
  const second = await openIncidentCount(jar2);
  if (second < first) fail(`after a restart ${second} open incidents, before ${first}`);
  console.log(`smoke   ${second} open incidents after the restart (before: ${first})`);
  step('second start: Ctrl-C stops every process');
  await stopWithCtrlC(current, 'second start');
  console.log('smoke ✓ npm start works from this checkout');
}

main().catch((e: unknown) => {
  console.error(`\nsmoke ✗ step "${currentStep}" failed: ${e instanceof Error ? e.message : String(e)}`);
  if (!(e instanceof StepError) && e instanceof Error) console.error(e.stack);
  if (current) {
    console.error(`--- last lines of ${path.relative(root, logPath)} ---`);
    console.error(current.output().split('\n').slice(-40).join('\n'));
    for (const p of survivors(current.seen)) {
      try {
        process.kill(Number(p.split(' ')[0]), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  process.exit(1);
});
