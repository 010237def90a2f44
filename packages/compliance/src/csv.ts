// CSV for every compliance table: RFC 4180 quoting, and cells that a spreadsheet would run as a
// formula (= + - @ tab CR at the start) prefixed with a quote.
export type CsvValue = string | number | boolean | Date | null | undefined;

function cell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(columns: { header: string; value: (row: T) => CsvValue }[], rows: T[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
