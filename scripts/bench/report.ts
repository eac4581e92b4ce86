/** Plain-text tables for `npm run bench`. */

export function table(headers: string[], rows: Array<Array<string | number>>, align: Array<'l' | 'r'> = []): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => ((align[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const fmtRatio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));
export const fmtMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
export const fmtCount = (n: number): string => n.toLocaleString('en-US');

export function heading(title: string): string {
  return `\n${title}\n${'='.repeat(title.length)}`;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function checksBlock(checks: Check[]): string {
  return checks.map((c) => `  [${c.ok ? 'PASS' : 'FAIL'}] ${c.name}: ${c.detail}`).join('\n');
}
