import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../src/db/client";
import { issueTokenForAccount } from "../../src/domain/api-tokens";
import { createBenchDatabase } from "./bench-database";
import { processCpuSeconds } from "./capture-support";
import { startBenchProcess, stopBenchProcess } from "./bench-process";
import { createLoadClient, summarise, type LoadCase, type Sample, type Summary } from "./effective-load";

export const CONCURRENCY = 16;
const WARMUP_SECONDS = 1.5;
// Short phases, many rounds: on a machine shared with other jobs the load changes from one
// second to the next, and fine interleaving spreads that over both servers alike.
const ROUNDS = 16;
const PHASE_SECONDS = 1;

const LIVESNAP_ENTRY = fileURLToPath(new URL("./effective-server.ts", import.meta.url));
const BARE_ENTRY = fileURLToPath(new URL("./yoga-bare-server.ts", import.meta.url));

export interface ServerSummary extends Summary {
  /** CPU time of the server process per answered request, microseconds. */
  cpuMicros: number;
}

export interface AuthResult {
  driver: "postgres" | "pglite";
  livesnap: ServerSummary;
  bare: ServerSummary;
  /** Throughput ratio livesnap / bare over all rounds. */
  ratio: number;
  /** Median of the per-round throughput ratios (each round loads both servers back to back). */
  medianRoundRatio: number;
  /** bare's CPU per request / livesnap's: the ratio a machine with nothing else running would show. */
  cpuRatio: number;
  /** 1-minute load average before and after measuring: the machine is shared. */
  load: [number, number];
}

/** `{ __typename }`; every answer must be exactly that, any error (UNAUTHENTICATED included) fails the run. */
const typename: LoadCase = {
  name: "{ __typename }",
  next: () => ({
    body: '{"query":"{ __typename }"}',
    check(answer) {
      const a = answer as { data?: { __typename?: string }; errors?: unknown };
      if (a.errors !== undefined || a.data?.__typename !== "Query") throw new Error(`unexpected answer ${JSON.stringify(answer).slice(0, 300)}`);
    },
  }),
};

/**
 * Authenticated `{ __typename }` through livesnap (PostgreSQL or PGlite) against a bare
 * graphql-yoga, both running at once in processes of their own, loaded in turn by one client
 * (this process) in ABBA order. See BENCHMARKS.md.
 */
export async function runAuthBench(options: { driver: "postgres"; serverUrl: string } | { driver: "pglite" }): Promise<AuthResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-bench-auth-"));
  const children: ChildProcess[] = [];
  let dropDatabase = async () => {};
  try {
    const env: Record<string, string> = { HOST: "127.0.0.1", PORT: "0", RTMP_PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "info" };
    if (options.driver === "postgres") {
      const database = await createBenchDatabase(options.serverUrl);
      dropDatabase = database.drop;
      env.DATABASE_URL = database.url;
    }
    const setup = await openDatabase({ url: env.DATABASE_URL, dataDir });
    await setup.migrate();
    const { token } = await issueTokenForAccount(setup.db, "bench-auth", "ADMIN").finally(() => setup.close());

    const livesnap = await startBenchProcess(LIVESNAP_ENTRY, env);
    children.push(livesnap.child);
    const bare = await startBenchProcess(BARE_ENTRY, {});
    children.push(bare.child);

    const clients = { livesnap: createLoadClient(livesnap.url, token, CONCURRENCY), bare: createLoadClient(bare.url, token, CONCURRENCY) };
    try {
      await clients.livesnap.run(typename, Number.MAX_SAFE_INTEGER, WARMUP_SECONDS);
      await clients.bare.run(typename, Number.MAX_SAFE_INTEGER, WARMUP_SECONDS);
      const samples: Record<"livesnap" | "bare", Sample[]> = { livesnap: [], bare: [] };
      const cpu = { livesnap: 0, bare: 0 };
      const pids = { livesnap: livesnap.child.pid!, bare: bare.child.pid! };
      const loadBefore = loadavg()[0]!;
      for (let round = 0; round < ROUNDS; round++) {
        // ABBA order, so neither server always runs on a warmer or cooler machine.
        const order = round % 2 === 0 ? (["livesnap", "bare"] as const) : (["bare", "livesnap"] as const);
        for (const which of order) {
          const cpuBefore = processCpuSeconds(pids[which]) ?? Number.NaN;
          samples[which].push(await clients[which].run(typename, Number.MAX_SAFE_INTEGER, PHASE_SECONDS));
          cpu[which] += (processCpuSeconds(pids[which]) ?? Number.NaN) - cpuBefore;
        }
      }
      const summary = (which: "livesnap" | "bare"): ServerSummary => {
        const s = summarise(samples[which]);
        return { ...s, cpuMicros: (cpu[which] / s.requests) * 1e6 };
      };
      const result = { livesnap: summary("livesnap"), bare: summary("bare") };
      const roundRatios = samples.livesnap
        .map((l, i) => l.requests / l.seconds / (samples.bare[i]!.requests / samples.bare[i]!.seconds))
        .sort((a, b) => a - b);
      return {
        driver: options.driver,
        ...result,
        ratio: result.livesnap.throughput / result.bare.throughput,
        medianRoundRatio: roundRatios[Math.floor(roundRatios.length / 2)]!,
        cpuRatio: result.bare.cpuMicros / result.livesnap.cpuMicros,
        load: [loadBefore, loadavg()[0]!],
      };
    } finally {
      clients.livesnap.close();
      clients.bare.close();
    }
  } finally {
    for (const child of children) await stopBenchProcess(child);
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  }
}
