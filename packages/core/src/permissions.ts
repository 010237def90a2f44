// Who may change what: one matrix of role × `resource.action`, asked through `can()` by the tRPC
// procedures, the services and the pages alike. docs/MULTI_TENANT_ISOLATION.md shows this matrix
// (`npm run docs:permissions` rewrites that table; permissions.test.ts fails when they differ).
//
// Reading is not in the matrix: whoever may see a company (tenancy, `assertCompanyAccess`) may
// read its incidents, keys, settings and AWS connection. The matrix covers changes.
import { ROLES, type Role } from './domain.ts';
import { AppError } from './errors.ts';

const O = 'OWNER';
const A = 'ADMIN';
const T = 'TECHNICIAN';
const CA = 'CLIENT_ADMIN';

/** Each permission, what it covers (for the docs), and the roles that hold it. */
export const PERMISSIONS = {
  'company.create': { roles: [O, A], doc: 'add a client company' },
  'company.update': { roles: [O, A, CA], doc: 'rename a company, set its time zone' },
  'company.onboarding.update': { roles: [O, A, CA], doc: 'move the onboarding wizard to a step' },
  'company.webhookOnly.set': { roles: [O, A, CA], doc: 'switch webhook-only mode on or off' },
  'company.awsRole.set': { roles: [O, A, CA], doc: "set the company's AWS role ARN and region" },
  'company.awsConnection.test': { roles: [O, A, T, CA], doc: 'test the AWS connection (AssumeRole)' },
  'activation.create': { roles: [O, A, CA], doc: 'mint a hybrid activation (SSM agent registration code)' },
  'activation.delete': { roles: [O, A, CA], doc: 'delete a hybrid activation' },
  'node.sync': { roles: [O, A, T, CA], doc: 'refresh the list of managed nodes from SSM' },
  'apiKey.create': { roles: [O, A, CA], doc: 'create an ingestion API key' },
  'apiKey.rotate': { roles: [O, A, CA], doc: 'rotate an ingestion API key' },
  'apiKey.revoke': { roles: [O, A, CA], doc: 'revoke an ingestion API key' },
  'apiKey.update': { roles: [O, A, CA], doc: "change a key's settings (accept unsigned requests)" },
  'signingSecret.rotate': { roles: [O, A, CA], doc: 'rotate the webhook signing secret' },
  'signingSecret.reveal': { roles: [O, A, CA], doc: 'show the webhook signing secret' },
  'company.hmacRequired.set': { roles: [O, A, CA], doc: 'require signed (HMAC) webhooks' },
  'mapping.save': { roles: [O, A, CA], doc: 'create or edit a field mapping of the generic webhook' },
  'mapping.delete': { roles: [O, A, CA], doc: 'delete a field mapping' },
  'incident.acknowledge': { roles: [O, A, T, CA], doc: 'acknowledge incidents' },
  'incident.resolve': { roles: [O, A, T, CA], doc: 'resolve incidents' },
  'incident.assign': { roles: [O, A, T, CA], doc: 'assign incidents to MSP staff' },
  'incident.note': { roles: [O, A, T, CA], doc: 'add notes to incidents' },
  'correlation.configure': { roles: [O, A], doc: 'change correlation settings (windows, grouping)' },
  'maintenanceWindow.manage': { roles: [O, A, T, CA], doc: 'create, edit, delete maintenance windows' },
  'silence.manage': { roles: [O, A, T, CA], doc: 'create and expire silences' },
  'inhibitionRule.manage': { roles: [O, A, T, CA], doc: 'create, edit, delete inhibition rules' },
  'backtest.run': { roles: [O, A, T, CA], doc: 'replay stored alerts against other settings' },
  'runbook.install': {
    roles: [O, A, T],
    doc: "install or update the MSP-* runbook documents in a company's account",
  },
  'runbook.policy.manage': { roles: [O, A], doc: 'create, edit, delete runbook policies' },
  'runbook.killSwitch': { roles: [O, A], doc: 'pause or resume self-healing for a company or the MSP' },
  'runbook.approve': { roles: [O, A, T], doc: 'approve a runbook execution waiting for approval' },
  'runbook.run': { roles: [O, A, T], doc: 'run a runbook by hand on an incident' },
  'member.invite.owner': { roles: [O], doc: 'invite, promote to, change or remove owners' },
  'member.invite.staff': { roles: [O, A], doc: 'invite, change or remove admins and technicians' },
  'member.invite.client': {
    roles: [O, A, CA],
    doc: "invite, change or remove client people (a client admin: their own company's only)",
  },
  'compliance.sync': { roles: [O, A, T], doc: "sync a company's patch compliance from SSM now" },
  'compliance.configure': {
    roles: [O, A],
    doc: 'set patch compliance schedule, retention, alert thresholds and the S3 export',
  },
  'notification.channel.manage': { roles: [O, A], doc: 'create, edit, delete notification channels' },
  'notification.channel.test': { roles: [O, A, T], doc: 'send a test message to a notification channel' },
  'notification.policy.manage': { roles: [O, A], doc: 'create, edit, delete notification policies' },
  'notification.escalation.manage': { roles: [O, A], doc: 'create and edit escalation policies' },
  'notification.oncall.manage': { roles: [O, A], doc: 'edit on-call rotations and their overrides' },
  'notification.delivery.retry': { roles: [O, A, T], doc: 'retry a failed (dead-letter) notification' },
} as const satisfies Record<string, { roles: readonly Role[]; doc: string }>;

export type Permission = keyof typeof PERMISSIONS;

/** The one check: may a member with `role` do `permission`? (Tenancy is checked separately.) */
export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

/** `can()` or a FORBIDDEN AppError naming what the role may not do. */
export function assertCan(role: Role, permission: Permission): void {
  if (!can(role, permission))
    throw new AppError('FORBIDDEN', `your role cannot ${PERMISSIONS[permission].doc} (${permission})`);
}

/** Every permission a role holds (for the UI: pass this list to client components). */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}

/** The matrix as a Markdown table: one row per permission, one column per role. */
export function permissionTable(): string {
  const head = ['Permission', 'What', ...ROLES.map((r) => `\`${r}\``)];
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map((p) => [
    `\`${p}\``,
    PERMISSIONS[p].doc,
    ...ROLES.map((r) => (can(r, p) ? 'yes' : '')),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length), 3));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
