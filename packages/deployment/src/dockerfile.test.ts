// deploy/docker/*.Dockerfile checked against this repository (no container engine runs here):
// the rules in dockerfile.ts hold for each image, the command each image runs is a file and a
// script that exist, and the checker itself catches each kind of broken Dockerfile.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfile, finalCommand } from './dockerfile.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const IMAGES = ['web', 'worker', 'operator'] as const;

describe.each(IMAGES)('deploy/docker/%s.Dockerfile', (image) => {
  const text = read(`deploy/docker/${image}.Dockerfile`);

  it('keeps every rule (pinned multi-stage, non-root, HEALTHCHECK, sources and scripts exist)', () => {
    expect(checkDockerfile(text, ROOT)).toEqual([]);
  });

  it('runs a file that exists in the repository, at the path the image lays it out', () => {
    const { cmd, workdir } = finalCommand(text);
    expect(cmd[0]).toBe('node');
    const file = cmd.find((a) => /\.(mjs|ts|js)$/.test(a))!;
    // /app in the image is the repository root (worker, operator) or the standalone tree, which
    // keeps the repository's relative paths (web).
    const inRepo = path.join(ROOT, path.relative('/app', path.join(workdir, file)));
    expect(existsSync(inRepo), inRepo).toBe(true);
  });
});

describe('the images against the package scripts', () => {
  it('the operator image runs what `npm start` runs in operator/', () => {
    const start = (JSON.parse(read('operator/package.json')) as { scripts: Record<string, string> }).scripts
      .start;
    const { cmd, workdir } = finalCommand(read('deploy/docker/operator.Dockerfile'));
    expect(workdir).toBe('/app/operator');
    expect(start).toBe(`tsx ${cmd.at(-1)}`);
    expect(cmd.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
  });

  it('the web image runs server.mjs, the file `npm start` launches, in production mode', () => {
    const { cmd } = finalCommand(read('deploy/docker/web.Dockerfile'));
    expect(cmd).toEqual(['node', 'apps/web/server.mjs', 'start']);
    expect(read('scripts/launcher/main.ts')).toContain('server.mjs');
    // The standalone build the web image copies is switched on.
    expect(read('apps/web/next.config.ts')).toMatch(/output: 'standalone'/);
  });

  it('the worker image runs what `npm run worker` runs, health on its metrics port', () => {
    const worker = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.worker;
    const text = read('deploy/docker/worker.Dockerfile');
    const { cmd, workdir } = finalCommand(text);
    expect(workdir).toBe('/app');
    expect(cmd.slice(0, 4)).toEqual(['node', '--conditions=react-server', '--import', 'tsx']);
    expect(worker).toBe(`tsx ${cmd.slice(1, 2).join(' ')} ${cmd.at(-1)}`);
    expect(text).toMatch(/WORKER_METRICS_PORT=3000\b/);
    expect(text).toMatch(/process\.env\.WORKER_METRICS_PORT/);
  });

  it('the images set their process role', () => {
    expect(read('deploy/docker/web.Dockerfile')).toMatch(/PROCESS_ROLE=web\b/);
    expect(read('deploy/docker/worker.Dockerfile')).toMatch(/PROCESS_ROLE=worker\b/);
  });

  it('.dockerignore keeps local state and secrets out of the build context', () => {
    const lines = read('.dockerignore').split('\n');
    for (const l of ['**/node_modules', '**/.next', '.data', '.git', '**/.env']) expect(lines).toContain(l);
  });
});

describe('the Dockerfile checker catches', () => {
  const good = read('deploy/docker/web.Dockerfile');
  const cases: [string, (s: string) => string, RegExp][] = [
    [
      'an unpinned base',
      (s) => s.replaceAll('node:20.20.2-bookworm-slim', 'node:20-slim'),
      /pin the base image/,
    ],
    ['a latest tag', (s) => s.replaceAll('node:20.20.2-bookworm-slim', 'node:latest'), /pin the base image/],
    ['a root user', (s) => s.replace('USER 1000:1000', 'USER root'), /USER is root/],
    ['a named user', (s) => s.replace('USER 1000:1000', 'USER node'), /USER must be numeric/],
    ['no user', (s) => s.replace('USER 1000:1000', ''), /no USER/],
    ['no healthcheck', (s) => s.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), /no HEALTHCHECK/],
    ['a missing COPY source', (s) => s.replace('COPY . .', 'COPY apps/nowhere ./'), /source apps\/nowhere/],
    ['an unknown stage', (s) => s.replace('--from=build', '--from=builder'), /names no earlier stage/],
    [
      'a script that does not exist',
      (s) => s.replace('npm run build -w @aw/web', 'npm run bundle -w @aw/web'),
      /no script "bundle"/,
    ],
    [
      'a shell-form CMD',
      (s) => s.replace('CMD ["node", "apps/web/server.mjs", "start"]', 'CMD node apps/web/server.mjs'),
      /exec \(JSON\) form/,
    ],
    ['one stage', (s) => s.slice(s.indexOf('FROM node:20.20.2-bookworm-slim AS runtime')), /not multi-stage/],
    ['cd in RUN', (s) => s.replace('RUN npm ci', 'RUN cd apps && npm ci'), /WORKDIR instead of cd/],
    ['ADD', (s) => s.replace('COPY . .', 'ADD . .'), /use COPY/],
    [
      'apt-get without hygiene',
      (s) => s.replace('RUN npm ci', 'RUN apt-get install -y curl && npm ci'),
      /--no-install-recommends/,
    ],
  ];
  it.each(cases)('%s', (_name, mutate, message) => {
    const broken = mutate(good);
    expect(broken).not.toBe(good);
    expect(checkDockerfile(broken, ROOT).join('\n')).toMatch(message);
  });
});
