import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { openDatabase, type Database } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import { resolveEffectiveTemplate } from "../../src/domain/effective-template";
import type { Viewer } from "../../src/domain/viewer";
import { createBenchDatabase } from "./bench-database";
import { startBenchProcess, stopBenchProcess } from "./bench-process";
import { createLoadClient, summarise, type Call, type LoadCase, type Sample, type Summary } from "./effective-load";
import { BINDINGS, DOMAINS, expectedFor, pushDomain, seed, type Expected } from "./effective-seed";
import { npmStartNodeFlags } from "./npm-start";

export const CONCURRENCY = 16;
const WARMUP_SECONDS = 1.5;
const ROUNDS = 4;
const PHASE_SECONDS = 2.5;
const PHASE_MAX_REQUESTS = 10_000;

export interface DriverResult {
  driver: "postgres" | "pglite";
  seedSeconds: number;
  trivial: Summary;
  effective: Summary;
  ratio: number;
  levels: Record<string, number>;
  plan: string;
  /** 1-minute load average before and after measuring: the machine may be shared. */
  load: [number, number];
}

const SERVER_ENTRY = fileURLToPath(new URL("./effective-server.ts", import.meta.url));

const EFFECTIVE = JSON.stringify(
  `query Effective($domain: String!, $app: String!, $stream: String!) {
  effectiveTemplate(domain: $domain, app: $app, stream: $stream) {
    level
    template { id name }
    config { id level appName streamName }
  }
}`,
);

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

function noErrors(answer: unknown): GraphQLAnswer {
  const a = answer as GraphQLAnswer;
  if (a.errors !== undefined || !a.data) throw new Error(`GraphQL errors: ${JSON.stringify(a).slice(0, 300)}`);
  return a;
}

const trivialCase: LoadCase = {
  name: "{ __typename }",
  next: () => ({
    body: '{"query":"{ __typename }"}',
    check(answer) {
      if (noErrors(answer).data!.__typename !== "Query") throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
    },
  }),
};

/**
 * Random (domain, app, stream): domains 0..1099 (the last 100 do not exist), app0..app10,
 * s0..s11, which mixes STREAM, APP and DOMAIN hits with misses. Each answer is compared with
 * the level and template the data set defines for it.
 */
function effectiveCase(levels: Record<string, number>): LoadCase {
  const pick = (n: number) => Math.floor(Math.random() * n);
  return {
    name: "effectiveTemplate",
    next(): Call {
      const d = pick(DOMAINS + DOMAINS / 10);
      const app = pick(11);
      const stream = pick(12);
      const expected: Expected | null = expectedFor(d, app, stream);
      const variables = { domain: pushDomain(d), app: `app${app}`, stream: `s${stream}` };
      return {
        body: `{"query":${EFFECTIVE},"variables":${JSON.stringify(variables)}}`,
        check(answer) {
          const got = noErrors(answer).data!.effectiveTemplate as {
            level: string;
            template: { name: string };
            config: { level: string; appName: string | null; streamName: string | null };
          } | null;
          const label = expected?.level ?? "none";
          levels[label] = (levels[label] ?? 0) + 1;
          const ok =
            expected === null
              ? got === null
              : got !== null &&
                got.level === expected.level &&
                got.config.level === expected.level &&
                got.template.name === expected.template &&
                got.config.appName === (expected.level === "DOMAIN" ? null : variables.app) &&
                got.config.streamName === (expected.level === "STREAM" ? variables.stream : null);
          if (!ok) throw new Error(`wrong answer for ${JSON.stringify(variables)}: ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
        },
      };
    },
  };
}

/**
 * The exact SQL resolveEffectiveTemplate sends, captured through drizzle's logger, and the
 * query inside the livesnap_effective_binding function it calls, read from pg_proc, EXPLAINed
 * with the same values (the function's own plan is what runs on every call).
 */
async function explainResolution(
  open: (logger: { logQuery(query: string, params: unknown[]): void }) => {
    db: Database;
    explain(query: string, params: unknown[]): Promise<string[]>;
    functionBody(name: string): Promise<string>;
    close(): Promise<void>;
  },
  viewer: Viewer,
): Promise<string> {
  const captured: { query: string; params: unknown[] }[] = [];
  const handle = open({ logQuery: (query, params) => captured.push({ query, params }) });
  try {
    const input = { domain: pushDomain(7), app: "app3", stream: "s4" };
    const found = await resolveEffectiveTemplate(handle.db, viewer, input);
    if (found?.level !== "STREAM") throw new Error(`EXPLAIN sample resolved to ${found?.level ?? "nothing"}`);
    const { query, params } = captured.at(-1)!;
    const body = await handle.functionBody("livesnap_effective_binding");
    const inner = /RETURN QUERY\s+([\s\S]+?);\s*END/i.exec(body)?.[1];
    if (!inner) throw new Error("no RETURN QUERY in livesnap_effective_binding");
    const statement = inner
      .replace(/\bp_domain\b/g, "$1")
      .replace(/\bp_app\b/g, "$2")
      .replace(/\bp_stream\b/g, "$3")
      .replace(/\bp_account\b/g, "$4::uuid");
    const values = [input.domain, input.app, input.stream, viewer.accountId];
    const plan = await handle.explain(`explain (analyze, costs, timing off, summary off) ${statement}`, values);
    return [`-- ${JSON.stringify(params)}`, query, "", "-- the function's query:", statement, "", ...plan].join("\n");
  } finally {
    await handle.close();
  }
}

async function measure(url: string, token: string, levels: Record<string, number>) {
  const client = createLoadClient(url, token, CONCURRENCY);
  try {
    const effective = effectiveCase(levels);
    await client.run(trivialCase, Number.MAX_SAFE_INTEGER, WARMUP_SECONDS);
    await client.run(effective, Number.MAX_SAFE_INTEGER, WARMUP_SECONDS);
    for (const k of Object.keys(levels)) delete levels[k];
    const samples: { trivial: Sample[]; effective: Sample[] } = { trivial: [], effective: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA order, so neither query always runs on a warmer or cooler server.
      const order = round % 2 === 0 ? (["trivial", "effective"] as const) : (["effective", "trivial"] as const);
      for (const which of order) {
        samples[which].push(await client.run(which === "trivial" ? trivialCase : effective, PHASE_MAX_REQUESTS, PHASE_SECONDS));
      }
    }
    return { trivial: summarise(samples.trivial), effective: summarise(samples.effective) };
  } finally {
    client.close();
  }
}

export async function runEffectiveTemplateBench(options: { driver: "postgres"; serverUrl: string } | { driver: "pglite" }): Promise<DriverResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-bench-"));
  let databaseUrl: string | undefined;
  let dropDatabase = async () => {};
  let child: ChildProcess | undefined;
  try {
    if (options.driver === "postgres") {
      const database = await createBenchDatabase(options.serverUrl);
      dropDatabase = database.drop;
      databaseUrl = database.url;
    }

    const setup = await openDatabase({ url: databaseUrl, dataDir });
    await setup.migrate();
    const seeded = await seed(setup.db).finally(() => setup.close());
    if (seeded.bindings !== BINDINGS) throw new Error(`seeded ${seeded.bindings} bindings, expected ${BINDINGS}`);

    const plan = await explainResolution((logger) => {
      if (databaseUrl) {
        const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        return {
          db: drizzlePostgres(client, { schema, logger }) as unknown as Database,
          explain: async (q, p) => {
            const lines = (await client.unsafe(q, p as never[])).map((r) => String(r["QUERY PLAN"]));
            // A prepared statement may switch to a generic plan after five runs: show that one too.
            const statement = q.replace(/^explain \([^)]*\) /, "");
            await client.unsafe(`prepare bench_resolution as ${statement}`).simple();
            await client.unsafe("set plan_cache_mode = force_generic_plan");
            // EXECUTE inside EXPLAIN takes no bind parameters, so the bench's own values go in as literals.
            const literal = (v: unknown) => (typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
            const generic = (await client.unsafe(`explain (analyze, costs, timing off, summary off) execute bench_resolution(${p.map(literal).join(", ")})`)).map(
              (r) => String(r["QUERY PLAN"]),
            );
            return [...lines, "", "generic plan (plan_cache_mode = force_generic_plan):", ...generic];
          },
          functionBody: async (name) => String((await client.unsafe("select prosrc from pg_proc where proname = $1", [name]))[0]!.prosrc),
          close: () => client.end(),
        };
      }
      const client = new PGlite(path.join(dataDir, "pglite"));
      return {
        db: drizzlePglite(client, { schema, logger }) as unknown as Database,
        explain: async (q, p) => (await client.query<Record<string, unknown>>(q, p)).rows.map((r) => String(r["QUERY PLAN"])),
        functionBody: async (name) =>
          String((await client.query<{ prosrc: string }>("select prosrc from pg_proc where proname = $1", [name])).rows[0]!.prosrc),
        close: () => client.close(),
      };
    }, seeded.viewer);

    const env: Record<string, string> = { HOST: "127.0.0.1", PORT: "0", RTMP_PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "silent" };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    const server = await startBenchProcess(SERVER_ENTRY, env);
    child = server.child;

    const levels: Record<string, number> = {};
    const loadBefore = loadavg()[0]!;
    const { trivial, effective } = await measure(server.url, seeded.token, levels);
    return {
      driver: options.driver,
      seedSeconds: seeded.seconds,
      trivial,
      effective,
      ratio: effective.throughput / trivial.throughput,
      levels,
      plan,
      load: [loadBefore, loadavg()[0]!],
    };
  } finally {
    if (child) await stopBenchProcess(child);
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  }
}
