'use client';

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorNote,
  Select,
  Skeleton,
  cx,
  inputClass,
} from '~/components/ui';
import { INCIDENT_STATUSES, SEVERITIES, type IncidentStatus, type Severity } from '@aw/core/domain';
import { ago, severityTone, statusTone, titleCase } from '~/lib/format';
import { useRealtime } from '~/lib/realtime/use-realtime';
import { useDebounced } from '~/lib/hooks';
import { useTRPC } from '~/trpc/react';
import { SituationFold, foldRows } from './situation-fold';

const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: 0 } as const;
type Range = keyof typeof RANGES;
type Sort = 'lastSeenAt' | 'firstSeenAt' | 'severity' | 'alertCount';

function toggle<T>(list: T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export function IncidentBoard({ isStaff, canAct }: { isStaff: boolean; canAct: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [status, setStatus] = useState<IncidentStatus[]>(['OPEN', 'ACKNOWLEDGED']);
  const [severity, setSeverity] = useState<Severity[]>([]);
  const [companyId, setCompanyId] = useState<string>('');
  const [asset, setAsset] = useState('');
  const [signature, setSignature] = useState('');
  const [searchText, setSearchText] = useState('');
  const [range, setRange] = useState<Range>('7d');
  const [sort, setSort] = useState<Sort>('lastSeenAt');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cursorIndex, setCursorIndex] = useState(0);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [showHelp, setShowHelp] = useState(false);
  const search = useDebounced(searchText.trim(), 250);
  const searchRef = useRef<HTMLInputElement>(null);
  // The range's lower bound is fixed when the range is chosen, so the query key stays stable.
  const from = useMemo(() => (RANGES[range] ? new Date(Date.now() - RANGES[range]) : undefined), [range]);

  const input = {
    companyId: companyId || null,
    status: status.length ? status : undefined,
    severity: severity.length ? severity : undefined,
    asset: asset || undefined,
    signature: signature || undefined,
    search: search || undefined,
    from,
    sort,
    limit: 50,
  };
  const companies = useQuery({ ...trpc.company.list.queryOptions(), enabled: isStaff });
  const incidents = useInfiniteQuery(
    trpc.correlation.incidents.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    }),
  );
  const rows = useMemo(() => incidents.data?.pages.flatMap((p) => p.items) ?? [], [incidents.data]);

  const refetchSoon = useRef<ReturnType<typeof setTimeout> | null>(null);
  const invalidate = useCallback(() => {
    if (refetchSoon.current) return;
    refetchSoon.current = setTimeout(() => {
      refetchSoon.current = null;
      void qc.invalidateQueries({ queryKey: trpc.correlation.incidents.infiniteQueryKey() });
      void qc.invalidateQueries({ queryKey: trpc.company.list.queryKey() });
    }, 250);
  }, [qc, trpc]);
  const live = useRealtime((m) => {
    if (m.type === 'incident.created' || (m.type === 'situation.changed' && m.payload.change !== 'updated')) {
      // A new incident, or a situation that formed, grew or closed: highlighted for a moment.
      const id = m.type === 'incident.created' ? m.payload.incidentId : m.payload.situationId;
      setFresh((s) => new Set(s).add(id));
      setTimeout(
        () =>
          setFresh((s) => {
            const n = new Set(s);
            n.delete(id);
            return n;
          }),
        4000,
      );
      invalidate();
    } else if (m.type === 'incident.updated' || m.type === 'situation.changed' || m.type === 'reset') {
      invalidate();
    }
  });

  const refresh = () => {
    setSelected(new Set());
    void qc.invalidateQueries({ queryKey: trpc.correlation.incidents.infiniteQueryKey() });
  };
  const ack = useMutation(trpc.correlation.acknowledge.mutationOptions({ onSuccess: refresh }));
  const resolve = useMutation(trpc.correlation.resolve.mutationOptions({ onSuccess: refresh }));
  const ids = [...selected];
  const actOn = (kind: 'ack' | 'resolve', targets: string[]) => {
    if (!canAct || targets.length === 0) return;
    if (kind === 'ack') ack.mutate({ ids: targets });
    else {
      const note = prompt(
        `Resolve ${targets.length} incident${targets.length === 1 ? '' : 's'}. Note (optional):`,
      );
      if (note === null) return;
      resolve.mutate({ ids: targets, note: note || undefined });
    }
  };

  // Keyboard shortcuts: j/k move, x select, Enter open, a acknowledge, r resolve, / search, ? help.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const t = e.target as HTMLElement | null;
      if (
        t &&
        (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)
      ) {
        if (e.key === 'Escape') t.blur();
        return;
      }
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const current = rows[cursorIndex];
      switch (e.key) {
        case 'j':
          setCursorIndex((i) => Math.min(i + 1, Math.max(rows.length - 1, 0)));
          break;
        case 'k':
          setCursorIndex((i) => Math.max(i - 1, 0));
          break;
        case 'x':
          if (current)
            setSelected((s) => {
              const n = new Set(s);
              if (n.has(current.id)) n.delete(current.id);
              else n.add(current.id);
              return n;
            });
          break;
        case 'Enter':
          if (current) router.push(`/incidents/${current.id}`);
          break;
        case 'a':
          actOn('ack', selected.size ? ids : current ? [current.id] : []);
          break;
        case 'r':
          actOn('resolve', selected.size ? ids : current ? [current.id] : []);
          break;
        case '/':
          e.preventDefault();
          searchRef.current?.focus();
          break;
        case '?':
          setShowHelp((v) => !v);
          break;
        default:
          return;
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  type Row = (typeof rows)[number];
  const renderRow = (r: Row, i: number, nested = false) => (
    <tr
      key={r.id}
      data-incident-id={r.id}
      data-in-situation={nested ? (r.situationId ?? undefined) : undefined}
      aria-selected={i === cursorIndex}
      className={cx(
        'border-t border-zinc-100 dark:border-zinc-800',
        i === cursorIndex && 'bg-zinc-50 dark:bg-zinc-800/60',
        fresh.has(r.id) && 'bg-indigo-50 dark:bg-indigo-950',
      )}
    >
      {canAct ? (
        <td className="px-3 py-2">
          <input
            type="checkbox"
            aria-label={`Select ${r.title}`}
            checked={selected.has(r.id)}
            onChange={() =>
              setSelected((s) => {
                const n = new Set(s);
                if (n.has(r.id)) n.delete(r.id);
                else n.add(r.id);
                return n;
              })
            }
          />
        </td>
      ) : null}
      <td className="px-3 py-2">
        <Badge tone={severityTone[r.severity as Severity]}>{titleCase(r.severity)}</Badge>
      </td>
      <td className="px-3 py-2">
        <Link href={`/incidents/${r.id}`} className="font-medium hover:underline">
          {r.title}
        </Link>
        <div className="mt-0.5 flex flex-wrap gap-2 text-xs text-zinc-500 dark:text-zinc-400">
          <button type="button" className="hover:underline" onClick={() => setAsset(r.asset)}>
            {r.asset}
          </button>
          <span aria-hidden>·</span>
          <button
            type="button"
            className="font-mono hover:underline"
            onClick={() => setSignature(r.signature)}
          >
            {r.signature}
          </button>
          {r.flapping ? <Badge tone="amber">flapping</Badge> : null}
          {r.stale ? (
            <span title="Its firing alerts sent no update for the stale time; it is not resolved for you">
              <Badge tone="zinc">stale</Badge>
            </span>
          ) : null}
        </div>
      </td>
      {isStaff ? <td className="px-3 py-2">{r.company.name}</td> : null}
      <td className="px-3 py-2 text-right font-mono">{r.alertCount}</td>
      <td className="px-3 py-2">
        <Badge tone={statusTone[r.status as IncidentStatus]}>{titleCase(r.status)}</Badge>
      </td>
      <td className="px-3 py-2">{r.assignee?.name ?? '—'}</td>
      <td className="whitespace-nowrap px-3 py-2" title={new Date(r.lastSeenAt).toLocaleString()}>
        {ago(r.lastSeenAt)}
      </td>
    </tr>
  );

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const filtersActive = severity.length > 0 || !!asset || !!signature || !!search || !!companyId;

  return (
    <div className="space-y-4">
      <Card>
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-56 flex-1">
            <label htmlFor="incident-search" className="block text-sm font-medium">
              Search
            </label>
            <input
              id="incident-search"
              ref={searchRef}
              type="search"
              placeholder="Title, asset or signature  ( / )"
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
              className={cx('mt-1', inputClass)}
            />
          </div>
          {isStaff ? (
            <div className="w-48">
              <Select
                id="filter-company"
                label="Company"
                value={companyId}
                onChange={(e) => setCompanyId(e.target.value)}
              >
                <option value="">All companies</option>
                {(companies.data ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          <div className="w-36">
            <Select
              id="filter-range"
              label="Last seen"
              value={range}
              onChange={(e) => setRange(e.target.value as Range)}
            >
              <option value="24h">24 hours</option>
              <option value="7d">7 days</option>
              <option value="30d">30 days</option>
              <option value="all">Any time</option>
            </Select>
          </div>
          <div className="w-40">
            <Select
              id="filter-sort"
              label="Sort by"
              value={sort}
              onChange={(e) => setSort(e.target.value as Sort)}
            >
              <option value="lastSeenAt">Last seen</option>
              <option value="firstSeenAt">First seen</option>
              <option value="severity">Severity</option>
              <option value="alertCount">Alert count</option>
            </Select>
          </div>
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
          <span className="text-zinc-500 dark:text-zinc-400">Status</span>
          {INCIDENT_STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={status.includes(s)}
              onClick={() => setStatus((v) => toggle(v, s))}
              className={cx(
                'rounded-full border px-2.5 py-0.5',
                status.includes(s)
                  ? 'border-indigo-500 bg-indigo-50 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100'
                  : 'border-zinc-300 dark:border-zinc-700',
              )}
            >
              {titleCase(s)}
            </button>
          ))}
          <span className="ml-3 text-zinc-500 dark:text-zinc-400">Severity</span>
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={severity.includes(s)}
              onClick={() => setSeverity((v) => toggle(v, s))}
              className={cx(
                'rounded-full border px-2.5 py-0.5',
                severity.includes(s)
                  ? 'border-indigo-500 bg-indigo-50 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100'
                  : 'border-zinc-300 dark:border-zinc-700',
              )}
            >
              {titleCase(s)}
            </button>
          ))}
          {asset ? (
            <Button
              variant="secondary"
              onClick={() => setAsset('')}
              aria-label={`Clear asset filter ${asset}`}
            >
              asset: {asset} ✕
            </Button>
          ) : null}
          {signature ? (
            <Button
              variant="secondary"
              onClick={() => setSignature('')}
              aria-label={`Clear signature filter ${signature}`}
            >
              signature: {signature} ✕
            </Button>
          ) : null}
          <span
            className="ml-auto flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400"
            aria-live="polite"
          >
            <span
              aria-hidden
              className={cx(
                'inline-block h-2 w-2 rounded-full',
                live === 'live' ? 'bg-green-500' : live === 'connecting' ? 'bg-amber-400' : 'bg-zinc-400',
              )}
            />
            <span>
              {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline, retrying'}
            </span>
            <button type="button" className="underline" onClick={() => setShowHelp((v) => !v)}>
              Shortcuts
            </button>
          </span>
        </div>
        {showHelp ? (
          <p className="mt-3 rounded-md bg-zinc-100 px-3 py-2 text-xs dark:bg-zinc-800">
            <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>x</kbd> select · <kbd>Enter</kbd> open · <kbd>a</kbd>{' '}
            acknowledge · <kbd>r</kbd> resolve · <kbd>/</kbd> search · <kbd>?</kbd> toggle this help
          </p>
        ) : null}
      </Card>

      {canAct && selected.size > 0 ? (
        <div
          role="region"
          aria-label="Bulk actions"
          className="sticky top-2 z-10 flex flex-wrap items-center gap-2 rounded-lg border border-indigo-300 bg-indigo-50 px-3 py-2 text-sm dark:border-indigo-800 dark:bg-indigo-950"
        >
          <span>{selected.size} selected</span>
          <Button onClick={() => actOn('ack', ids)} disabled={ack.isPending}>
            Acknowledge
          </Button>
          <Button variant="secondary" onClick={() => actOn('resolve', ids)} disabled={resolve.isPending}>
            Resolve
          </Button>
          <Button variant="ghost" onClick={() => setSelected(new Set())}>
            Clear
          </Button>
        </div>
      ) : null}
      {ack.isError ? <ErrorNote>{ack.error.message}</ErrorNote> : null}
      {resolve.isError ? <ErrorNote>{resolve.error.message}</ErrorNote> : null}

      {incidents.isPending ? (
        <div className="space-y-2" aria-label="Loading incidents">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-12" />
          ))}
        </div>
      ) : incidents.isError ? (
        <ErrorNote>
          Could not load incidents: {incidents.error.message}.{' '}
          <button type="button" className="underline" onClick={() => incidents.refetch()}>
            Try again
          </button>
        </ErrorNote>
      ) : rows.length === 0 ? (
        <EmptyState title={filtersActive ? 'No incidents match these filters' : 'No open incidents'}>
          {filtersActive
            ? 'Clear a filter or widen the time range.'
            : 'All quiet. New incidents appear here the moment correlated alerts arrive. Send a test alert from a company’s Onboarding page.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full min-w-[760px] text-left text-sm" aria-label="Incidents">
            <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
              <tr>
                {canAct ? (
                  <th className="w-8 px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label="Select all incidents on screen"
                      checked={allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))}
                    />
                  </th>
                ) : null}
                <th className="px-3 py-2 font-medium">Severity</th>
                <th className="px-3 py-2 font-medium">Incident</th>
                {isStaff ? <th className="px-3 py-2 font-medium">Company</th> : null}
                <th className="px-3 py-2 text-right font-medium">Alerts</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Assignee</th>
                <th className="px-3 py-2 font-medium">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {foldRows(rows).map((g) =>
                g.kind === 'incident' ? (
                  renderRow(g.row, g.index)
                ) : (
                  <SituationFold
                    key={g.situation.id}
                    situation={g.situation}
                    fresh={fresh.has(g.situation.id)}
                    members={g.members}
                    colSpan={4 + (canAct ? 1 : 0) + (isStaff ? 1 : 0) + 2}
                    canAct={canAct}
                    renderRow={renderRow}
                    onDone={refresh}
                  />
                ),
              )}
            </tbody>
          </table>
          {incidents.hasNextPage ? (
            <div className="border-t border-zinc-100 p-3 text-center dark:border-zinc-800">
              <Button
                variant="secondary"
                onClick={() => incidents.fetchNextPage()}
                disabled={incidents.isFetchingNextPage}
              >
                {incidents.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}
