import { monitorEventLoopDelay } from "node:perf_hooks";
import { bench, describe } from "vitest";
import {
  childProcesses,
  fmt,
  INTERVAL_SECONDS,
  isCaptureFfmpeg,
  isNginx,
  isPusher,
  postgresBackends,
  mib,
  preEncodedSource,
  processCpuSeconds,
  processRssBytes,
  pushCopy,
  describeLoad,
  ourCpuSeconds,
  sleep,
  SOURCE,
  startLoadMeter,
  startBenchApp,
  summarize,
  type BenchApp,
  type BenchIngest,
  type CopyPush,
} from "./capture-support";

/**
 * Many captured 720p30 streams on this machine through the whole service. The sources are
 * one pre-encoded 720p30 file pushed N times with `-c copy`, so the pushers cost almost
 * nothing and the machine's CPU goes to ingest and capture. CAPTURE_BENCH_STREAMS sets N.
 *
 * CAPTURE_BENCH_INGEST picks the setup (each takes ~2.5 to 4 minutes):
 * - `embedded`: node-media-server in the livesnap process, PGlite in the same event loop.
 * - `nginx`: the production shape: nginx-rtmp as ingest calling livesnap's hook, PostgreSQL
 *   (a fresh database on 127.0.0.1:5432, dropped afterwards; LOAD_BENCH_POSTGRES_URL changes
 *   the server), capture pulling from nginx.
 * - `both` (default): nginx, then embedded.
 */
const STREAMS = Number(process.env.CAPTURE_BENCH_STREAMS ?? 50);
const INGEST_CHOICE = process.env.CAPTURE_BENCH_INGEST ?? "both";
if (!["nginx", "embedded", "both"].includes(INGEST_CHOICE)) {
  throw new Error(`CAPTURE_BENCH_INGEST must be nginx, embedded or both, not ${INGEST_CHOICE}`);
}
const INGESTS: BenchIngest[] = INGEST_CHOICE === "both" ? ["nginx", "embedded"] : [INGEST_CHOICE as BenchIngest];
const STAGGER_MS = 200;
const SETTLE_SECONDS = 20;
const WINDOW_SECONDS = 90;
const GOP = SOURCE.gopSeconds;
const LATE_AFTER_SECONDS = INTERVAL_SECONDS + GOP;

type Kind = "capture" | "pusher" | "nginx" | "postgres";

interface Sample {
  at: number;
  ours: number;
  self: NodeJS.CpuUsage;
  cpu: Map<number, { kind: Kind; seconds: number }>;
}

/** CPU so far of every part: our children by their arguments, the database's backends by name. */
function sample(database: string | undefined): Sample {
  const cpu = new Map<number, { kind: Kind; seconds: number }>();
  for (const child of childProcesses()) {
    const kind = isCaptureFfmpeg(child) ? "capture" : isPusher(child) ? "pusher" : isNginx(child) ? "nginx" : undefined;
    const seconds = kind ? processCpuSeconds(child.pid) : null;
    if (kind && seconds !== null) cpu.set(child.pid, { kind, seconds });
  }
  for (const pid of database ? postgresBackends(database) : []) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== null) cpu.set(pid, { kind: "postgres", seconds });
  }
  return { at: Date.now(), ours: ourCpuSeconds(), self: process.cpuUsage(), cpu };
}

async function measure(ingest: BenchIngest): Promise<void> {
  let bench: BenchApp | undefined;
  const pushers: CopyPush[] = [];
  const abort = new AbortController();
  try {
    const file = await preEncodedSource();
    bench = await startBenchApp("SEQUENCE", ingest);
    const { app } = bench;
    const byStream = new Map<string, number[]>();
    const busLoop = (async () => {
      for await (const row of app.bus.subscribeSnapshotCreated({ accountId: bench!.accountId }, abort.signal)) {
        const list = byStream.get(row.streamName) ?? [];
        list.push(row.capturedAt.getTime());
        byStream.set(row.streamName, list);
      }
    })();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();

    const pushedAt = new Map<string, number>();
    const t0 = Date.now();
    for (let i = 0; i < STREAMS; i++) {
      const name = `s${i}`;
      pushedAt.set(name, Date.now());
      pushers.push(pushCopy(file, bench.pushUrl(name)));
      await sleep(STAGGER_MS);
    }
    await sleep(SETTLE_SECONDS * 1000);
    const load = startLoadMeter();
    const start = sample(bench.databaseName);
    const rss: number[] = [];
    let selfRssMax = 0;
    let nginxRssMax = 0;
    let postgresRssMax = 0;
    for (let waited = 0; waited < WINDOW_SECONDS; waited += 5) {
      await sleep(5000);
      selfRssMax = Math.max(selfRssMax, process.memoryUsage().rss);
      if (bench.nginxPid) nginxRssMax = Math.max(nginxRssMax, processRssBytes(bench.nginxPid) ?? 0);
      if (bench.databaseName) {
        // RSS of a backend includes the shared buffers it touched, so this sum overstates.
        const sum = postgresBackends(bench.databaseName).reduce((n, pid) => n + (processRssBytes(pid) ?? 0), 0);
        postgresRssMax = Math.max(postgresRssMax, sum);
      }
    }
    const end = sample(bench.databaseName);
    const machine = load();
    for (const [pid, entry] of end.cpu) if (entry.kind === "capture") rss.push(processRssBytes(pid) ?? 0);
    const pusherRss = [...end.cpu].filter(([, e]) => e.kind === "pusher").map(([pid]) => processRssBytes(pid) ?? 0);
    const nginxProblems = bench.nginxProblems ? await bench.nginxProblems() : undefined;
    abort.abort();
    await busLoop;
    loopDelay.disable();

    const wall = (end.at - start.at) / 1000;
    const used: Record<Kind, number> = { capture: 0, pusher: 0, nginx: 0, postgres: 0 };
    const counted: Record<Kind, number> = { capture: 0, pusher: 0, nginx: 0, postgres: 0 };
    for (const [pid, entry] of end.cpu) {
      const before = start.cpu.get(pid);
      // Started within the window (a restart, a new backend): not a full window of CPU, except
      // that a new database backend has used nothing before it, so it counts whole.
      if (!before && entry.kind !== "postgres") continue;
      used[entry.kind] += entry.seconds - (before?.seconds ?? 0);
      counted[entry.kind]++;
    }
    const selfSeconds = (end.self.user - start.self.user + end.self.system - start.self.system) / 1e6;
    // Capture ffmpegs restarted within the window are in `ours` but not in `used.capture`.
    // nginx is our child too; the database backends are not.
    const captureSeconds = end.ours - start.ours - selfSeconds - used.pusher - used.nginx;

    // Lateness: each snapshot against the one before it; the first against the publish.
    const gaps: number[] = [];
    const firsts: number[] = [];
    let late = 0;
    let lateFirst = 0;
    let missing = 0;
    const lateExamples: string[] = [];
    for (let i = 0; i < STREAMS; i++) {
      const name = `s${i}`;
      const times = (byStream.get(name) ?? []).sort((a, b) => a - b);
      if (times.length === 0) {
        missing++;
        continue;
      }
      const first = (times[0]! - pushedAt.get(name)!) / 1000;
      firsts.push(first);
      if (first > INTERVAL_SECONDS + GOP + 3) lateFirst++;
      for (let j = 1; j < times.length; j++) {
        const gap = (times[j]! - times[j - 1]!) / 1000;
        gaps.push(gap);
        if (gap > LATE_AFTER_SECONDS) {
          late++;
          if (lateExamples.length < 8) lateExamples.push(`${name} ${fmt(gap)} s at +${fmt((times[j]! - t0) / 1000, 1)} s`);
        }
      }
    }
    const g = summarize(gaps);
    const f = summarize(firsts);
    const snapshots = [...byStream.values()].reduce((n, list) => n + list.length, 0);
    const r = summarize(rss);
    const met = missing === 0 && late === 0;
    console.log(
      [
        `\n== capture load: ${STREAMS} streams 720p30 (${GOP} s GOP, 2.5 Mbit/s + AAC, pushed with -c copy) into ${
          ingest === "nginx" ? "nginx-rtmp (hooks to livesnap; PostgreSQL; fs store)" : "the embedded ingest (node-media-server; PGlite; fs store)"
        }, interval ${INTERVAL_SECONDS} s, ${machine.cores} cores ==`,
        `run: publishes ${STAGGER_MS} ms apart, ${SETTLE_SECONDS} s settle, ${WINDOW_SECONDS} s measured window; ${snapshots} snapshots from ${STREAMS - missing}/${STREAMS} streams`,
        `gaps (s): n ${g.n} min ${fmt(g.min)} p50 ${fmt(g.p50)} p99 ${fmt(g.p99)} max ${fmt(g.max)}; later than interval + GOP (${LATE_AFTER_SECONDS} s): ${late}${lateExamples.length ? ` (${lateExamples.join(", ")})` : ""}`,
        `pusher spawn → first snapshot (s): p50 ${fmt(f.p50)} max ${fmt(f.max)}; later than ${INTERVAL_SECONDS + GOP + 3} s: ${lateFirst}`,
        `target (every stream captured, no snapshot late by more than one GOP): ${met ? "met" : "MISSED"}`,
        `CPU over the window (% of one core): ${describeLoad(machine)}${
          ingest === "nginx" ? `; the PostgreSQL backends below are among the other processes` : ""
        }`,
        `  capture ffmpegs: ${fmt((captureSeconds / wall) * 100, 1)} total = ${fmt((captureSeconds / wall / STREAMS) * 100, 2)} per stream (${fmt((captureSeconds / wall / STREAMS) * 60)} CPU-s per stream-minute); ${counted.capture} ran the whole window without a restart`,
        `  livesnap process (${
          ingest === "nginx" ? "hook + capture engine + storage + PostgreSQL client + bus" : "node-media-server ingest + capture engine + storage + PGlite + bus"
        }): ${fmt((selfSeconds / wall) * 100, 1)} = ${fmt((selfSeconds / wall / STREAMS) * 100, 2)} per stream`,
        ...(ingest === "nginx"
          ? [
              `  nginx-rtmp (one worker): ${fmt((used.nginx / wall) * 100, 1)} = ${fmt((used.nginx / wall / STREAMS) * 100, 2)} per stream`,
              `  PostgreSQL backends of the bench database (${counted.postgres}): ${fmt((used.postgres / wall) * 100, 1)} = ${fmt((used.postgres / wall / STREAMS) * 100, 2)} per stream`,
            ]
          : []),
        `  pushers (ffmpeg -c copy): ${fmt((used.pusher / wall) * 100, 1)} total over ${counted.pusher} = ${fmt((used.pusher / wall / Math.max(1, counted.pusher)) * 100, 2)} per stream`,
        `memory: capture ffmpeg RSS p50 ${mib(r.p50)} max ${mib(r.max)} (sum ${mib(rss.reduce((a, b) => a + b, 0))}); livesnap process RSS max ${mib(selfRssMax)} (${mib(selfRssMax / STREAMS)} per stream incl. its fixed base); pusher RSS p50 ${mib(summarize(pusherRss).p50)}${
          ingest === "nginx" ? `; nginx RSS max ${mib(nginxRssMax)}; PostgreSQL backends RSS sum max ${mib(postgresRssMax)} (incl. shared buffers they touched)` : ""
        }`,
        `livesnap event-loop delay (ms): p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} max ${fmt(loopDelay.max / 1e6, 1)}`,
        `notable log lines: ${JSON.stringify(bench.logs.notable())}`,
        ...(nginxProblems ? [`nginx error log (warn and above): ${JSON.stringify(nginxProblems)}`] : []),
      ].join("\n"),
    );
  } finally {
    abort.abort();
    await Promise.all(pushers.map((p) => p.stop()));
    await bench?.stop();
  }
}

describe("capture load", () => {
  for (const ingest of INGESTS) {
    // An async function: tinybench calls any other function once more, to see whether it
    // returns a promise, which would run this whole measurement twice.
    bench(`${STREAMS} concurrent captured 720p streams, ${ingest} ingest`, async () => measure(ingest), {
      iterations: 1,
      warmupIterations: 0,
      time: 0,
      warmupTime: 0,
    });
  }
});
