// The SSM document schema rules the shipped documents rely on (schemaVersion 2.2 Command and 0.3
// Automation), plus the platform's own safety rules: every parameter is a String with an anchored
// allowedPattern that no injection probe passes, and every shell reference to a parameter is quoted.
// validateDocument returns every problem at once ([] = valid).

const PARAM_TYPES = new Set(['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap']);
const COMMAND_ACTIONS: Record<string, readonly string[]> = {
  'aws:runShellScript': ['Linux', 'MacOS'],
  'aws:runPowerShellScript': ['Windows'],
};
const AUTOMATION_ACTIONS = new Set([
  'aws:runCommand',
  'aws:sleep',
  'aws:executeAutomation',
  'aws:branch',
  'aws:assertAwsResourceProperty',
  'aws:waitForAwsResourceProperty',
]);
const COMMAND_STEP_KEYS = new Set(['action', 'name', 'precondition', 'inputs']);
const AUTOMATION_STEP_KEYS = new Set([
  'name',
  'action',
  'inputs',
  'onFailure',
  'nextStep',
  'isEnd',
  'timeoutSeconds',
  'maxAttempts',
  'description',
]);

/** Values an alert label could carry to break out of a shell string; no allowedPattern may accept them. */
export const INJECTION_PROBES = [
  '; rm -rf /',
  'x; rm -rf /',
  '$(id)',
  'x$(id)',
  '`id`',
  "x' ; id ; '",
  'x\nid',
  'x\rid',
  'x | id',
  'x && id',
  'x > /etc/passwd',
  '../../etc/passwd; id',
];

export interface DocumentParameter {
  type: string;
  description?: string;
  default?: unknown;
  allowedPattern?: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const REF = /\{\{\s*([A-Za-z0-9_:.]+)\s*\}\}/g;

function refsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') for (const m of value.matchAll(REF)) out.push(m[1]!);
  else if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (isObj(value)) for (const v of Object.values(value)) refsIn(v, out);
  return out;
}

function checkParameters(params: unknown, problems: string[]): Record<string, DocumentParameter> {
  if (!isObj(params)) {
    problems.push('parameters: must be an object');
    return {};
  }
  for (const [name, p] of Object.entries(params)) {
    const at = `parameters.${name}`;
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) problems.push(`${at}: name must match ^[A-Za-z0-9_]{1,128}$`);
    if (!isObj(p)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    if (typeof p.type !== 'string' || !PARAM_TYPES.has(p.type))
      problems.push(`${at}.type: must be one of ${[...PARAM_TYPES].join(', ')}`);
    else if (p.type !== 'String')
      problems.push(`${at}.type: the platform only ships String parameters (allowedPattern applies to them)`);
    if (typeof p.description !== 'string' || !p.description) problems.push(`${at}.description: required`);
    if (typeof p.allowedPattern !== 'string') {
      problems.push(`${at}.allowedPattern: required, so a label can never inject shell`);
      continue;
    }
    if (!p.allowedPattern.startsWith('^') || !p.allowedPattern.endsWith('$')) {
      problems.push(`${at}.allowedPattern: must be anchored with ^ and $`);
      continue;
    }
    let re: RegExp;
    try {
      re = new RegExp(p.allowedPattern);
    } catch (e) {
      problems.push(`${at}.allowedPattern: not a valid regular expression (${(e as Error).message})`);
      continue;
    }
    if (p.default !== undefined && (typeof p.default !== 'string' || !re.test(p.default)))
      problems.push(`${at}.default: does not match its allowedPattern`);
    const prefixes = ['', ...(typeof p.default === 'string' && p.default ? [p.default] : [])];
    for (const probe of INJECTION_PROBES)
      for (const prefix of prefixes)
        if (re.test(prefix + probe))
          problems.push(
            `${at}.allowedPattern: accepts the injection probe ${JSON.stringify(prefix + probe)}`,
          );
  }
  return params as Record<string, DocumentParameter>;
}

function checkRefs(doc: Json, params: Record<string, DocumentParameter>, problems: string[]) {
  const used = new Set(refsIn(doc.mainSteps).concat(refsIn(doc.assumeRole)));
  for (const r of used)
    if (!(r in params)) problems.push(`mainSteps: {{ ${r} }} is not a declared parameter`);
  for (const name of Object.keys(params))
    if (!used.has(name)) problems.push(`parameters.${name}: declared but never used`);
}

function checkCommandSteps(steps: unknown[], problems: string[]) {
  const platforms = new Set<string>();
  for (const [i, step] of steps.entries()) {
    const at = `mainSteps[${i}]`;
    if (!isObj(step)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    for (const k of Object.keys(step))
      if (!COMMAND_STEP_KEYS.has(k)) problems.push(`${at}.${k}: unknown key`);
    const action = String(step.action);
    const allowed = COMMAND_ACTIONS[action];
    if (!allowed) problems.push(`${at}.action: must be aws:runShellScript or aws:runPowerShellScript`);
    const pre = step.precondition;
    const eq = isObj(pre) ? pre.StringEquals : undefined;
    if (
      !isObj(pre) ||
      Object.keys(pre).length !== 1 ||
      !Array.isArray(eq) ||
      eq.length !== 2 ||
      eq[0] !== 'platformType'
    )
      problems.push(`${at}.precondition: must be { "StringEquals": ["platformType", <platform>] }`);
    else if (allowed && !allowed.includes(String(eq[1])))
      problems.push(`${at}.precondition: ${action} cannot run on platformType ${String(eq[1])}`);
    else if (platforms.has(String(eq[1])))
      problems.push(`${at}.precondition: a second step for platformType ${String(eq[1])}`);
    else platforms.add(String(eq[1]));
    const inputs = step.inputs;
    if (!isObj(inputs)) {
      problems.push(`${at}.inputs: required`);
      continue;
    }
    const lines = inputs.runCommand;
    if (!Array.isArray(lines) || !lines.length || !lines.every((l) => typeof l === 'string'))
      problems.push(`${at}.inputs.runCommand: must be a non-empty array of strings`);
    else
      for (const [n, line] of (lines as string[]).entries())
        for (const m of line.matchAll(REF)) {
          const before = line[m.index - 1];
          const after = line[m.index + m[0].length];
          if (before !== "'" || after !== "'")
            problems.push(`${at}.inputs.runCommand[${n}]: {{ ${m[1]} }} must sit inside single quotes`);
        }
    if (inputs.timeoutSeconds !== undefined) {
      const t = Number(inputs.timeoutSeconds);
      if (!Number.isInteger(t) || t < 1 || t > 172_800)
        problems.push(`${at}.inputs.timeoutSeconds: must be an integer from 1 to 172800`);
    }
  }
}

function checkAutomationSteps(
  doc: Json,
  steps: unknown[],
  params: Record<string, DocumentParameter>,
  problems: string[],
) {
  if (doc.assumeRole !== '{{ AutomationAssumeRole }}' || !params.AutomationAssumeRole)
    problems.push('assumeRole: must be "{{ AutomationAssumeRole }}" with that parameter declared');
  const names = new Set(steps.filter(isObj).map((s) => String(s.name)));
  const target = (at: string, v: unknown) => {
    if (typeof v !== 'string' || !names.has(v)) problems.push(`${at}: names no step of this document`);
  };
  for (const [i, step] of steps.entries()) {
    const at = `mainSteps[${i}]`;
    if (!isObj(step)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    for (const k of Object.keys(step))
      if (!AUTOMATION_STEP_KEYS.has(k)) problems.push(`${at}.${k}: unknown key`);
    if (!AUTOMATION_ACTIONS.has(String(step.action)))
      problems.push(`${at}.action: unsupported action ${String(step.action)}`);
    if (step.onFailure !== undefined) {
      const f = String(step.onFailure);
      if (f.startsWith('step:')) target(`${at}.onFailure`, f.slice(5));
      else if (f !== 'Abort' && f !== 'Continue')
        problems.push(`${at}.onFailure: must be Abort, Continue or step:<name>`);
    }
    if (step.nextStep !== undefined) target(`${at}.nextStep`, step.nextStep);
    if (step.isEnd !== undefined && typeof step.isEnd !== 'boolean')
      problems.push(`${at}.isEnd: must be a boolean`);
    if (step.timeoutSeconds !== undefined && !Number.isInteger(step.timeoutSeconds))
      problems.push(`${at}.timeoutSeconds: must be an integer`);
    const inputs = isObj(step.inputs) ? step.inputs : {};
    switch (step.action) {
      case 'aws:sleep':
        if (typeof inputs.Duration !== 'string' && typeof inputs.Timestamp !== 'string')
          problems.push(`${at}.inputs: aws:sleep needs Duration or Timestamp`);
        break;
      case 'aws:runCommand':
        if (typeof inputs.DocumentName !== 'string') problems.push(`${at}.inputs.DocumentName: required`);
        if (!Array.isArray(inputs.InstanceIds) && !Array.isArray(inputs.Targets))
          problems.push(`${at}.inputs: aws:runCommand needs InstanceIds or Targets`);
        break;
      case 'aws:executeAutomation':
        if (typeof inputs.DocumentName !== 'string') problems.push(`${at}.inputs.DocumentName: required`);
        break;
    }
  }
  const last = steps.at(-1);
  if (isObj(last) && last.isEnd !== true && last.nextStep === undefined)
    problems.push(`mainSteps[${steps.length - 1}]: the last step must end the execution (isEnd: true)`);
}

export function validateDocument(content: string): string[] {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return ['content: not valid JSON'];
  }
  if (!isObj(doc)) return ['content: must be a JSON object'];
  if (doc.schemaVersion !== '2.2' && doc.schemaVersion !== '0.3')
    problems.push('schemaVersion: must be "2.2" (Command) or "0.3" (Automation)');
  if (typeof doc.description !== 'string' || !doc.description) problems.push('description: required');
  const params = checkParameters(doc.parameters ?? {}, problems);
  const steps = doc.mainSteps;
  if (!Array.isArray(steps) || !steps.length) {
    problems.push('mainSteps: must be a non-empty array');
    return problems;
  }
  const names = steps.filter(isObj).map((s) => s.name);
  const namePattern = doc.schemaVersion === '0.3' ? /^[A-Za-z0-9_]{1,128}$/ : /^[A-Za-z0-9_.-]{1,128}$/;
  for (const [i, n] of names.entries()) {
    if (typeof n !== 'string' || !namePattern.test(n))
      problems.push(`mainSteps[${i}].name: must match ${namePattern.source}`);
    else if (names.indexOf(n) !== i) problems.push(`mainSteps[${i}].name: ${n} is not unique`);
  }
  if (doc.schemaVersion === '2.2') checkCommandSteps(steps, problems);
  if (doc.schemaVersion === '0.3') checkAutomationSteps(doc, steps, params, problems);
  checkRefs(doc, params, problems);
  return problems;
}
