import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  const cols = [
    { header: 'name', value: (r: { name: string; n: number | null }) => r.name },
    { header: 'n', value: (r: { name: string; n: number | null }) => r.n },
  ];

  it('quotes commas, quotes and newlines, and leaves empty cells for null', () => {
    expect(toCsv(cols, [{ name: 'a,"b"\nc', n: null }])).toBe('name,n\r\n"a,""b""\nc",\r\n');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const out = toCsv(cols, [
      { name: '=HYPERLINK("http://x")', n: -1 },
      { name: '@SUM(A1)', n: 2 },
      { name: '+1', n: 3 },
    ]);
    expect(out.split('\r\n').slice(1, 4)).toEqual([
      '"\'=HYPERLINK(""http://x"")",-1',
      "'@SUM(A1),2",
      "'+1,3",
    ]);
  });
});
