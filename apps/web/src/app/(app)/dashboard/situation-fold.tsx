'use client';

// The incident board folds the incidents of one situation into one row: expand to see them,
// acknowledge, resolve or assign them all at once.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Badge, Button, ErrorNote, cx } from '~/components/ui';
import { isStaffRole, type Severity } from '@aw/core/domain';
import { severityTone, titleCase } from '~/lib/format';
import { useTRPC } from '~/trpc/react';

interface FoldableRow {
  id: string;
  situationId: string | null;
  situation: { id: string; title: string; incidentCount: number; status: string; severity: string } | null;
}

export type FoldItem<R extends FoldableRow> =
  | { kind: 'incident'; row: R; index: number }
  | { kind: 'situation'; situation: NonNullable<R['situation']>; members: { row: R; index: number }[] };

/** One item per incident in no situation, one per situation (at its first incident's place). */
export function foldRows<R extends FoldableRow>(rows: R[]): FoldItem<R>[] {
  const out: FoldItem<R>[] = [];
  const bySituation = new Map<string, Extract<FoldItem<R>, { kind: 'situation' }>>();
  rows.forEach((row, index) => {
    if (!row.situation || !row.situationId) {
      out.push({ kind: 'incident', row, index });
      return;
    }
    const cur = bySituation.get(row.situationId);
    if (cur) cur.members.push({ row, index });
    else {
      const item = { kind: 'situation' as const, situation: row.situation, members: [{ row, index }] };
      bySituation.set(row.situationId, item);
      out.push(item);
    }
  });
  return out;
}

export function SituationFold<R extends FoldableRow>({
  situation,
  fresh = false,
  members,
  colSpan,
  canAct,
  renderRow,
  onDone,
}: {
  situation: NonNullable<R['situation']>;
  /** Just formed, grew or closed (a live event): highlighted for a moment. */
  fresh?: boolean;
  members: { row: R; index: number }[];
  colSpan: number;
  canAct: boolean;
  renderRow: (r: R, i: number, nested?: boolean) => ReactNode;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const act = useMutation(trpc.correlation.actOnSituation.mutationOptions({ onSuccess: onDone }));
  const staff = useQuery({ ...trpc.members.list.queryOptions(), enabled: assigning });
  const run = (action: Parameters<typeof act.mutate>[0]['action']) =>
    act.mutate({ situationId: situation.id, action });
  return (
    <>
      <tr
        data-situation-id={situation.id}
        data-fresh={fresh || undefined}
        className={cx(
          'border-t border-indigo-200 dark:border-indigo-900',
          fresh ? 'bg-indigo-100 dark:bg-indigo-900/60' : 'bg-indigo-50/60 dark:bg-indigo-950/40',
        )}
      >
        <td colSpan={colSpan} className="px-3 py-2">
          <div className="flex flex-wrap items-center gap-2">
            <button
              type="button"
              aria-expanded={open}
              aria-label={`${open ? 'Collapse' : 'Expand'} situation ${situation.title}`}
              onClick={() => setOpen((v) => !v)}
              className="rounded px-1 font-mono text-xs"
            >
              {open ? '▾' : '▸'}
            </button>
            <Badge tone={severityTone[situation.severity as Severity]}>{titleCase(situation.severity)}</Badge>
            <span className="font-medium">Situation: {situation.title}</span>
            <Badge tone="indigo">
              {situation.incidentCount} incident{situation.incidentCount === 1 ? '' : 's'}
            </Badge>
            {members.length < situation.incidentCount ? (
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                ({members.length} match these filters)
              </span>
            ) : null}
            {canAct ? (
              <span className="ml-auto flex flex-wrap items-center gap-2">
                <Button onClick={() => run({ kind: 'acknowledge' })} disabled={act.isPending}>
                  Acknowledge all
                </Button>
                <Button
                  variant="secondary"
                  disabled={act.isPending}
                  onClick={() => {
                    const note = prompt(`Resolve every incident of "${situation.title}". Note (optional):`);
                    if (note !== null) run({ kind: 'resolve', note: note || undefined });
                  }}
                >
                  Resolve all
                </Button>
                {assigning ? (
                  <select
                    aria-label="Assign all to"
                    className={cx('rounded border px-2 py-1 text-sm dark:bg-zinc-900')}
                    defaultValue=""
                    onChange={(e) => {
                      setAssigning(false);
                      run({ kind: 'assign', assigneeId: e.target.value || null });
                    }}
                  >
                    <option value="">Unassigned</option>
                    {(staff.data?.members ?? [])
                      .filter((m) => isStaffRole(m.role))
                      .map((m) => (
                        <option key={m.userId} value={m.userId}>
                          {m.name} ({m.email})
                        </option>
                      ))}
                  </select>
                ) : (
                  <Button variant="ghost" onClick={() => setAssigning(true)}>
                    Assign all
                  </Button>
                )}
              </span>
            ) : null}
          </div>
          {act.isError ? <ErrorNote>{act.error.message}</ErrorNote> : null}
        </td>
      </tr>
      {open ? members.map((m) => renderRow(m.row, m.index, true)) : null}
    </>
  );
}
