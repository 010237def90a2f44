'use client';

// Recharts wrappers that follow the page's light/dark theme: axis text uses currentColor and the
// tooltip reads CSS variables set on the wrapper.
import type { ReactElement } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const tooltipStyle = {
  background: 'var(--chart-tooltip-bg)',
  color: 'var(--chart-tooltip-fg)',
  border: '1px solid var(--chart-grid)',
  borderRadius: 6,
  fontSize: 12,
};

function Frame({ label, height, children }: { label: string; height: number; children: ReactElement }) {
  return (
    <div
      role="img"
      aria-label={label}
      style={{ height }}
      className="w-full text-zinc-600 [--chart-grid:#e4e4e7] [--chart-tooltip-bg:#ffffff] [--chart-tooltip-fg:#18181b] dark:text-zinc-400 dark:[--chart-grid:#3f3f46] dark:[--chart-tooltip-bg:#18181b] dark:[--chart-tooltip-fg:#f4f4f5]"
    >
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}

export interface OutcomeDatum {
  name: string;
  value: number;
  color: string;
}

/** Horizontal bars: what happened to the alerts of the period. */
export function OutcomeChart({ data, label }: { data: OutcomeDatum[]; label: string }) {
  return (
    <Frame label={label} height={Math.max(160, data.length * 34)}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
        <CartesianGrid horizontal={false} stroke="var(--chart-grid)" />
        <XAxis type="number" allowDecimals={false} tick={{ fill: 'currentColor', fontSize: 12 }} />
        <YAxis
          type="category"
          dataKey="name"
          width={130}
          tick={{ fill: 'currentColor', fontSize: 12 }}
          interval={0}
        />
        <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--chart-grid)', opacity: 0.4 }} />
        <Bar dataKey="value" name="Alerts" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.name} fill={d.color} />
          ))}
        </Bar>
      </BarChart>
    </Frame>
  );
}

export interface MttrDatum {
  signature: string;
  manual: number | null;
  automated: number | null;
}

/** Grouped bars: mean minutes to resolve per signature, manual next to automated. */
export function MttrChart({ data, label }: { data: MttrDatum[]; label: string }) {
  return (
    <Frame label={label} height={Math.max(200, data.length * 40)}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
        <CartesianGrid horizontal={false} stroke="var(--chart-grid)" />
        <XAxis type="number" unit=" min" tick={{ fill: 'currentColor', fontSize: 12 }} />
        <YAxis
          type="category"
          dataKey="signature"
          width={140}
          tick={{ fill: 'currentColor', fontSize: 12 }}
          interval={0}
        />
        <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--chart-grid)', opacity: 0.4 }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="manual" name="Manual (min)" fill="#6366f1" isAnimationActive={false} />
        <Bar dataKey="automated" name="Automated (min)" fill="#10b981" isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}

export interface NoisyDatum {
  value: string;
  incidents: number;
  absorbed: number;
}

/** Stacked bars: alerts per asset or signature, split into incidents and the alerts absorbed. */
export function NoisyChart({ data, label }: { data: NoisyDatum[]; label: string }) {
  return (
    <Frame label={label} height={Math.max(180, data.length * 32)}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
        <CartesianGrid horizontal={false} stroke="var(--chart-grid)" />
        <XAxis type="number" allowDecimals={false} tick={{ fill: 'currentColor', fontSize: 12 }} />
        <YAxis
          type="category"
          dataKey="value"
          width={140}
          tick={{ fill: 'currentColor', fontSize: 12 }}
          interval={0}
        />
        <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--chart-grid)', opacity: 0.4 }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="incidents" name="Incidents" stackId="a" fill="#f97316" isAnimationActive={false} />
        <Bar
          dataKey="absorbed"
          name="Other alerts (grouped, deduplicated, suppressed)"
          stackId="a"
          fill="#a1a1aa"
          isAnimationActive={false}
        />
      </BarChart>
    </Frame>
  );
}
