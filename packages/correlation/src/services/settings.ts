// Settings CRUD: correlation configuration, maintenance windows, silences, inhibition rules.
// Reads: anyone in scope. Writes: MSP staff (configuration: owners and admins) and the client
// admin of the company. Every write is audited.
import { AppError } from '@aw/core/errors';
import { re2Problem } from '@aw/core/regex';
import { Prisma, type PrismaClient } from '@aw/db';
import { validateConfig } from '../backtest/index.ts';
import { parseMatchers } from '../engine/fields.ts';
import { parseRecurrence } from '../engine/schedule.ts';
import { DEFAULT_CONFIG, type CorrelationConfig, type Matcher, type Recurrence } from '../engine/types.ts';
import { parseSourceKinds } from '../store/rows.ts';
import { requireCompany, requirePermission, type Actor } from './access.ts';

async function audit(
  prisma: PrismaClient,
  c: { id: string; mspId: string },
  actorId: string,
  action: string,
  targetType: string,
  targetId: string | null,
  data: Record<string, unknown> = {},
) {
  await prisma.auditLog.create({
    data: { mspId: c.mspId, companyId: c.id, actorId, action, targetType, targetId, data: data as object },
  });
}

export function configOf(
  c: {
    correlationWindowMinutes: number;
    correlationWindowMode: 'FIXED' | 'ROLLING';
    correlationMaxSpanMinutes: number;
    aggregationKey: string;
    minAlertsToOpen: number;
    autoResolveQuietMinutes: number;
    autoCloseAfterMinutes: number | null;
    flapThreshold: number;
    flapWindowMinutes: number;
  },
  s?: { eventTtlMinutes: number | null; staleAfterMinutes: number; sourceKinds: unknown } | null,
): CorrelationConfig {
  return {
    windowMinutes: c.correlationWindowMinutes,
    windowMode: c.correlationWindowMode,
    maxSpanMinutes: c.correlationMaxSpanMinutes,
    aggregationKey: c.aggregationKey,
    minAlertsToOpen: c.minAlertsToOpen,
    autoResolveQuietMinutes: c.autoResolveQuietMinutes,
    autoCloseAfterMinutes: c.autoCloseAfterMinutes,
    flapThreshold: c.flapThreshold,
    flapWindowMinutes: c.flapWindowMinutes,
    eventTtlMinutes: s ? s.eventTtlMinutes : DEFAULT_CONFIG.eventTtlMinutes,
    staleAfterMinutes: s ? s.staleAfterMinutes : DEFAULT_CONFIG.staleAfterMinutes,
    sourceKinds: s ? parseSourceKinds(s.sourceKinds) : {},
  };
}

async function kindSettings(a: Actor, companyId: string) {
  return a.prisma.correlationSettings.findUnique({
    where: { companyId },
    select: { eventTtlMinutes: true, staleAfterMinutes: true, sourceKinds: true },
  });
}

export async function getCorrelationConfig(a: Actor, companyId: string): Promise<CorrelationConfig> {
  const company = await requireCompany(a, companyId);
  return configOf(company, await kindSettings(a, companyId));
}

export async function updateCorrelationConfig(
  a: Actor,
  companyId: string,
  patch: Partial<CorrelationConfig>,
): Promise<CorrelationConfig> {
  requirePermission(a.viewer, 'correlation.configure');
  const company = await requireCompany(a, companyId);
  const next = { ...configOf(company, await kindSettings(a, companyId)), ...patch };
  validateConfig(next);
  await a.prisma.company.update({
    where: { id: companyId },
    data: {
      correlationWindowMinutes: next.windowMinutes,
      correlationWindowMode: next.windowMode,
      correlationMaxSpanMinutes: next.maxSpanMinutes,
      aggregationKey: next.aggregationKey,
      minAlertsToOpen: next.minAlertsToOpen,
      autoResolveQuietMinutes: next.autoResolveQuietMinutes,
      autoCloseAfterMinutes: next.autoCloseAfterMinutes,
      flapThreshold: next.flapThreshold,
      flapWindowMinutes: next.flapWindowMinutes,
    },
  });
  const kinds = {
    eventTtlMinutes: next.eventTtlMinutes,
    staleAfterMinutes: next.staleAfterMinutes,
    sourceKinds: next.sourceKinds as object,
  };
  await a.prisma.correlationSettings.upsert({
    where: { companyId },
    create: { companyId, mspId: company.mspId, ...kinds },
    update: kinds,
  });
  await audit(a.prisma, company, a.viewer.userId, 'correlation.configured', 'company', companyId, {
    ...next,
  });
  return next;
}

function checkMatchers(raw: Matcher[], field: string, allowEmpty = false): Prisma.InputJsonValue {
  const parsed = parseMatchers(raw);
  if (parsed.length !== raw.length)
    throw new AppError('BAD_REQUEST', `invalid ${field}`, [{ field, reason: 'malformed matcher' }]);
  if (!allowEmpty && !parsed.length)
    throw new AppError('BAD_REQUEST', `${field} must not be empty`, [
      { field, reason: 'at least one matcher' },
    ]);
  // Regular expressions run on RE2 (linear time): reject what RE2 cannot compile, naming the matcher.
  const problems = parsed.flatMap((m, i) => {
    if (m.op !== '=~' && m.op !== '!~') return [];
    const reason = re2Problem(m.value);
    return reason ? [{ field: `${field}[${i}].value`, reason }] : [];
  });
  if (problems.length)
    throw new AppError('BAD_REQUEST', problems.map((p) => `${p.field}: ${p.reason}`).join('\n'), problems);
  return parsed as unknown as Prisma.InputJsonValue;
}

function checkPeriod(startsAt: Date, endsAt: Date) {
  if (!(endsAt > startsAt))
    throw new AppError('BAD_REQUEST', 'endsAt must be after startsAt', [
      { field: 'endsAt', reason: 'before start' },
    ]);
}

// ───────────── maintenance windows ─────────────

export interface MaintenanceWindowInput {
  name: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  recurrence: Recurrence | null;
  timezone: string;
}

function checkWindow(input: MaintenanceWindowInput) {
  checkPeriod(input.startsAt, input.endsAt);
  if (parseRecurrence(input.recurrence) === 'invalid')
    throw new AppError('BAD_REQUEST', 'invalid recurrence', [
      { field: 'recurrence', reason: 'weekly {days,start,durationMinutes} or cron {expr,durationMinutes}' },
    ]);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: input.timezone });
  } catch {
    throw new AppError('BAD_REQUEST', 'unknown time zone', [{ field: 'timezone', reason: input.timezone }]);
  }
}

export async function listMaintenanceWindows(a: Actor, companyId: string) {
  await requireCompany(a, companyId);
  return a.prisma.maintenanceWindow.findMany({
    where: { companyId },
    orderBy: [{ startsAt: 'desc' }, { id: 'asc' }],
  });
}

export async function saveMaintenanceWindow(
  a: Actor,
  companyId: string,
  input: MaintenanceWindowInput & { id?: string },
) {
  requirePermission(a.viewer, 'maintenanceWindow.manage');
  const c = await requireCompany(a, companyId);
  checkWindow(input);
  const data = {
    name: input.name,
    matchers: checkMatchers(input.matchers, 'matchers', true),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    recurrence: input.recurrence ? (input.recurrence as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
    timezone: input.timezone,
  };
  let row;
  if (input.id) {
    const found = await a.prisma.maintenanceWindow.findFirst({ where: { id: input.id, companyId } });
    if (!found) throw new AppError('NOT_FOUND', 'maintenance window not found');
    row = await a.prisma.maintenanceWindow.update({ where: { id: input.id }, data });
  } else {
    row = await a.prisma.maintenanceWindow.create({
      data: { ...data, mspId: c.mspId, companyId, createdById: a.viewer.userId },
    });
  }
  await audit(
    a.prisma,
    c,
    a.viewer.userId,
    input.id ? 'maintenance.updated' : 'maintenance.created',
    'maintenanceWindow',
    row.id,
    { name: input.name },
  );
  return row;
}

export async function deleteMaintenanceWindow(a: Actor, companyId: string, id: string) {
  requirePermission(a.viewer, 'maintenanceWindow.manage');
  const c = await requireCompany(a, companyId);
  const r = await a.prisma.maintenanceWindow.deleteMany({ where: { id, companyId } });
  if (!r.count) throw new AppError('NOT_FOUND', 'maintenance window not found');
  await audit(a.prisma, c, a.viewer.userId, 'maintenance.deleted', 'maintenanceWindow', id);
  return { deleted: true };
}

// ───────────── silences ─────────────

export async function listSilences(a: Actor, companyId: string, opts: { includeExpired?: boolean } = {}) {
  await requireCompany(a, companyId);
  return a.prisma.silence.findMany({
    where: { companyId, ...(opts.includeExpired ? {} : { endsAt: { gt: new Date() } }) },
    orderBy: [{ endsAt: 'desc' }, { id: 'asc' }],
  });
}

export async function createSilence(
  a: Actor,
  companyId: string,
  input: { matchers: Matcher[]; startsAt?: Date; endsAt: Date; comment: string },
) {
  requirePermission(a.viewer, 'silence.manage');
  const c = await requireCompany(a, companyId);
  const startsAt = input.startsAt ?? new Date();
  checkPeriod(startsAt, input.endsAt);
  const row = await a.prisma.silence.create({
    data: {
      mspId: c.mspId,
      companyId,
      matchers: checkMatchers(input.matchers, 'matchers'),
      startsAt,
      endsAt: input.endsAt,
      comment: input.comment,
      createdById: a.viewer.userId,
    },
  });
  await audit(a.prisma, c, a.viewer.userId, 'silence.created', 'silence', row.id, {
    endsAt: input.endsAt.toISOString(),
  });
  return row;
}

/** Expiring a silence ends it now (kept for the record, like Alertmanager's expire). */
export async function expireSilence(a: Actor, companyId: string, id: string) {
  requirePermission(a.viewer, 'silence.manage');
  const c = await requireCompany(a, companyId);
  const now = new Date();
  const r = await a.prisma.silence.updateMany({
    where: { id, companyId, endsAt: { gt: now } },
    data: { endsAt: now },
  });
  if (!r.count) throw new AppError('NOT_FOUND', 'active silence not found');
  await audit(a.prisma, c, a.viewer.userId, 'silence.expired', 'silence', id);
  return { expired: true };
}

// ───────────── inhibition rules ─────────────

export interface InhibitionRuleInput {
  name: string;
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
  enabled: boolean;
}

export async function listInhibitionRules(a: Actor, companyId: string) {
  await requireCompany(a, companyId);
  return a.prisma.inhibitionRule.findMany({
    where: { companyId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export async function saveInhibitionRule(
  a: Actor,
  companyId: string,
  input: InhibitionRuleInput & { id?: string },
) {
  requirePermission(a.viewer, 'inhibitionRule.manage');
  const c = await requireCompany(a, companyId);
  const data = {
    name: input.name,
    sourceMatchers: checkMatchers(input.sourceMatchers, 'sourceMatchers'),
    targetMatchers: checkMatchers(input.targetMatchers, 'targetMatchers'),
    equal: input.equal,
    enabled: input.enabled,
  };
  let row;
  if (input.id) {
    const r = await a.prisma.inhibitionRule.updateMany({ where: { id: input.id, companyId }, data });
    if (!r.count) throw new AppError('NOT_FOUND', 'inhibition rule not found');
    row = await a.prisma.inhibitionRule.findUniqueOrThrow({ where: { id: input.id } });
  } else {
    row = await a.prisma.inhibitionRule.create({ data: { ...data, mspId: c.mspId, companyId } });
  }
  await audit(
    a.prisma,
    c,
    a.viewer.userId,
    input.id ? 'inhibition.updated' : 'inhibition.created',
    'inhibitionRule',
    row.id,
    { name: input.name },
  );
  return row;
}

export async function deleteInhibitionRule(a: Actor, companyId: string, id: string) {
  requirePermission(a.viewer, 'inhibitionRule.manage');
  const c = await requireCompany(a, companyId);
  const r = await a.prisma.inhibitionRule.deleteMany({ where: { id, companyId } });
  if (!r.count) throw new AppError('NOT_FOUND', 'inhibition rule not found');
  await audit(a.prisma, c, a.viewer.userId, 'inhibition.deleted', 'inhibitionRule', id);
  return { deleted: true };
}
