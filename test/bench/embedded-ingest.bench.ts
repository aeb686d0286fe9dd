import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import Context from "node-media-server/src/core/context.js";
import { bench, describe } from "vitest";
import { loadConfig } from "../../src/config";
import { createEmbeddedRtmpServer } from "../../src/ingest/embedded-rtmp";
import type { PublishDecision, StreamLifecycle, StreamSignal } from "../../src/ingest/types";
import { silentLogger } from "../../src/logger";
import type { TagListener } from "../../src/media/types";
import { MetricsRegistry } from "../../src/metrics";
import { runFfmpeg } from "../support/capture-ffmpeg-run";
import { pushProcess } from "../support/ffmpeg-push";
import { fmt, mib, processCpuSeconds, sleep, startLoadMeter, describeLoad, summarize } from "./capture-support";

/**
 * The embedded ingest alone (no capture, no database): N 720p30 streams pushed by ONE ffmpeg
 * through the tee muxer, each publish accepted and its tags counted by a listener. Measures the
 * ingest's own cost per stream: CPU (process.cpuUsage of this process), RSS, event-loop delay.
 * INGEST_BENCH_STREAMS (50), INGEST_BENCH_SECONDS (30) and INGEST_BENCH_SETTLE_SECONDS (10) set the load.
 */
const STREAMS = Number(process.env.INGEST_BENCH_STREAMS ?? 50);
const WINDOW_SECONDS = Number(process.env.INGEST_BENCH_SECONDS ?? 30);
/** From the last publish to the window: the pusher catches up on what it could not send while opening. */
const SETTLE_SECONDS = Number(process.env.INGEST_BENCH_SETTLE_SECONDS ?? 10);
const FPS = 30;
const ALL_PUBLISHED_WITHIN_MS = 60_000;

/** 20 s of 720p30 H.264 at 3 Mbit/s with a 2 s GOP and AAC audio, encoded once per machine. */
async function sourceFile(): Promise<string> {
  const dir = join(tmpdir(), "livesnap-bench");
  await mkdir(dir, { recursive: true });
  const file = join(dir, "720p30-3mbit-gop2s.flv");
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  await runFfmpeg([
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=1280x720:rate=${FPS}`,
    "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono",
    "-t", "20",
    "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3000k", "-maxrate", "3000k", "-bufsize", "6000k",
    "-pix_fmt", "yuv420p", "-g", String(FPS * 2), "-keyint_min", String(FPS * 2), "-sc_threshold", "0",
    "-c:a", "aac", "-b:a", "64k", "-f", "flv", partial,
  ]);
  await rename(partial, file);
  return file;
}

interface StreamCount {
  tags: number;
  bytes: number;
  ended: string | undefined;
}

async function measure(): Promise<void> {
  const file = await sourceFile();
  const counts = new Map<string, StreamCount>();
  let published = 0;
  let withTags = 0;
  const lifecycle: StreamLifecycle = {
    async published(signal: StreamSignal): Promise<PublishDecision> {
      published += 1;
      const count: StreamCount = { tags: 0, bytes: 0, ended: undefined };
      counts.set(signal.stream, count);
      if (signal.tags !== undefined) {
        withTags += 1;
        const listener: TagListener = {
          onVideo: (tag) => {
            count.tags += 1;
            count.bytes += tag.data.length;
          },
          onEnd: (reason) => {
            count.ended = reason;
          },
        };
        signal.tags.subscribe(listener);
      }
      return { accepted: true };
    },
    async unpublished() {},
  };
  const server = createEmbeddedRtmpServer({
    host: "127.0.0.1",
    port: 0,
    defaultPushDomain: "push.bench.test",
    lifecycle,
    logger: silentLogger(),
    limits: { ...loadConfig({}).rtmpLimits, maxConnections: STREAMS + 10, maxConnectionsPerAddress: STREAMS + 10 },
    metrics: new MetricsRegistry(),
  });
  await server.start();
  global.gc?.();
  await sleep(500);
  const idleRss = process.memoryUsage().rss;

  // The tee opens its outputs one after another before sending to any; with ffmpeg's default
  // Nagle each publish takes ~140 ms to set up, and at 200 streams the first ones sit idle past
  // RTMP_IDLE_TIMEOUT_SECONDS before media flows.
  const outputs = Array.from({ length: STREAMS }, (_, i) => `[f=flv:onfail=ignore:tcp_nodelay=1]rtmp://127.0.0.1:${server.port}/live/s${i}`);
  const pusher = pushProcess(
    spawn(
      "ffmpeg",
      ["-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", file, "-map", "0", "-c", "copy", "-f", "tee", outputs.join("|")],
      { stdio: ["ignore", "ignore", "pipe"] },
    ),
  );
  try {
    const pushedAt = Date.now();
    const deadline = pushedAt + ALL_PUBLISHED_WITHIN_MS;
    while (published < STREAMS) {
      if (Date.now() > deadline) throw new Error(`only ${published} of ${STREAMS} streams published: ${pusher.stderr()}`);
      if (pusher.process.exitCode !== null) throw new Error(`the pusher exited: ${pusher.stderr()}`);
      await sleep(200);
    }
    const allPublishedSeconds = (Date.now() - pushedAt) / 1000;
    await sleep(SETTLE_SECONDS * 1000);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    const tagsBefore = new Map([...counts].map(([k, v]) => [k, v.tags]));
    const inBytesBefore = Context.networkStats.inBytes;
    const pusherCpuBefore = processCpuSeconds(pusher.process.pid!) ?? 0;
    const load = startLoadMeter();
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const rss: number[] = [];
    delay.enable();
    while (performance.now() - startedAt < WINDOW_SECONDS * 1000) {
      await sleep(1000);
      rss.push(process.memoryUsage().rss);
    }
    delay.disable();
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const inMbits = ((Context.networkStats.inBytes - inBytesBefore) * 8) / 1e6 / seconds;
    const pusherCpu = (processCpuSeconds(pusher.process.pid!) ?? 0) - pusherCpuBefore;
    const machine = load();

    let gopCaches = 0;
    let gopMessages = 0;
    for (const broadcast of Context.broadcasts.values()) {
      for (const cache of [broadcast.rtmpGopCache, broadcast.flvGopCache]) {
        if (cache === null) continue;
        gopCaches += 1;
        gopMessages += cache.size;
      }
    }
    const rates = [...counts].map(([k, v]) => (v.tags - (tagsBefore.get(k) ?? 0)) / seconds);
    const rateSummary = summarize(rates);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rssSummary = summarize(rss);

    console.log(`\nEmbedded ingest, ${STREAMS} streams of 720p30 3 Mbit/s (one tee ffmpeg), ${fmt(seconds, 1)} s window`);
    console.log(`  all ${STREAMS} publishes reported ${fmt(allPublishedSeconds, 1)} s after the pusher started `);
    console.log(`  RTMP received ${fmt(inMbits, 0)} Mbit/s in all, ${fmt(inMbits / STREAMS, 2)} Mbit/s per stream`);
    const steady = rates.filter((r) => r >= FPS * 0.9 && r <= FPS * 1.1).length;
    console.log(`  streams published ${published}, with tags ${withTags}; video tags/s per stream min ${fmt(rateSummary.min, 1)} p50 ${fmt(rateSummary.p50, 1)} max ${fmt(rateSummary.max, 1)}; at ${FPS} ± 10 %: ${steady}`);
    console.log(`  ingest CPU ${fmt((cpuSeconds / seconds) * 100, 1)} % of one core in all, ${fmt(((cpuSeconds / seconds) * 100) / STREAMS, 3)} % per stream (user ${fmt(cpu.user / 1e6, 2)} s, system ${fmt(cpu.system / 1e6, 2)} s)`);
    console.log(`  RSS idle ${mib(idleRss)}, with streams p50 ${mib(rssSummary.p50)} max ${mib(rssSummary.max)}: ${mib((rssSummary.p50 - idleRss) / STREAMS)} per stream`);
    console.log(`  event-loop delay p50 ${fmt(delay.percentile(50) / 1e6, 1)} ms, p99 ${fmt(delay.percentile(99) / 1e6, 1)} ms, max ${fmt(delay.max / 1e6, 1)} ms`);
    const ends = new Map<string, number>();
    for (const count of counts.values()) if (count.ended !== undefined) ends.set(count.ended, (ends.get(count.ended) ?? 0) + 1);
    console.log(`  streams ended during the run: ${JSON.stringify(Object.fromEntries(ends))}; with no tag in the window: ${rates.filter((r) => r === 0).length}`);
    console.log(`  GOP caches held ${gopCaches} (${gopMessages} messages)`);
    console.log(`  pusher CPU ${fmt((pusherCpu / seconds) * 100, 1)} % of one core; ${describeLoad(machine)}`);
  } finally {
    await pusher.stop();
    await server.stop();
  }
}

describe("embedded ingest", () => {
  bench(`${STREAMS} streams, ${WINDOW_SECONDS} s`, measure, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
});
