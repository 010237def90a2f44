// A small Dockerfile reader and the rules our images must keep. No container engine runs in CI
// and no hadolint package exists in Debian or on npm, so the checks that matter are written here:
// pinned bases (hadolint DL3006/DL3007), exec-form CMD (DL3025), absolute WORKDIR (DL3000), no
// `cd` in RUN (DL3003), COPY rather than ADD (DL3020), apt-get hygiene (DL3008/DL3015/DL3009),
// no sudo (DL3004), plus ours: a non-root numeric USER and a HEALTHCHECK in the final stage, COPY
// sources that exist, COPY --from stages that exist, npm scripts that exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  line: number;
  op: string;
  args: string;
}

export interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined, comments and blank lines dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let l = lines[i]!.trim();
    if (!l || l.startsWith('#')) continue;
    while (l.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i]!.trim();
      if (next.startsWith('#')) continue;
      l = `${l.slice(0, -1).trimEnd()} ${next}`;
    }
    const m = /^(\S+)\s*(.*)$/.exec(l)!;
    out.push({ line: first, op: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ image: m?.[1] ?? ins.args, name: m?.[2] ?? null, instructions: [] });
    } else stages.at(-1)?.instructions.push(ins);
  }
  return stages;
}

function execForm(args: string): string[] | null {
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

function copySources(args: string): { from: string | null; sources: string[] } {
  const parts = args.split(/\s+/);
  let from: string | null = null;
  const rest: string[] = [];
  for (const p of parts) {
    if (p.startsWith('--from=')) from = p.slice(7);
    else if (!p.startsWith('--')) rest.push(p);
  }
  const json = execForm(args.replace(/^(--\S+\s+)*/, ''));
  const all = json ?? rest;
  return { from, sources: all.slice(0, -1) };
}

function workspaces(root: string): Map<string, { dir: string; scripts: Record<string, string> }> {
  const out = new Map<string, { dir: string; scripts: Record<string, string> }>();
  const read = (dir: string) =>
    JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      scripts?: Record<string, string>;
    };
  const rootPkg = read('.');
  out.set(rootPkg.name, { dir: '.', scripts: rootPkg.scripts ?? {} });
  for (const dir of ['apps/web', 'operator', ...listPackages(root)]) {
    const p = read(dir);
    out.set(p.name, { dir, scripts: p.scripts ?? {} });
  }
  return out;
}

function listPackages(root: string): string[] {
  return readdirSync(path.join(root, 'packages'))
    .filter((d) => existsSync(path.join(root, 'packages', d, 'package.json')))
    .map((d) => `packages/${d}`);
}

/** Every rule broken by the Dockerfile at `file` (build context: `root`), as readable messages. */
export function checkDockerfile(text: string, root: string): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const stages = stagesOf(instructions);
  if (stages.length < 2) problems.push('not multi-stage: build in one stage, run in a smaller one');
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  const ws = workspaces(root);

  for (const s of stages) {
    const pinned = /@sha256:[0-9a-f]{64}$/.test(s.image) || /:\d+\.\d+\.\d+[\w.-]*$/.test(s.image);
    if (!names.has(s.image) && !pinned)
      problems.push(`FROM ${s.image}: pin the base image by digest or an exact x.y.z tag`);
  }
  for (const ins of instructions) {
    const at = `line ${ins.line} ${ins.op}`;
    if (ins.op === 'ADD') problems.push(`${at}: use COPY for local files`);
    if (ins.op === 'WORKDIR' && !ins.args.startsWith('/')) problems.push(`${at}: WORKDIR must be absolute`);
    if (ins.op === 'CMD' || ins.op === 'ENTRYPOINT')
      if (!execForm(ins.args)) problems.push(`${at}: use the exec (JSON) form`);
    if (ins.op === 'RUN') {
      if (/(^|&&|;)\s*cd\s/.test(ins.args)) problems.push(`${at}: use WORKDIR instead of cd`);
      if (/\bsudo\b/.test(ins.args)) problems.push(`${at}: no sudo`);
      if (/apt-get install/.test(ins.args)) {
        if (!/--no-install-recommends/.test(ins.args))
          problems.push(`${at}: apt-get install --no-install-recommends`);
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(ins.args))
          problems.push(`${at}: remove /var/lib/apt/lists`);
      }
      for (const m of ins.args.matchAll(/npm run (\S+)((?:\s+--?\S+)*?)\s+(?:-w|--workspace)[ =](\S+)/g)) {
        const w = ws.get(m[3]!);
        if (!w) problems.push(`${at}: no workspace ${m[3]}`);
        else if (!w.scripts[m[1]!]) problems.push(`${at}: ${m[3]} has no script "${m[1]}"`);
      }
      for (const m of ins.args.matchAll(/npm ci\b[^&]*?--workspace[ =](\S+)/g))
        if (!ws.has(m[1]!)) problems.push(`${at}: no workspace ${m[1]}`);
      // Files the build copies around by name must exist in the repository.
      for (const m of ins.args.matchAll(/\bcp (?:-r )?((?:[\w./-]+ )+)[\w./-]+/g))
        for (const src of m[1]!.trim().split(' '))
          if (!src.includes('.next/') && !existsSync(path.join(root, src)))
            problems.push(`${at}: cp source ${src} does not exist`);
    }
    if (ins.op === 'COPY') {
      const { from, sources } = copySources(ins.args);
      if (from) {
        if (!names.has(from)) problems.push(`${at}: --from=${from} names no earlier stage`);
      } else
        for (const src of sources)
          if (!existsSync(path.join(root, src))) problems.push(`${at}: source ${src} does not exist`);
    }
  }

  const final = stages.at(-1);
  if (final) {
    const users = final.instructions.filter((i) => i.op === 'USER');
    const user = users.at(-1)?.args.split(':')[0];
    if (!user) problems.push('final stage: no USER (it would run as root)');
    else if (user === 'root' || user === '0') problems.push('final stage: USER is root');
    else if (!/^\d+$/.test(user))
      problems.push('final stage: USER must be numeric (runAsNonRoot can check it)');
    if (!final.instructions.some((i) => i.op === 'HEALTHCHECK')) problems.push('final stage: no HEALTHCHECK');
    if (!final.instructions.some((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT'))
      problems.push('final stage: no CMD');
  }
  return problems;
}

/** The command the final stage runs and its working directory. */
export function finalCommand(text: string): { cmd: string[]; workdir: string } {
  const final = stagesOf(parseDockerfile(text)).at(-1)!;
  const workdir = final.instructions.filter((i) => i.op === 'WORKDIR').at(-1)?.args ?? '/';
  const cmd = execForm(final.instructions.filter((i) => i.op === 'CMD').at(-1)?.args ?? '[]') ?? [];
  return { cmd, workdir };
}
