import { closeSync, existsSync, openSync, readFileSync, statSync, symlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHELLS, fakeBin, put, runLinuxStep, tempRoot } from '../testing/run-step.ts';

describe.each(SHELLS)('MSP-LogRotation under %s', (shell) => {
  it('copytruncate: the live file keeps its inode and open writers, copies shift up to Keep', () => {
    const root = tempRoot();
    const log = put(root, 'var/log/app/app.log', 0);
    put(root, 'var/log/app/app.log.1', 11);
    put(root, 'var/log/app/app.log.2', 22);
    const fd = openSync(log, 'a');
    writeSync(fd, 'before rotation\n');
    const inode = statSync(log).ino;
    const r = runLinuxStep(
      'MSP-LogRotation',
      { Mode: 'file', LogPath: '/var/log/app/app.log', Keep: '2' },
      {
        shell,
        root,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rotated /var/log/app/app.log: 16 bytes copied to /var/log/app/app.log.1');
    expect(readFileSync(`${log}.1`, 'utf8')).toBe('before rotation\n');
    expect(readFileSync(`${log}.2`, 'utf8')).toBe('x'.repeat(11));
    expect(existsSync(`${log}.3`)).toBe(false);
    expect(statSync(log).ino).toBe(inode);
    writeSync(fd, 'after\n');
    closeSync(fd);
    expect(readFileSync(log, 'utf8')).toBe('after\n');
  });

  it('refuses paths that leave /var/log, symlinks, and missing files', () => {
    const root = tempRoot();
    const passwd = put(root, 'etc/passwd', 50);
    const real = put(root, 'var/log/real.log', 1);
    symlinkSync(passwd, path.join(root, 'var/log/passwd.log'));
    symlinkSync(real, path.join(root, 'var/log/link.log'));
    for (const [LogPath, reason] of [
      ['/var/log/../etc/passwd', 'is not under /var/log'],
      ['/var/log/passwd.log', 'is not under /var/log'],
      ['/var/log/link.log', 'is not a regular file'],
      ['/var/log/missing.log', 'is not a regular file'],
    ] as const) {
      const r = runLinuxStep('MSP-LogRotation', { Mode: 'file', LogPath }, { shell, root });
      expect(r.code, LogPath).toBe(2);
      expect(r.stderr).toContain(`refused: ${LogPath} ${reason}`);
    }
    expect(readFileSync(passwd, 'utf8')).toBe('x'.repeat(50));
    expect(existsSync(`${passwd}.1`)).toBe(false);
    expect(existsSync(`${real}.1`)).toBe(false);
  });

  it('config mode forces logrotate on the one configuration', () => {
    const root = tempRoot();
    put(root, 'etc/logrotate.d/nginx', 10);
    const bin = fakeBin({ logrotate: 'echo "$@" > "$MSP_RUNBOOK_ROOT/logrotate.args"' });
    const r = runLinuxStep(
      'MSP-LogRotation',
      { Mode: 'config', ConfigPath: '/etc/logrotate.d/nginx' },
      {
        shell,
        root,
        bin,
      },
    );
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(root, 'logrotate.args'), 'utf8').trim()).toBe(
      `-f ${path.join(statRoot(root), 'etc/logrotate.d/nginx')}`,
    );
    const missing = runLinuxStep(
      'MSP-LogRotation',
      { Mode: 'config', ConfigPath: '/etc/logrotate.d/none' },
      {
        shell,
        root,
        bin,
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('refused: /etc/logrotate.d/none does not exist');
  });
});

function statRoot(root: string) {
  return root.replace(/\/+$/, '');
}
