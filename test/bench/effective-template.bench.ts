/**
 * effectiveTemplate(domain, app, stream) over the real HTTP server at 100,000 bindings, against
 * the same server's `{ __typename }`, on PostgreSQL and on embedded PGlite. See BENCHMARKS.md.
 *
 *   npx vitest bench --run --config vitest.bench.config.ts test/bench/effective-template.bench.ts
 *
 * PostgreSQL comes from BENCH_DATABASE_URL (a server URL; a database is created and dropped),
 * default postgres://postgres@127.0.0.1:5432/postgres. BENCH_SKIP_PGLITE=1 skips PGlite.
 */
import { cpus } from "node:os";
import { bench, describe } from "vitest";
import { runEffectiveTemplateBench, type DriverResult } from "./effective-run";

const results: DriverResult[] = [];

function table(rows: DriverResult[]): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (n: number, digits = 0) => n.toFixed(digits).padStart(9);
  const lines = [
    `${pad("driver", 11)}${pad("query", 20)}${"requests".padStart(9)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}`,
  ];
  for (const r of rows) {
    for (const [name, s] of [["{ __typename }", r.trivial], ["effectiveTemplate", r.effective]] as const) {
      lines.push(`${pad(r.driver, 11)}${pad(name, 20)}${num(s.requests)}${num(s.throughput)}${num(s.p50, 2)}${num(s.p99, 2)}`);
    }
    lines.push(`${pad(r.driver, 11)}seeded in ${r.seedSeconds.toFixed(1)} s; measured answers by level: ${JSON.stringify(r.levels)}; load average ${r.load.map((l) => l.toFixed(1)).join(" -> ")} on ${cpus().length} cores`);
    const verdict = r.ratio >= 0.6 ? "meets" : "BELOW";
    lines.push(`${pad(r.driver, 11)}throughput ratio effectiveTemplate / __typename = ${r.ratio.toFixed(2)} (${verdict} the 0.6 target)`);
  }
  return lines.join("\n");
}

describe("effectiveTemplate at 100,000 bindings", () => {
  const once = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };

  bench(
    "PostgreSQL",
    async () => {
      const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
      results.push(await runEffectiveTemplateBench({ driver: "postgres", serverUrl: url }));
      console.log(`\n${table(results.slice(-1))}\n\nEXPLAIN ANALYZE of the resolution query:\n${results.at(-1)!.plan}\n`);
    },
    once,
  );

  bench.skipIf(process.env.BENCH_SKIP_PGLITE === "1")(
    "PGlite",
    async () => {
      results.push(await runEffectiveTemplateBench({ driver: "pglite" }));
      console.log(`\n${table(results.slice(-1))}\n\nEXPLAIN ANALYZE of the resolution query:\n${results.at(-1)!.plan}\n\nsummary (concurrency 16, keep-alive HTTP, every answer checked)\n${table(results)}\n`);
    },
    once,
  );
});
