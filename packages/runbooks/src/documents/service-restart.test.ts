import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHELLS, fakeBin, runLinuxStep, tempRoot } from '../testing/run-step.ts';

// A fake systemctl: units listed in $STATE/units exist; `restart` makes a unit active unless
// $STATE/broken names it; `is-active` answers from $STATE/<unit>.state. Every call is logged.
const SYSTEMCTL = `
log="$STATE/calls"; echo "$*" >> "$log"
cmd=$1; shift
[ "$1" = "--quiet" ] && { q=1; shift; }
[ "$1" = "--no-pager" ] && shift
[ "$1" = "--lines=20" ] && shift
[ "$1" = "--" ] && shift
unit=$1
case "$cmd" in
  cat) grep -qx "$unit" "$STATE/units" ;;
  restart) if grep -qx "$unit" "$STATE/broken" 2>/dev/null; then echo failed > "$STATE/$unit.state"; exit 1; fi
           echo active > "$STATE/$unit.state" ;;
  is-active) s=$(cat "$STATE/$unit.state" 2>/dev/null || echo inactive); [ -z "$q" ] && echo "$s"; [ "$s" = active ] ;;
  status) echo "● $unit - fake"; echo "   Active: $(cat "$STATE/$unit.state" 2>/dev/null)" ;;
  *) exit 64 ;;
esac`;

function setup(units: string[], broken: string[] = []) {
  const state = tempRoot();
  writeFileSync(path.join(state, 'units'), units.join('\n') + '\n');
  writeFileSync(path.join(state, 'broken'), broken.join('\n') + '\n');
  writeFileSync(path.join(state, 'calls'), '');
  return {
    state,
    bin: fakeBin({ systemctl: SYSTEMCTL }),
    calls: () => readFileSync(path.join(state, 'calls'), 'utf8'),
  };
}

describe.each(SHELLS)('MSP-ServiceRestart under %s', (shell) => {
  it('restarts the unit and verifies it is active', () => {
    const t = setup(['nginx.service']);
    const r = runLinuxStep(
      'MSP-ServiceRestart',
      { ServiceName: 'nginx', VerifySeconds: '5' },
      {
        shell,
        bin: t.bin,
        env: { STATE: t.state },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('active: nginx.service is running 0s after the restart');
    expect(t.calls()).toContain('restart -- nginx.service');
  });

  it('fails with the unit state when the service does not come back', () => {
    const t = setup(['postgresql@15-main.service'], ['postgresql@15-main.service']);
    const r = runLinuxStep(
      'MSP-ServiceRestart',
      { ServiceName: 'postgresql@15-main.service', VerifySeconds: '1' },
      {
        shell,
        bin: t.bin,
        env: { STATE: t.state },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed: postgresql@15-main.service is failed 1s after the restart');
    expect(r.stderr).toContain('Active: failed');
  });

  it('refuses the SSM agent itself and unknown units without restarting anything', () => {
    const t = setup(['amazon-ssm-agent.service']);
    let r = runLinuxStep(
      'MSP-ServiceRestart',
      { ServiceName: 'amazon-ssm-agent' },
      {
        shell,
        bin: t.bin,
        env: { STATE: t.state },
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refused: amazon-ssm-agent.service is the SSM agent');
    r = runLinuxStep(
      'MSP-ServiceRestart',
      { ServiceName: 'nosuch' },
      { shell, bin: t.bin, env: { STATE: t.state } },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refused: no such unit nosuch.service');
    expect(t.calls()).not.toContain('restart');
  });
});
