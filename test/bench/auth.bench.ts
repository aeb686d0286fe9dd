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
  const lines = [`${"driver".padEnd(11)}${"server".padEnd(22)}${"requests".padStart(9)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"ratio".padStart(9)}`];
  for (const r of rows) {
    lines.push(`${r.driver.padEnd(11)}${"bare graphql-yoga".padEnd(22)}${num(r.bare.requests)}${num(r.bare.throughput)}${num(r.bare.p50, 2)}${num(r.bare.p99, 2)}`);
    lines.push(
      `${r.driver.padEnd(11)}${"livesnap + token".padEnd(22)}${num(r.livesnap.requests)}${num(r.livesnap.throughput)}${num(r.livesnap.p50, 2)}${num(r.livesnap.p99, 2)}${num(r.ratio, 2)} ${r.ratio >= TARGET ? "meets" : "BELOW"} ${TARGET}; load ${r.load.map((l) => l.toFixed(1)).join(" -> ")}`,
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
