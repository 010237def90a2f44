// Number formats and CSV choices of the KPI page.

export type CsvKind = 'noise' | 'mttr' | 'self-healed' | 'top-assets' | 'top-signatures' | 'runbooks';

export const CSV_LABELS: Record<CsvKind, string> = {
  noise: 'Noise reduction',
  mttr: 'MTTR by signature',
  'self-healed': 'Self-healed',
  'top-assets': 'Top noisy assets',
  'top-signatures': 'Top noisy signatures',
  runbooks: 'Runbooks',
};

export const nf = new Intl.NumberFormat();
export const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(v % 1 === 0 ? 0 : 1)} %`);

export function formatMinutes(m: number | null): string {
  if (m === null) return '—';
  if (m < 60) return `${m.toFixed(m < 10 ? 1 : 0)} min`;
  const total = Math.round(m);
  const h = Math.floor(total / 60);
  const rest = total % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}
