import { cpus, loadavg, totalmem } from 'node:os';
import { median } from './stats.ts';

const dash = '–';

/** Milliseconds (or any small quantity): 2 decimals under 10, 1 above. */
export const ms = (value: number) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value.toFixed(1)) : dash);
export const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : dash);
export const seconds = (valueMs: number) => (Number.isFinite(valueMs) ? (valueMs / 1000).toFixed(2) : dash);
export const percent = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(part === whole ? 0 : 2)} %` : dash);

/** The median of the finite values, or NaN. */
export const med = (values: readonly number[]) => median(values.filter(Number.isFinite));

/** "median [min–max]" when there is more than one value. */
export function spread(values: readonly number[], show: (v: number) => string): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return dash;
  if (finite.length === 1) return show(finite[0] ?? Number.NaN);
  return `${show(median(finite))} [${show(Math.min(...finite))}–${show(Math.max(...finite))}]`;
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, alignRightFrom = 1): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= alignRightFrom ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** Counts by reason as "reason ×n, …", or "none". */
export function reasons(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ×${v}`).join(', ');
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The 1-minute load average: how busy the machine was with other work too. */
export const loadLine = () => `load average ${loadavg()[0]?.toFixed(1) ?? dash}`;
