/**
 * Authenticated `{ __typename }` through livesnap against a bare graphql-yoga server, on
 * PostgreSQL and on embedded PGlite. Target: at least 0.7 of bare yoga's throughput. See BENCHMARKS.md.
 *
 *   npx vitest bench --run --config vitest.bench.config.ts test/bench/auth.bench.ts
 *
 * BENCH_DATABASE_URL names the PostgreSQL server (a database is created and dropped),
 * BENCH_SKIP_PGLITE=1 skips PGlite, BENCH_AUTH_RUNS repeats each driver (default 1).
 */
import { cpus } from "node:os";
import { bench, describe } from "vitest";
import { benchServerUrl } from "./bench-database";
import { CONCURRENCY, runAuthBench, type AuthResult } from "./auth-run";

const TARGET = 0.7;
const RUNS = Number(process.env.BENCH_AUTH_RUNS ?? 1);
const results: AuthResult[] = [];

function table(rows: AuthResult[]): string {
  const num = (n: number, digits = 0) => n.toFixed(digits).padStart(9);
  const lines = [
    `${"driver".padEnd(11)}${"server".padEnd(20)}${"requests".padStart(9)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"CPU µs/req".padStart(12)}`,
  ];
  for (const r of rows) {
    for (const [name, s] of [["bare graphql-yoga", r.bare], ["livesnap + token", r.livesnap]] as const) {
      lines.push(`${r.driver.padEnd(11)}${name.padEnd(20)}${num(s.requests)}${num(s.throughput)}${num(s.p50, 2)}${num(s.p99, 2)}${num(s.cpuMicros).padStart(12)}`);
    }
    lines.push(
      `${r.driver.padEnd(11)}ratio ${r.ratio.toFixed(2)} (${r.ratio >= TARGET ? "meets" : "BELOW"} ${TARGET}), median of rounds ${r.medianRoundRatio.toFixed(2)}, by CPU per request ${r.cpuRatio.toFixed(2)}; load average ${r.load.map((l) => l.toFixed(1)).join(" -> ")}`,
    );
  }
  return lines.join("\n");
}

describe("authenticated { __typename } against bare graphql-yoga", () => {
  const once = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };

  bench(
    "PostgreSQL",
    async () => {
      for (let i = 0; i < RUNS; i++) results.push(await runAuthBench({ driver: "postgres", serverUrl: benchServerUrl() }));
      console.log(`\n${table(results.filter((r) => r.driver === "postgres"))}\n`);
    },
    once,
  );

  bench.skipIf(process.env.BENCH_SKIP_PGLITE === "1")(
    "PGlite",
    async () => {
      for (let i = 0; i < RUNS; i++) results.push(await runAuthBench({ driver: "pglite" }));
      console.log(`\nsummary (concurrency ${CONCURRENCY}, keep-alive HTTP, every answer checked, ${cpus().length} cores)\n${table(results)}\n`);
    },
    once,
  );
});
