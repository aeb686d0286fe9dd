import { bench, describe } from "vitest";
import { describeLoad, fmt, preEncodedSource, startBenchApp, startLoadMeter, summarize, type BenchApp, type BenchIngest } from "./capture-support";
import {
  chunk,
  envIngests,
  envInt,
  GOP_SECONDS,
  loopDelayMonitor,
  publishTimes,
  pusherProblems,
  pusherSpeeds,
  recordSnapshots,
  report,
  SCALE_SOURCE_KBIT,
  SCALE_TEMPLATE,
  spread,
  startTeePushers,
  streamNames,
  type TeePusher,
  type Verdict,
} from "./capture-scale-support";

/**
 * Crowd start: STREAMS publishes within 2 s (tee ffmpegs started together, the 3 Mbit/s 2 s-GOP
 * file), template JPG 640 px every 10 s. Every stream's first image must arrive within one GOP
 * + 2 s of its publish (live_streams.startedAt). The run ends once every stream has its first
 * image, or after CAPTURE_CROWD_TIMEOUT_SECONDS.
 *
 * Knobs: CAPTURE_CROWD_STREAMS (100), CAPTURE_CROWD_INGEST (nginx | embedded | both, default
 * both), CAPTURE_CROWD_PER_PUSHER (5 outputs per tee ffmpeg), CAPTURE_CROWD_TIMEOUT_SECONDS (90).
 */
const STREAMS = envInt("CAPTURE_CROWD_STREAMS", 100, 1, 1000);
const INGESTS = envIngests("CAPTURE_CROWD_INGEST", "both");
// A tee ffmpeg opens its outputs one after another, each waiting for the publish to be
// accepted (0.1 to 0.3 s here), and sends data to none before all are open: few outputs per
// ffmpeg keep the crowd within 2 s and an early publish from waiting for the last one.
const PER_PUSHER = envInt("CAPTURE_CROWD_PER_PUSHER", 5, 1, 1000);
const TIMEOUT_SECONDS = envInt("CAPTURE_CROWD_TIMEOUT_SECONDS", 90, 10, 240);
const { intervalSeconds: INTERVAL, width: WIDTH } = SCALE_TEMPLATE;
const CROWD_WITHIN_SECONDS = 2;
const FIRST_WITHIN_SECONDS = GOP_SECONDS + 2;

async function measure(ingest: BenchIngest): Promise<void> {
  let app: BenchApp | undefined;
  let pushers: TeePusher[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const file = await preEncodedSource(SCALE_SOURCE_KBIT);
    app = await startBenchApp("SEQUENCE", ingest, SCALE_TEMPLATE);
    const bench = app;
    const log = recordSnapshots(bench);
    stops.push(() => log.stop());
    const loop = loopDelayMonitor();
    const load = startLoadMeter();

    const names = streamNames(STREAMS);
    const t0 = Date.now();
    pushers = await startTeePushers(file, chunk(names.map((n) => bench.pushUrl(n)), PER_PUSHER), 0);
    const complete = await log.streamsWithSnapshots(STREAMS, TIMEOUT_SECONDS * 1000);
    const doneAt = Date.now();
    const speeds = pusherSpeeds(pushers, pushers.map((p) => p.firstPosition()));
    const machine = load();
    loop.stop();

    const publishes = await publishTimes(bench);
    const publishAt = [...publishes.values()].map((p) => p.at);
    const crowdSpread = publishAt.length > 0 ? (Math.max(...publishAt) - Math.min(...publishAt)) / 1000 : Number.NaN;
    const firsts: number[] = [];
    const fromSpawn: number[] = [];
    const fromData: number[] = [];
    // Pusher k carries names[k * PER_PUSHER ...], in the order chunk() gave them.
    const dataStart = new Map(names.map((name, i) => [name, pushers[Math.floor(i / PER_PUSHER)]?.firstPosition()?.at] as const));
    const late: string[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const first = log.byStream.get(name)?.[0];
      const publish = publishes.get(name);
      if (!first || !publish) {
        missing.push(name);
        continue;
      }
      const seconds = (first.receivedAt - publish.at) / 1000;
      firsts.push(seconds);
      fromSpawn.push((first.receivedAt - t0) / 1000);
      const data = dataStart.get(name);
      if (data !== undefined) fromData.push((first.receivedAt - Math.max(data, publish.at)) / 1000);
      if (seconds > FIRST_WITHIN_SECONDS) late.push(`${name} ${fmt(seconds)} s`);
    }
    const f = summarize(firsts);
    const problems = pusherProblems(pushers);
    const nginxProblems = bench.nginxProblems ? await bench.nginxProblems() : undefined;

    const verdicts: Verdict[] = [
      {
        target: `${STREAMS} publishes within ${CROWD_WITHIN_SECONDS} s (setup check)`,
        measured: `${publishes.size}/${STREAMS} published, spread ${fmt(crowdSpread)} s; pusher speed ${speeds.map((s) => fmt(s)).join(", ")}`,
        pass: publishes.size === STREAMS && crowdSpread <= CROWD_WITHIN_SECONDS && speeds.every((s) => s >= 0.97),
      },
      {
        target: `every first image ≤ GOP + 2 s (${FIRST_WITHIN_SECONDS} s) after publish`,
        measured: `${firsts.length}/${STREAMS} captured, ${late.length} later; max ${fmt(f.max)} s`,
        pass: missing.length === 0 && late.length === 0,
      },
      { target: "event loop p99 < 100 ms (during the crowd)", measured: `p99 ${fmt(loop.p99(), 1)} ms, max ${fmt(loop.max(), 0)} ms`, pass: loop.p99() < 100 },
    ];
    const details = [
      `setup: ${ingest === "nginx" ? "nginx-rtmp ingest with hooks to livesnap, PostgreSQL" : "embedded ingest, PGlite"}, fs store, livesnap in this process; template JPG ${WIDTH} px every ${INTERVAL} s`,
      `source: 720p30 H.264 ${SCALE_SOURCE_KBIT} kbit/s + AAC, ${GOP_SECONDS} s GOP, ${pushers.length} tee ffmpegs started together (≤ ${PER_PUSHER} outputs each, -c copy)`,
      `run: ${complete ? "every stream had its first image" : `stopped after ${TIMEOUT_SECONDS} s`} ${fmt((doneAt - t0) / 1000, 1)} s after the pushers started; ${log.total()} snapshots`,
      `publish (live_streams.startedAt) → first image on the bus (s): ${spread(firsts)}`,
      `pusher spawn → first image (s): ${spread(fromSpawn)}`,
      `first data sent (the pusher's first progress report, or the publish if later) → first image (s): ${spread(fromData)}`,
      ...(late.length ? [`later than ${FIRST_WITHIN_SECONDS} s: ${late.slice(0, 10).join(", ")}${late.length > 10 ? ", …" : ""}`] : []),
      ...(missing.length ? [`no first image: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", …" : ""}`] : []),
      `during the crowd: ${describeLoad(machine)}`,
      `pusher problems: ${JSON.stringify(problems)}`,
      `notable log lines: ${JSON.stringify(bench.logs.notable())}`,
      ...(nginxProblems ? [`nginx error log (warn and above): ${JSON.stringify(nginxProblems)}`] : []),
    ];
    console.log(report(`crowd start: ${STREAMS} publishes, ${ingest} ingest`, details, verdicts));
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error("bench cleanup:", error));
    await Promise.all(pushers.map((p) => p.stop()));
    await app?.stop();
  }
}

describe("capture crowd start", () => {
  for (const ingest of INGESTS) {
    bench(`${STREAMS} publishes within 2 s, ${ingest} ingest`, async () => measure(ingest), {
      iterations: 1,
      warmupIterations: 0,
      time: 0,
      warmupTime: 0,
    });
  }
});
