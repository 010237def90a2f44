// Runs a shipped document's Linux step for real: the same parameter check and {{ }} substitution
// as production, the script written to a temporary file, executed by a real shell with a fake
// root (MSP_RUNBOOK_ROOT) and fake system tools first on PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SHIPPED_DOCUMENTS, checkParameterValues, substituteParameters } from '../documents/index.ts';

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function shippedScript(docName: string, action = 'aws:runShellScript'): string {
  const doc = SHIPPED_DOCUMENTS.find((d) => d.name === docName);
  if (!doc) throw new Error(`no shipped document ${docName}`);
  const parsed = JSON.parse(doc.content) as {
    mainSteps: { action: string; inputs: { runCommand: string[] } }[];
  };
  const step = parsed.mainSteps.find((s) => s.action === action);
  if (!step) throw new Error(`${docName} has no ${action} step`);
  return step.inputs.runCommand.join('\n');
}

export function runLinuxStep(
  docName: string,
  params: Record<string, string>,
  opts: { shell: string; root?: string; bin?: string; env?: Record<string, string> },
): StepRun {
  const doc = SHIPPED_DOCUMENTS.find((d) => d.name === docName)!;
  const check = checkParameterValues(doc.content, params);
  if (!check.ok) throw new Error(`parameters refused: ${JSON.stringify(check.problems)}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'aw-step-'));
  const file = path.join(dir, '_script.sh');
  writeFileSync(file, substituteParameters(shippedScript(docName), check.values));
  const r = spawnSync(opts.shell, [file], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: `${opts.bin ? `${opts.bin}:` : ''}${process.env.PATH}`,
      ...(opts.root ? { MSP_RUNBOOK_ROOT: opts.root } : {}),
      ...opts.env,
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempRoot(): string {
  return mkdtempSync(path.join(tmpdir(), 'aw-root-'));
}

/** Writes a file of `size` bytes under `root`, optionally `ageDays` old. */
export function put(root: string, rel: string, size: number, ageDays = 0): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, 'x'.repeat(size));
  if (ageDays) {
    const t = Date.now() / 1000 - ageDays * 86_400;
    utimesSync(p, t, t);
  }
  return p;
}

/** A directory with executable fake tools (name → sh script body). */
export function fakeBin(tools: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'aw-bin-'));
  for (const [name, body] of Object.entries(tools)) {
    const p = path.join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
  }
  return dir;
}

/** The shells the Linux steps must work under: dash (/bin/sh on Debian/Ubuntu) and bash. */
export const SHELLS = ['dash', 'bash'].filter((s) => spawnSync(s, ['-c', 'true']).status === 0);
