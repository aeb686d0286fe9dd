import { bench, describe } from "vitest";
import { buildFfmpegArgs } from "../../src/capture/ffmpeg-args";
import { startFfmpegProcess, type FfmpegProcess } from "../../src/capture/ffmpeg-process";
import { startTestRtmpServer, type TestRtmpServer } from "../support/capture-rtmp-server";
import { pushTestStream } from "../support/ffmpeg-push";
import {
  fmt,
  INTERVAL_SECONDS,
  mib,
  preEncodedSource,
  processCpuSeconds,
  processRssBytes,
  pushCopy,
  describeLoad,
  sleep,
  SOURCE,
  startLoadMeter,
  summarize,
} from "./capture-support";

/**
 * ffmpeg CPU per captured 720p30 stream: the keyframes-only recipe against the usual
 * `-vf fps=1/5` full decode, all reading the same pushed streams at the same time, plus a
 * variant of the recipe that also drops non-key packets in the demuxer (`-discard nokey`).
 */
const MEASURE_SECONDS = 60;

const keyframesOnly = (url: string) =>
  buildFfmpegArgs({
    inputUrl: url,
    template: { format: "JPG", intervalSeconds: INTERVAL_SECONDS, width: null, height: null, fillMode: "STRETCH" },
    keyframesOnly: true,
  });

const recipes: { name: string; args(url: string): string[] }[] = [
  { name: "keyframes only (buildFfmpegArgs)", args: keyframesOnly },
  {
    name: "full decode -vf fps=1/5",
    args: (url) => [
      "-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-an", "-sn", "-dn",
      "-vf", `fps=1/${INTERVAL_SECONDS}`, "-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p",
      "-flush_packets", "1", "-f", "image2pipe", "pipe:1",
    ],
  },
  {
    name: "keyframes only + -discard nokey",
    args: (url) => {
      const args = keyframesOnly(url);
      args.splice(args.indexOf("-i"), 0, "-discard", "nokey");
      return args;
    },
  },
];

interface Run {
  source: string;
  recipe: string;
  process?: FfmpegProcess;
  spawnedAt: number;
  images: number[];
  /** CPU seconds and time of the first image: the steady-state window starts there. */
  windowStart?: { cpu: number; at: number };
}

interface Source {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<unknown>;
}

async function measure(): Promise<void> {
  let server: TestRtmpServer | undefined;
  const sources: Source[] = [];
  const runs: Run[] = [];
  try {
    const file = await preEncodedSource();
    server = await startTestRtmpServer();
    const liveUrl = server.url("live", "encoded");
    const live = pushTestStream({ url: liveUrl, width: SOURCE.width, height: SOURCE.height, fps: SOURCE.fps, gop: SOURCE.fps * SOURCE.gopSeconds, audio: true });
    sources.push({ name: "pushTestStream (libx264 ultrafast, uncapped)", url: liveUrl, pid: live.process.pid!, stop: live.stop });
    const fileUrl = server.url("live", "file");
    const copy = pushCopy(file, fileUrl);
    sources.push({ name: "pre-encoded file (libx264 veryfast, 2.5 Mbit/s), pushed with -c copy", url: fileUrl, pid: copy.process.pid!, stop: copy.stop });
    await sleep(3000);

    for (const source of sources) {
      for (const recipe of recipes) {
        const run: Run = { source: source.name, recipe: recipe.name, spawnedAt: Date.now(), images: [] };
        const process: FfmpegProcess = startFfmpegProcess({
          ffmpegPath: "ffmpeg",
          args: recipe.args(source.url),
          onImage: () => {
            const now = Date.now();
            run.images.push(now);
            run.windowStart ??= { cpu: processCpuSeconds(process.pid!) ?? Number.NaN, at: now };
          },
        });
        run.process = process;
        runs.push(run);
      }
    }
    const load = startLoadMeter();
    const pusherStart = sources.map((s) => ({ cpu: processCpuSeconds(s.pid) ?? Number.NaN, at: Date.now() }));
    await sleep(MEASURE_SECONDS * 1000);

    const machine = load();
    const lines = [
      `\n== capture CPU: 720p30 H.264 + AAC, ${SOURCE.gopSeconds} s GOP, over RTMP (node-media-server), interval ${INTERVAL_SECONDS} s, ${MEASURE_SECONDS} s, all ffmpegs concurrently ==`,
    ];
    const steadyPerSecond = new Map<string, number>();
    for (const [index, source] of sources.entries()) {
      const start = pusherStart[index]!;
      const pusherCpu = ((processCpuSeconds(source.pid) ?? Number.NaN) - start.cpu) / ((Date.now() - start.at) / 1000);
      lines.push(`source: ${source.name} (pusher ${fmt(pusherCpu * 100, 1)} % of a core)`);
      for (const run of runs.filter((r) => r.source === source.name)) {
        const pid = run.process!.pid!;
        const now = Date.now();
        const cpu = processCpuSeconds(pid) ?? Number.NaN;
        const totalWall = (now - run.spawnedAt) / 1000;
        const steadyCpu = run.windowStart ? cpu - run.windowStart.cpu : Number.NaN;
        const steadyWall = run.windowStart ? (now - run.windowStart.at) / 1000 : Number.NaN;
        steadyPerSecond.set(`${source.name}|${run.recipe}`, steadyCpu / steadyWall);
        const gaps = summarize(run.images.slice(1).map((t, i) => (t - run.images[i]!) / 1000));
        lines.push(
          `  ${run.recipe}:`,
          `    steady (first image → end, ${fmt(steadyWall, 1)} s): ${fmt((steadyCpu / steadyWall) * 60)} CPU-s per stream-minute = ${fmt((steadyCpu / steadyWall) * 100)} % of one core`,
          `    with start-up (spawn → end, ${fmt(totalWall, 1)} s): ${fmt((cpu / totalWall) * 60)} CPU-s per stream-minute; RSS ${mib(processRssBytes(pid) ?? Number.NaN)}`,
          `    ${run.images.length} images, first ${fmt((run.images[0]! - run.spawnedAt) / 1000)} s after spawn; gaps (s) min ${fmt(gaps.min)} p50 ${fmt(gaps.p50)} max ${fmt(gaps.max)}`,
        );
      }
      const key = steadyPerSecond.get(`${source.name}|${recipes[0]!.name}`)!;
      const full = steadyPerSecond.get(`${source.name}|${recipes[1]!.name}`)!;
      const discard = steadyPerSecond.get(`${source.name}|${recipes[2]!.name}`)!;
      lines.push(
        `  → keyframes only ${fmt(key * 100)} % of a core (target ≤ 1 %: ${key <= 0.01 ? "met" : "MISSED"}), full decode / keyframes only = ${fmt(full / key, 1)}x (target ≥ 6x: ${full / key >= 6 ? "met" : "MISSED"}); with -discard nokey ${fmt(discard * 100)} %, ${fmt(full / discard, 1)}x`,
      );
    }
    lines.push(`during the run: ${describeLoad(machine)}`);
    console.log(lines.join("\n"));
  } finally {
    await Promise.all(runs.map((run) => run.process?.stop()));
    await Promise.all(sources.map((s) => s.stop()));
    await server?.stop();
  }
}

describe("capture CPU", () => {
  bench("keyframes-only vs full decode, 720p30, 60 s", measure, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
});
