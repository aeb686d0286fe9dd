import { monitorEventLoopDelay } from "node:perf_hooks";
import { bench, describe } from "vitest";
import {
  childProcesses,
  fmt,
  INTERVAL_SECONDS,
  isCaptureFfmpeg,
  isPusher,
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
  type CopyPush,
} from "./capture-support";

/**
 * Many captured 720p30 streams on this machine through the whole service. The sources are
 * one pre-encoded 720p30 file pushed N times with `-c copy`, so the pushers cost almost
 * nothing and the machine's CPU goes to ingest and capture. CAPTURE_BENCH_STREAMS sets N.
 */
const STREAMS = Number(process.env.CAPTURE_BENCH_STREAMS ?? 50);
const STAGGER_MS = 200;
const SETTLE_SECONDS = 20;
const WINDOW_SECONDS = 90;
const GOP = SOURCE.gopSeconds;
const LATE_AFTER_SECONDS = INTERVAL_SECONDS + GOP;

interface Sample {
  at: number;
  ours: number;
  self: NodeJS.CpuUsage;
  cpu: Map<number, { kind: "capture" | "pusher"; seconds: number }>;
}

function sample(): Sample {
  const cpu = new Map<number, { kind: "capture" | "pusher"; seconds: number }>();
  for (const child of childProcesses()) {
    const kind = isCaptureFfmpeg(child) ? "capture" : isPusher(child) ? "pusher" : undefined;
    const seconds = kind ? processCpuSeconds(child.pid) : null;
    if (kind && seconds !== null) cpu.set(child.pid, { kind, seconds });
  }
  return { at: Date.now(), ours: ourCpuSeconds(), self: process.cpuUsage(), cpu };
}

async function measure(): Promise<void> {
  let bench: BenchApp | undefined;
  const pushers: CopyPush[] = [];
  const abort = new AbortController();
  try {
    const file = await preEncodedSource();
    bench = await startBenchApp("SEQUENCE");
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
    const start = sample();
    const rss: number[] = [];
    let selfRssMax = 0;
    for (let waited = 0; waited < WINDOW_SECONDS; waited += 5) {
      await sleep(5000);
      selfRssMax = Math.max(selfRssMax, process.memoryUsage().rss);
    }
    const end = sample();
    const machine = load();
    for (const [pid, entry] of end.cpu) if (entry.kind === "capture") rss.push(processRssBytes(pid) ?? 0);
    const pusherRss = [...end.cpu].filter(([, e]) => e.kind === "pusher").map(([pid]) => processRssBytes(pid) ?? 0);
    abort.abort();
    await busLoop;
    loopDelay.disable();

    const wall = (end.at - start.at) / 1000;
    const used = { capture: 0, pusher: 0, captureCount: 0, pusherCount: 0 };
    for (const [pid, entry] of end.cpu) {
      const before = start.cpu.get(pid);
      if (!before) continue; // started within the window (a restart): not a full window of CPU
      used[entry.kind] += entry.seconds - before.seconds;
      if (entry.kind === "capture") used.captureCount++;
      else used.pusherCount++;
    }
    const selfSeconds = (end.self.user - start.self.user + end.self.system - start.self.system) / 1e6;
    // Capture ffmpegs restarted within the window are in `ours` but not in `used.capture`.
    const captureSeconds = end.ours - start.ours - selfSeconds - used.pusher;

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
        `\n== capture load: ${STREAMS} streams 720p30 (${GOP} s GOP, 2.5 Mbit/s + AAC, pushed with -c copy) into the embedded ingest, interval ${INTERVAL_SECONDS} s, 2 cores ==`,
        `run: publishes ${STAGGER_MS} ms apart, ${SETTLE_SECONDS} s settle, ${WINDOW_SECONDS} s measured window; ${snapshots} snapshots from ${STREAMS - missing}/${STREAMS} streams`,
        `gaps (s): n ${g.n} min ${fmt(g.min)} p50 ${fmt(g.p50)} p99 ${fmt(g.p99)} max ${fmt(g.max)}; later than interval + GOP (${LATE_AFTER_SECONDS} s): ${late}${lateExamples.length ? ` (${lateExamples.join(", ")})` : ""}`,
        `pusher spawn → first snapshot (s): p50 ${fmt(f.p50)} max ${fmt(f.max)}; later than ${INTERVAL_SECONDS + GOP + 3} s: ${lateFirst}`,
        `target (every stream captured, no snapshot late by more than one GOP): ${met ? "met" : "MISSED"}`,
        `CPU over the window (% of one core): ${describeLoad(machine)}`,
        `  capture ffmpegs: ${fmt((captureSeconds / wall) * 100, 1)} total = ${fmt((captureSeconds / wall / STREAMS) * 100, 2)} per stream (${fmt((captureSeconds / wall / STREAMS) * 60)} CPU-s per stream-minute); ${used.captureCount} ran the whole window without a restart`,
        `  livesnap process (node-media-server ingest + capture engine + storage + PGlite + bus): ${fmt((selfSeconds / wall) * 100, 1)} = ${fmt((selfSeconds / wall / STREAMS) * 100, 2)} per stream`,
        `  pushers (ffmpeg -c copy): ${fmt((used.pusher / wall) * 100, 1)} total over ${used.pusherCount} = ${fmt((used.pusher / wall / Math.max(1, used.pusherCount)) * 100, 2)} per stream`,
        `memory: capture ffmpeg RSS p50 ${mib(r.p50)} max ${mib(r.max)} (sum ${mib(rss.reduce((a, b) => a + b, 0))}); livesnap process RSS max ${mib(selfRssMax)} (${mib(selfRssMax / STREAMS)} per stream incl. its fixed base); pusher RSS p50 ${mib(summarize(pusherRss).p50)}`,
        `livesnap event-loop delay (ms): p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} max ${fmt(loopDelay.max / 1e6, 1)}`,
        `notable log lines: ${JSON.stringify(bench.logs.notable())}`,
      ].join("\n"),
    );
  } finally {
    abort.abort();
    await Promise.all(pushers.map((p) => p.stop()));
    await bench?.stop();
  }
}

describe("capture load", () => {
  bench(`${STREAMS} concurrent captured 720p streams`, measure, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
});
