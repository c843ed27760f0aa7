import type { LoadOptions, LoadResult } from './load.ts';
import type { BenchTarget } from './target.ts';

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const int = (value: number) => (Number.isNaN(value) ? '–' : Math.round(value).toLocaleString('en-US'));

/** CPU milliseconds the server spent per 1,000 deliveries: efficiency independent of load. */
export function cpuPerThousand(result: LoadResult): number {
  return (result.serverCpuSeconds * 1000) / (result.delivered / 1000);
}

/** A Markdown report: the setup, one table row per target, ratios against the first target. */
export function renderReport(options: LoadOptions, targets: readonly BenchTarget[], results: readonly LoadResult[], machine: string): string {
  const offered = options.rooms * options.clientsPerRoom * options.ratePerClient;
  const lines = [
    `Load: ${options.rooms} rooms × ${options.clientsPerRoom} clients, each sending ${options.ratePerClient} msg/s ` +
      `(${int(offered)} msg/s, ${int(offered * (options.clientsPerRoom - 1))} deliveries/s offered), ` +
      `~${options.paddingChars + 60}-character messages, ${options.durationMs / 1000} s measured after ${options.warmupMs / 1000} s warm-up.`,
    `Machine: ${machine}. Clients and servers share it; latency is send → receive on one clock.`,
    '',
    '| Target | Deliveries/s | p50 ms | p90 ms | p99 ms | max ms | Lost | Duplicates | Server CPU (% of a core) | CPU ms / 1k deliveries | Server RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.target} | ${int(r.deliveriesPerSecond)} | ${ms(r.latency.p50)} | ${ms(r.latency.p90)} | ${ms(r.latency.p99)} | ${ms(r.latency.max)} | ` +
        `${int(r.lost)} | ${int(r.duplicates)} | ${int(r.serverCpuPercent)} | ${ms(cpuPerThousand(r))} | ${int(r.serverRssMiB)} |`,
    );
  }
  lines.push('', 'What a delivery is:');
  for (const t of targets) lines.push(`- ${t.name}: ${t.delivery}.`);
  const extras = results.flatMap((r) => Object.entries(r.extra).map(([name, s]) => `- ${r.target}, ${name}: p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms (${int(s.count)} sends).`));
  if (extras.length > 0) lines.push('', ...extras);
  const base = results[0];
  if (base && results.length > 1) {
    lines.push('', `Ratios to ${base.target} (same run):`);
    for (const r of results.slice(1)) {
      lines.push(
        `- ${r.target}: p50 ×${(r.latency.p50 / base.latency.p50).toFixed(2)}, p99 ×${(r.latency.p99 / base.latency.p99).toFixed(2)}, ` +
          `CPU per delivery ×${(cpuPerThousand(r) / cpuPerThousand(base)).toFixed(2)}.`,
      );
    }
  }
  const problems = results.filter((r) => r.errors.length > 0);
  for (const r of problems) lines.push('', `${r.target} reported ${r.errors.length} error(s), first: ${r.errors[0]}`);
  return lines.join('\n');
}
