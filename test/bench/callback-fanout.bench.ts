import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism as availableCores, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import postgres from "postgres";
import { bench, describe } from "vitest";
import { DeliveryWorker } from "../../src/callbacks/delivery-worker";
import { openDatabase, type DatabaseHandle } from "../../src/db/client";
import { createTokenAuthenticator, issueTokenForAccount } from "../../src/domain/api-tokens";
import { createInProcessEventBus } from "../../src/events/in-process-bus";
import { pendingDeliveryStats } from "../../src/domain/callback-deliveries";
import { createDomainGroup } from "../../src/domain/domain-groups";
import { createSnapshotCallback } from "../../src/domain/snapshot-callbacks";
import { recordSnapshot } from "../../src/domain/streams";
import { silentLogger } from "../../src/logger";
import { MetricsRegistry } from "../../src/metrics";
import { createFsObjectStore } from "../../src/storage/fs-store";

/**
 * Snapshots recorded at CALLBACK_BENCH_RATE per second (default 100) for CALLBACK_BENCH_SECONDS
 * (30) on one push domain with CALLBACK_BENCH_RECEIVERS STANDARD callbacks (10), each to its own
 * HTTP receiver in another process. Snapshot rows are written with the pipeline's recordSnapshot
 * and handed to the worker as onImage does; the worker runs on its default timings. Measured:
 * delay from the snapshot's record to the receiver's arrival, per delivery. CALLBACK_BENCH_DB is
 * `postgres` (default: a fresh database on BENCH_DATABASE_URL or 127.0.0.1:5432, dropped
 * afterwards) or `pglite`.
 */
const RATE = Number(process.env.CALLBACK_BENCH_RATE ?? 100);
const SECONDS = Number(process.env.CALLBACK_BENCH_SECONDS ?? 30);
const RECEIVERS = Number(process.env.CALLBACK_BENCH_RECEIVERS ?? 10);
const DRIVER = process.env.CALLBACK_BENCH_DB ?? "postgres";
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  if (DRIVER === "pglite") {
    const handle = await openDatabase({});
    await handle.migrate();
    return { handle, drop: async () => {} };
  }
  const name = `livesnap_bench_${randomBytes(6).toString("hex")}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  await handle.migrate();
  return {
    handle,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

function startReceivers() {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "callback-receivers.ts"), String(RECEIVERS)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>() => JSON.parse(String((await lines.next()).value)) as T;
  return {
    ports: () => next<{ ports: number[] }>(),
    report: async () => {
      child.stdin!.write("report\n");
      return next<{ received: number; distinct: number; delays: number[] }>();
    },
    stop: () => {
      child.stdin!.end();
      child.kill("SIGTERM");
    },
  };
}

async function run() {
  const { handle, drop } = await openBenchDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-callback-bench-"));
  const receivers = startReceivers();
  let worker: DeliveryWorker | undefined;
  try {
    const { ports } = await receivers.ports();
    const db = handle.db;
    const viewer = (await createTokenAuthenticator(db, createInProcessEventBus()).authenticate((await issueTokenForAccount(db, "bench", "ADMIN")).token))!;
    const group = await createDomainGroup(db, viewer, { pushDomain: "push.bench.example.com", playDomain: "play.bench.example.com" });
    for (const port of ports) {
      await createSnapshotCallback(db, viewer, { domain: group.pushDomain, url: `http://127.0.0.1:${port}/cb`, format: "STANDARD" }, { allowPrivate: true });
    }
    const store = createFsObjectStore({ rootDir: dataDir, publicBaseUrl: "http://127.0.0.1:4000", signingKey: randomBytes(32) });
    worker = new DeliveryWorker({
      db,
      logger: silentLogger(),
      metrics: new MetricsRegistry(),
      signUrl: (bucket, key) => store.signedGetUrl(bucket, key, 3600),
      allowPrivate: true,
    });
    worker.start();
    const loadBefore = loadavg()[0]!;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const total = RATE * SECONDS;
    const expected = total * RECEIVERS;
    const started = Date.now();
    let recorded = 0;
    const inFlight = new Set<Promise<void>>();
    // As capture does: each image is recorded and handed on as it comes, not one after another.
    while (recorded < total) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      for (; recorded < Math.min(due, total); recorded++) {
        const n = recorded;
        const capturedAt = new Date();
        const p = recordSnapshot(db, {
          accountId: viewer.accountId,
          domain: group.pushDomain,
          appName: "live",
          streamName: `cam${n % 50}`,
          sourceId: group.sourceId,
          bucket: "livesnap",
          key: `snapshot/20261201/${group.sourceId}/live/cam${n % 50}/${n}.jpg`,
          format: "JPG",
          width: 640,
          height: 360,
          bytes: 40_000,
          capturedAt,
        })
          .then((row) => worker!.snapshotRecorded(row))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
    const producedIn = (Date.now() - started) / 1000;
    let report = await receivers.report();
    const deadline = Date.now() + 120_000;
    while (report.received < expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      report = await receivers.report();
    }
    const drainedIn = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    loop.disable();
    const pending = await pendingDeliveryStats(db);
    const sorted = [...report.delays].sort((a, b) => a - b);
    const ms = (v: number) => `${Math.round(v)} ms`;
    const lines = [
      `callback fan-out, ${DRIVER}: ${RATE} snapshots/s for ${SECONDS} s to ${RECEIVERS} receivers (${expected} deliveries)`,
      `  produced in ${producedIn.toFixed(1)} s, all received after ${drainedIn.toFixed(1)} s; received ${report.received}, distinct ${report.distinct}, still pending ${pending.depth}`,
      `  delay record -> receiver: p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? NaN)}`,
      `  livesnap process CPU ${((cpu.user + cpu.system) / 1e6 / drainedIn).toFixed(2)} cores; event loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`,
      `  machine load average (1 min, ${availableCores()} cores): ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
      `  target p99 < 1000 ms: ${percentile(sorted, 99) < 1000 && report.distinct === expected ? "met" : "NOT met"}`,
    ];
    console.log(`\n${lines.join("\n")}\n`);
  } finally {
    await worker?.stop();
    receivers.stop();
    await handle.close();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe("callback fan-out", () => {
  // An async function: tinybench calls any other function once more to see whether it returns a promise.
  bench(`${RATE} snapshots/s to ${RECEIVERS} receivers`, async () => run(), { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
});
