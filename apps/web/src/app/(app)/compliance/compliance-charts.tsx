'use client';

// Trend lines with the KPI page's chart library (recharts): compliance % per day.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const COLORS = ['#6366f1', '#10b981', '#f97316', '#ef4444', '#0ea5e9', '#a855f7', '#eab308', '#64748b'];
const tooltipStyle = {
  background: 'var(--chart-tooltip-bg)',
  color: 'var(--chart-tooltip-fg)',
  border: '1px solid var(--chart-grid)',
  borderRadius: 6,
  fontSize: 12,
};

export interface TrendSeries {
  name: string;
  points: { day: string; compliancePercent: number | null }[];
}

/** One line per series over the union of their days (gaps where a series has no sync that day). */
export function TrendChart({ series, label }: { series: TrendSeries[]; label: string }) {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  const data = days.map((day) => {
    const row: Record<string, string | number | null> = { day: day.slice(5) };
    for (const s of series) row[s.name] = s.points.find((p) => p.day === day)?.compliancePercent ?? null;
    return row;
  });
  return (
    <div
      role="img"
      aria-label={label}
      style={{ height: 240 }}
      className="w-full text-zinc-600 [--chart-grid:#e4e4e7] [--chart-tooltip-bg:#ffffff] [--chart-tooltip-fg:#18181b] dark:text-zinc-400 dark:[--chart-grid:#3f3f46] dark:[--chart-tooltip-bg:#18181b] dark:[--chart-tooltip-fg:#f4f4f5]"
    >
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        <LineChart data={data} margin={{ top: 8, right: 24, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid)" />
          <XAxis dataKey="day" tick={{ fill: 'currentColor', fontSize: 12 }} />
          <YAxis domain={[0, 100]} unit="%" tick={{ fill: 'currentColor', fontSize: 12 }} width={48} />
          <Tooltip contentStyle={tooltipStyle} />
          {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((s, i) => (
            <Line
              key={s.name}
              type="monotone"
              dataKey={s.name}
              stroke={COLORS[i % COLORS.length]}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
