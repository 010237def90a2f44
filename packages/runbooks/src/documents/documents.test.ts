import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCatalogModule } from './catalog-module.ts';
import { INJECTION_PROBES, SHIPPED_DOCUMENTS, checkParameterValues, validateDocument } from './index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mutations poke at arbitrary JSON
type Doc = any;

const byName = (n: string) => SHIPPED_DOCUMENTS.find((d) => d.name === n)!;

describe('shipped documents', () => {
  it('ships the three Command documents and the Automation document', () => {
    expect(SHIPPED_DOCUMENTS.map((d) => `${d.name}:${d.type}`)).toEqual([
      'MSP-DiskCleanup:Command',
      'MSP-LogRotation:Command',
      'MSP-ServiceRecovery:Automation',
      'MSP-ServiceRestart:Command',
    ]);
  });

  it('the generated catalog is current with documents/ (npm run build:documents -w @aw/runbooks)', () => {
    const file = readFileSync(path.resolve(import.meta.dirname, 'generated/catalog.ts'), 'utf8');
    expect(file).toBe(renderCatalogModule());
  });

  it.each(SHIPPED_DOCUMENTS.map((d) => [d.name, d] as const))('%s passes the schema rules', (_n, d) => {
    expect(validateDocument(d.content)).toEqual([]);
  });

  it.each(SHIPPED_DOCUMENTS.map((d) => [d.name, d] as const))(
    '%s: every parameter refuses every injection probe',
    (_n, d) => {
      const params = Object.keys((JSON.parse(d.content) as { parameters: object }).parameters);
      for (const p of params)
        for (const probe of INJECTION_PROBES) {
          const r = checkParameterValues(d.content, { [p]: probe });
          expect(r.ok, `${p} = ${JSON.stringify(probe)}`).toBe(false);
          if (!r.ok) expect(r.problems.find((x) => x.field === p)?.reason).toMatch(/allowed pattern/);
        }
    },
  );

  it('Command documents have one Linux shell step and one Windows PowerShell step', () => {
    for (const d of SHIPPED_DOCUMENTS.filter((x) => x.type === 'Command')) {
      const steps = (JSON.parse(d.content) as { mainSteps: { action: string; precondition: unknown }[] })
        .mainSteps;
      expect(steps.map((s) => [s.action, s.precondition])).toEqual([
        ['aws:runShellScript', { StringEquals: ['platformType', 'Linux'] }],
        ['aws:runPowerShellScript', { StringEquals: ['platformType', 'Windows'] }],
      ]);
    }
  });
});

describe('checkParameterValues', () => {
  const disk = byName('MSP-DiskCleanup').content;
  it('fills defaults and accepts matching values', () => {
    expect(checkParameterValues(disk, { OlderThanDays: '14' })).toEqual({
      ok: true,
      values: {
        OlderThanDays: '14',
        Paths: '/tmp,/var/tmp,/var/log,/var/cache/apt/archives',
        JournalMaxSize: '500M',
      },
    });
  });
  it('names every refused field with its reason', () => {
    const r = checkParameterValues(byName('MSP-ServiceRestart').content, { Bogus: 'x', VerifySeconds: 5 });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: 'Bogus', reason: 'is not a parameter of this document' },
        { field: 'VerifySeconds', reason: 'must be a string' },
        { field: 'ServiceName', reason: 'is required' },
      ],
    });
  });
  it('keeps implicit parameters (AutomationAssumeRole) out of the caller’s hands', () => {
    const rec = byName('MSP-ServiceRecovery').content;
    const r = checkParameterValues(
      rec,
      {
        InstanceId: 'i-0123456789abcdef0',
        ServiceName: 'nginx',
        AutomationAssumeRole: 'arn:aws:iam::111122223333:role/x',
      },
      ['AutomationAssumeRole'],
    );
    expect(r.ok).toBe(false);
    expect(
      checkParameterValues(rec, { InstanceId: 'i-0123456789abcdef0', ServiceName: 'nginx' }, [
        'AutomationAssumeRole',
      ]),
    ).toEqual({
      ok: true,
      values: { InstanceId: 'i-0123456789abcdef0', ServiceName: 'nginx', SettleSeconds: 'PT60S' },
    });
  });
});

describe('validateDocument catches what SSM or the platform would refuse', () => {
  const base = () => JSON.parse(byName('MSP-ServiceRestart').content) as Doc;
  const problems = (mutate: (d: Doc) => void) => {
    const d = base();
    mutate(d);
    return validateDocument(JSON.stringify(d));
  };

  it.each([
    [
      'a parameter without allowedPattern',
      (d: Doc) => delete d.parameters.ServiceName.allowedPattern,
      'parameters.ServiceName.allowedPattern: required',
    ],
    [
      'an unanchored pattern',
      (d: Doc) => (d.parameters.ServiceName.allowedPattern = '[a-z]+'),
      'must be anchored',
    ],
    [
      'a pattern that lets shell through',
      (d: Doc) => (d.parameters.ServiceName.allowedPattern = '^.+$'),
      'accepts the injection probe "; rm -rf /"',
    ],
    [
      'a default outside the pattern',
      (d: Doc) => (d.parameters.VerifySeconds.default = '999'),
      'parameters.VerifySeconds.default: does not match',
    ],
    [
      'an unsupported parameter type',
      (d: Doc) => (d.parameters.ServiceName.type = 'Number'),
      'parameters.ServiceName.type: must be one of',
    ],
    [
      'a shell step for Windows',
      (d: Doc) => (d.mainSteps[0].precondition.StringEquals[1] = 'Windows'),
      'aws:runShellScript cannot run on platformType Windows',
    ],
    [
      'a missing precondition',
      (d: Doc) => delete d.mainSteps[1].precondition,
      'mainSteps[1].precondition: must be',
    ],
    ['duplicate step names', (d: Doc) => (d.mainSteps[1].name = d.mainSteps[0].name), 'is not unique'],
    [
      'a step name with spaces',
      (d: Doc) => (d.mainSteps[0].name = 'restart linux'),
      'mainSteps[0].name: must match',
    ],
    [
      'an undeclared reference',
      (d: Doc) => d.mainSteps[0].inputs.runCommand.push("echo '{{ Nope }}'"),
      '{{ Nope }} is not a declared parameter',
    ],
    [
      'an unquoted reference',
      (d: Doc) => d.mainSteps[0].inputs.runCommand.push('echo {{ ServiceName }}'),
      'must sit inside single quotes',
    ],
    [
      'an unused parameter',
      (d: Doc) => (d.parameters.Extra = { type: 'String', description: 'x', allowedPattern: '^a$' }),
      'parameters.Extra: declared but never used',
    ],
    [
      'another action',
      (d: Doc) => (d.mainSteps[0].action = 'aws:runDocument'),
      'must be aws:runShellScript or aws:runPowerShellScript',
    ],
    ['a wrong schemaVersion', (d: Doc) => (d.schemaVersion = '1.2'), 'schemaVersion: must be'],
  ])('%s', (_label, mutate, expected) => {
    expect(problems(mutate).join('\n')).toContain(expected);
  });

  it('automation: onFailure and nextStep must name steps, assumeRole must be the parameter', () => {
    const d = JSON.parse(byName('MSP-ServiceRecovery').content) as Doc;
    d.mainSteps[0].onFailure = 'step:nowhere';
    d.mainSteps[1].nextStep = 'gone';
    d.assumeRole = 'arn:aws:iam::111122223333:role/x';
    d.mainSteps[3].isEnd = false;
    const p = validateDocument(JSON.stringify(d)).join('\n');
    expect(p).toContain('mainSteps[0].onFailure: names no step');
    expect(p).toContain('mainSteps[1].nextStep: names no step');
    expect(p).toContain('assumeRole: must be');
    expect(p).toContain('the last step must end the execution');
  });
});
