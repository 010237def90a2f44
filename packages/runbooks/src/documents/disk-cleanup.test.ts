import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHELLS, fakeBin, put, runLinuxStep, tempRoot } from '../testing/run-step.ts';

describe.each(SHELLS)('MSP-DiskCleanup under %s', (shell) => {
  it('deletes old temp files and rotated logs inside the allow-list and reports the bytes freed', () => {
    const root = tempRoot();
    put(root, 'tmp/old.bin', 1000, 30);
    put(root, 'tmp/sub/older.bin', 200, 40);
    put(root, 'tmp/new.bin', 4000);
    put(root, 'var/log/syslog', 5000, 30);
    put(root, 'var/log/syslog.1', 500, 30);
    put(root, 'var/log/app/x.log.2.gz', 300, 30);
    put(root, 'var/log/app/x.log.3.gz', 300, 1);
    put(root, 'var/log/journal/abc/system.journal', 700, 30);
    put(root, 'etc/passwd', 100, 30);
    const r = runLinuxStep(
      'MSP-DiskCleanup',
      { Paths: '/tmp,/var/log', OlderThanDays: '7', JournalMaxSize: '0' },
      { shell, root },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('freed 1200 bytes in /tmp');
    expect(r.stdout).toContain('freed 800 bytes in /var/log');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('bytes_freed=2000');
    for (const gone of ['tmp/old.bin', 'tmp/sub/older.bin', 'var/log/syslog.1', 'var/log/app/x.log.2.gz'])
      expect(existsSync(path.join(root, gone)), gone).toBe(false);
    for (const kept of [
      'tmp/new.bin',
      'var/log/syslog',
      'var/log/app/x.log.3.gz',
      'var/log/journal/abc/system.journal',
      'etc/passwd',
      'tmp/sub',
    ])
      expect(existsSync(path.join(root, kept)), kept).toBe(true);
  });

  it.each([
    ['/etc', '/etc'],
    ['a parent reference', '/tmp/../etc'],
    ['a path beside the allow-list', '/var/logs'],
    ['a parent of the allow-list', '/var'],
  ])('refuses %s and deletes nothing, even from the allowed paths listed first', (_label, bad) => {
    const root = tempRoot();
    const old = put(root, 'tmp/old.bin', 1000, 30);
    const etc = put(root, 'etc/shadow', 10, 30);
    const r = runLinuxStep(
      'MSP-DiskCleanup',
      { Paths: `/tmp,${bad}`, OlderThanDays: '7', JournalMaxSize: '0' },
      {
        shell,
        root,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refused: ${bad} is outside the allow-list`);
    expect(existsSync(old)).toBe(true);
    expect(existsSync(etc)).toBe(true);
  });

  it('refuses an allowed name that is a symlink leading outside the allow-list or the root', () => {
    const root = tempRoot();
    const etc = put(root, 'etc/shadow', 10, 30);
    mkdirSync(path.join(root, 'var'), { recursive: true });
    symlinkSync(path.join(root, 'etc'), path.join(root, 'var/tmp'));
    let r = runLinuxStep(
      'MSP-DiskCleanup',
      { Paths: '/var/tmp', OlderThanDays: '7', JournalMaxSize: '0' },
      {
        shell,
        root,
      },
    );
    expect(r.code).toBe(2);
    expect(existsSync(etc)).toBe(true);
    const outside = tempRoot();
    const victim = put(outside, 'victim.bin', 10, 30);
    symlinkSync(outside, path.join(root, 'tmp'));
    r = runLinuxStep(
      'MSP-DiskCleanup',
      { Paths: '/tmp', OlderThanDays: '7', JournalMaxSize: '0' },
      { shell, root },
    );
    expect(r.code).toBe(2);
    expect(existsSync(victim)).toBe(true);
  });

  it('never follows a symlinked file to its target', () => {
    const root = tempRoot();
    const etc = put(root, 'etc/important', 10, 30);
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
    symlinkSync(etc, path.join(root, 'tmp/link'));
    const r = runLinuxStep(
      'MSP-DiskCleanup',
      { Paths: '/tmp', OlderThanDays: '1', JournalMaxSize: '0' },
      {
        shell,
        root,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bytes_freed=0');
    expect(existsSync(etc)).toBe(true);
  });

  it('vacuums the journal to JournalMaxSize and counts what it freed', () => {
    const root = tempRoot();
    put(root, 'var/log/journal/m/system@1.journal', 2048, 30);
    put(root, 'var/log/journal/m/system.journal', 100);
    const bin = fakeBin({
      journalctl: [
        'echo "$@" > "$MSP_RUNBOOK_ROOT/journalctl.args"',
        'rm -f "$MSP_RUNBOOK_ROOT/var/log/journal/m/system@1.journal"',
      ].join('\n'),
    });
    const r = runLinuxStep(
      'MSP-DiskCleanup',
      { Paths: '/tmp', OlderThanDays: '7', JournalMaxSize: '200M' },
      {
        shell,
        root,
        bin,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('skipped: /tmp (no such directory)');
    expect(r.stdout).toMatch(/freed (2048|4096) bytes in the systemd journal/);
    expect(r.stdout).toMatch(/bytes_freed=(2048|4096)\n$/);
    expect(existsSync(path.join(root, 'var/log/journal/m/system.journal'))).toBe(true);
  });
});
