import { bench, describe } from "vitest";
import { describeLoad, fmt, mib, postgresBackends, preEncodedSource, processRssBytes, sleep, startBenchApp, startLoadMeter, summarize, type BenchApp, type BenchIngest } from "./capture-support";
import {
  chunk,
  cpuNow,
  envIngests,
  envInt,
  GOP_SECONDS,
  LivesnapTree,
  lateness,
  loopDelayMonitor,
  publishTimes,
  pusherProblems,
  pusherSpeeds,
  recordSnapshots,
  report,
  SCALE_SOURCE_KBIT,
  SCALE_TEMPLATE,
  spread,
  startReferenceCapture,
  startReferenceRelay,
  startTeePushers,
  streamNames,
  subscribeOverWs,
  type ReferenceCapture,
  type ReferenceRelay,
  type TeePusher,
  type Verdict,
} from "./capture-scale-support";

/**
 * Capture at scale: STREAMS concurrent 720p30 streams (the 3 Mbit/s 2 s-GOP file, pushed with
 * `-c copy` by a few tee ffmpegs) through the whole service, template JPG 640 px every 10 s.
 * Measures, per ingest: every stream captured, lateness per stream, livesnap's event loop, the
 * RSS of livesnap and all its child processes per stream, and livesnap's whole CPU per stream
 * against the usual `-vf fps=1/10` ffmpeg run on REFERENCES copies of the same source.
 *
 * Knobs: CAPTURE_SCALE_STREAMS (200), CAPTURE_SCALE_INGEST (nginx | embedded | both, default
 * both), CAPTURE_SCALE_SECONDS (measured window, 120), CAPTURE_SCALE_SETTLE_SECONDS (30),
 * CAPTURE_SCALE_PER_PUSHER (50 outputs per tee ffmpeg), CAPTURE_SCALE_REFERENCES (3),
 * CAPTURE_SCALE_RSS_LIMIT_MIB (6144: the run stops when livesnap's tree grows past it),
 * LOAD_BENCH_POSTGRES_URL (nginx variant's PostgreSQL server).
 */
const STREAMS = envInt("CAPTURE_SCALE_STREAMS", 200, 1, 1000);
const INGESTS = envIngests("CAPTURE_SCALE_INGEST", "both");
const WINDOW_SECONDS = envInt("CAPTURE_SCALE_SECONDS", 120, 20, 200);
const SETTLE_SECONDS = envInt("CAPTURE_SCALE_SETTLE_SECONDS", 30, 5, 60);
const PER_PUSHER = envInt("CAPTURE_SCALE_PER_PUSHER", 50, 1, 1000);
const REFERENCES = envInt("CAPTURE_SCALE_REFERENCES", 3, 1, 10);
const PUSHER_STAGGER_MS = 2000;
const { intervalSeconds: INTERVAL, width: WIDTH } = SCALE_TEMPLATE;

/** The run stops when livesnap's tree grows past this: an engine that needs far more than the target must not take the machine down. */
const RSS_LIMIT_MIB = envInt("CAPTURE_SCALE_RSS_LIMIT_MIB", 6144, 256, 20_000);

type TreeRss = ReturnType<LivesnapTree["rss"]> & { total: number };

/** Waits `seconds`, reading livesnap's RSS every 5 s; returns the peak, throws past RSS_LIMIT_MIB. */
async function watchedSleep(tree: LivesnapTree, seconds: number): Promise<TreeRss> {
  let peak: TreeRss = { total: 0, self: 0, children: 0, count: 0, kinds: {} };
  for (let waited = 0; waited < seconds; waited += 5) {
    await sleep(Math.min(5, seconds - waited) * 1000);
    const rss = tree.rss();
    if (rss.self + rss.children > peak.total) peak = { total: rss.self + rss.children, ...rss };
    if (peak.total > RSS_LIMIT_MIB * 1024 * 1024) {
      throw new Error(`stopped: livesnap and its ${peak.count} child processes reached ${mib(peak.total)}, over CAPTURE_SCALE_RSS_LIMIT_MIB=${RSS_LIMIT_MIB} ${JSON.stringify(peak.kinds)}`);
    }
  }
  return peak;
}

const TARGET = { rssPerStreamMiB: 4, cpuRatio: 20, loopP99Ms: 100, wsP99Ms: 300, pusherSpeed: 0.97 };

async function measure(ingest: BenchIngest): Promise<void> {
  let app: BenchApp | undefined;
  let relay: ReferenceRelay | undefined;
  let pushers: TeePusher[] = [];
  const references: ReferenceCapture[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const file = await preEncodedSource(SCALE_SOURCE_KBIT);
    app = await startBenchApp("SEQUENCE", ingest, SCALE_TEMPLATE);
    const bench = app;
    relay = await startReferenceRelay();
    const benchOwned = () => [...pushers.map((p) => p.pid), ...references.map((r) => r.pid), relay!.pid, ...(bench.nginxPid ? [bench.nginxPid] : [])];
    const tree = new LivesnapTree(benchOwned);
    const baseRss = tree.rss();

    const log = recordSnapshots(bench);
    stops.push(() => log.stop());
    const ws = await subscribeOverWs(bench);
    stops.push(() => ws.dispose());
    const loopWhole = loopDelayMonitor();

    const names = streamNames(STREAMS);
    const referenceNames = streamNames(REFERENCES, "ref");
    const t0 = Date.now();
    // The reference copies ride on the first pusher, so they are the same bytes at the same pace.
    const groups = chunk(names.map((n) => bench.pushUrl(n)), PER_PUSHER);
    groups[0]!.unshift(...referenceNames.map((n) => relay!.url(n)));
    pushers = await startTeePushers(file, groups, PUSHER_STAGGER_MS);
    await sleep(3000);
    for (const name of referenceNames) references.push(startReferenceCapture(relay.url(name), INTERVAL, WIDTH));
    await watchedSleep(tree, SETTLE_SECONDS);

    // The measured window.
    const loopWindow = loopDelayMonitor();
    const load = startLoadMeter();
    const start = { at: Date.now(), livesnap: tree.cpuSeconds(), pushers: pushers.map((p) => cpuNow(p.pid)), nginx: bench.nginxPid ? cpuNow(bench.nginxPid) : 0 };
    const positions = pushers.map((p) => p.position());
    const postgresStart = new Map((bench.databaseName ? postgresBackends(bench.databaseName) : []).map((pid) => [pid, cpuNow(pid)]));
    const peak = await watchedSleep(tree, WINDOW_SECONDS);
    const end = { at: Date.now(), livesnap: tree.cpuSeconds(), pushers: pushers.map((p) => cpuNow(p.pid)), nginx: bench.nginxPid ? cpuNow(bench.nginxPid) : 0 };
    const machine = load();
    const speeds = pusherSpeeds(pushers, positions);
    loopWindow.stop();
    const wall = (end.at - start.at) / 1000;
    let postgresCpu = 0;
    for (const pid of bench.databaseName ? postgresBackends(bench.databaseName) : []) postgresCpu += cpuNow(pid) - (postgresStart.get(pid) ?? 0);
    const pusherRss = pushers.reduce((n, p) => n + (processRssBytes(p.pid) ?? 0), 0);
    const nginxRss = bench.nginxPid ? (processRssBytes(bench.nginxPid) ?? 0) : 0;

    // Reference: steady state from each ffmpeg's first image to the end of the window.
    const refNow = Date.now();
    const refPerStream = references.map((r) => (r.firstImage ? (cpuNow(r.pid) - r.firstImage.cpu) / ((refNow - r.firstImage.at) / 1000) : Number.NaN));
    const refMean = refPerStream.reduce((a, b) => a + b, 0) / refPerStream.length;
    const refRss = references.map((r) => processRssBytes(r.pid) ?? 0);

    loopWhole.stop();
    const publishes = await publishTimes(bench);
    const late = lateness(names, log, publishes, INTERVAL, GOP_SECONDS, GOP_SECONDS, t0);
    const livesnapCpu = end.livesnap - start.livesnap;
    const livesnapPerStream = livesnapCpu / wall / Math.max(1, late.captured);
    const ratio = refMean / livesnapPerStream;
    const rssPerStream = peak.total / STREAMS;
    const wsSummary = summarize(ws.latencies);
    const publishAt = [...publishes.values()].map((p) => p.at);
    const pushersDied = pushers.filter((p) => p.exited()).length + references.filter((r) => Number.isNaN(cpuNow(r.pid))).length;
    const problems = pusherProblems(pushers);
    const nginxProblems = bench.nginxProblems ? await bench.nginxProblems() : undefined;

    const verdicts: Verdict[] = [
      {
        target: "pushers keep real time (setup check)",
        measured: `speed ${speeds.map((s) => fmt(s)).join(", ")} (≥ ${TARGET.pusherSpeed}); failed outputs: ${Object.keys(problems).length === 0 ? "none" : "see above"}; ${pushersDied} exited`,
        pass: speeds.every((s) => s >= TARGET.pusherSpeed) && pushersDied === 0,
      },
      { target: "every stream captured", measured: `${late.captured}/${STREAMS}`, pass: late.captured === STREAMS },
      {
        target: `no snapshot late by > 1 GOP (${GOP_SECONDS} s)`,
        measured: `${late.lateGaps} late gaps, ${late.lateFirsts} late first snapshots; gap − interval max ${fmt(summarize(late.gapLateness).max)} s`,
        pass: late.captured === STREAMS && late.lateGaps === 0 && late.lateFirsts === 0,
      },
      {
        target: `event loop p99 < ${TARGET.loopP99Ms} ms (whole run)`,
        measured: `p99 ${fmt(loopWhole.p99(), 1)} ms, max ${fmt(loopWhole.max(), 0)} ms; window p99 ${fmt(loopWindow.p99(), 1)} ms`,
        pass: loopWhole.p99() < TARGET.loopP99Ms,
      },
      {
        target: `RSS of livesnap + children / ${STREAMS} ≤ ${TARGET.rssPerStreamMiB} MiB`,
        measured: `${mib(rssPerStream)} per stream (${mib(peak.total)} peak)`,
        pass: rssPerStream <= TARGET.rssPerStreamMiB * 1024 * 1024,
      },
      {
        target: `CPU per stream ≥ ${TARGET.cpuRatio}x less than fps=1/${INTERVAL}`,
        measured: `${fmt(ratio, 1)}x (${fmt(refMean * 100, 2)} % vs ${fmt(livesnapPerStream * 100, 3)} % of a core)`,
        pass: Number.isFinite(ratio) ? ratio >= TARGET.cpuRatio : false,
      },
      {
        target: `image to subscriber p99 < ${TARGET.wsP99Ms} ms`,
        measured: `p99 ${fmt(wsSummary.p99, 0)} ms over ${wsSummary.n} images`,
        pass: wsSummary.n > 0 && wsSummary.p99 < TARGET.wsP99Ms,
      },
    ];

    const details = [
      `setup: ${ingest === "nginx" ? "nginx-rtmp ingest with hooks to livesnap, PostgreSQL, fs store" : "embedded ingest (node-media-server in the livesnap process), PGlite, fs store"}; livesnap runs in this process; template JPG ${WIDTH} px wide every ${INTERVAL} s`,
      `source: 720p30 H.264 ${SCALE_SOURCE_KBIT} kbit/s + AAC, ${GOP_SECONDS} s GOP, ${pushers.length} tee ffmpegs (-c copy, ≤ ${PER_PUSHER} outputs each, the first also the ${REFERENCES} reference copies, started ${PUSHER_STAGGER_MS} ms apart); publishes spread over ${fmt((Math.max(...publishAt) - Math.min(...publishAt)) / 1000, 1)} s; ${late.republished} streams published more than once`,
      `run: ${SETTLE_SECONDS} s settle after the last pusher, ${fmt(wall, 1)} s measured window; ${log.total()} snapshots`,
      `lateness on arrival (s), gap − interval: ${spread(late.gapLateness)}; on capturedAt: ${spread(late.capturedGapLateness)}`,
      `publish → first snapshot (s): ${spread(late.first)}${late.missing.length ? `; never captured: ${late.missing.slice(0, 12).join(", ")}${late.missing.length > 12 ? ", …" : ""}` : ""}`,
      ...(late.examples.length ? [`late examples: ${late.examples.join("; ")}`] : []),
      `CPU over the window, % of one core: livesnap (process + ${peak.count} child processes) ${fmt((livesnapCpu / wall) * 100, 1)} = ${fmt(livesnapPerStream * 100, 3)} per captured stream (${fmt(livesnapPerStream * 60, 3)} CPU-s per stream-minute)`,
      `  reference ffmpeg fps=1/${INTERVAL},scale=${WIDTH}:-2 (each, steady state): ${refPerStream.map((v) => fmt(v * 100, 2)).join(", ")}; images ${references.map((r) => r.images.length).join(", ")}; RSS ${refRss.map(mib).join(", ")}`,
      `  pushers ${fmt((end.pushers.reduce((a, b) => a + b, 0) - start.pushers.reduce((a, b) => a + b, 0)) / wall * 100, 1)} in all (${fmt(((end.pushers.reduce((a, b) => a + b, 0) - start.pushers.reduce((a, b) => a + b, 0)) / wall / (STREAMS + REFERENCES)) * 100, 3)} per output)${
        ingest === "nginx" ? `; nginx ${fmt(((end.nginx - start.nginx) / wall) * 100, 1)}; PostgreSQL backends ${fmt((postgresCpu / wall) * 100, 1)}` : ""
      } (not livesnap's)`,
      `  ${describeLoad(machine)}`,
      `memory at peak: livesnap process ${mib(peak.self)} + ${peak.count} children ${mib(peak.children)} ${JSON.stringify(peak.kinds)}; before the first publish ${mib(baseRss.self)} (this process includes the benchmark harness); pushers ${mib(pusherRss)}${ingest === "nginx" ? `; nginx ${mib(nginxRss)}` : ""}`,
      `image to graphql-ws subscriber (ms): ${spread(ws.latencies, 0)}${ws.errors.length ? `; errors ${ws.errors.slice(0, 3).join(" | ")}` : ""}`,
      `decoder pool (recent jobs, ms): ${JSON.stringify((({ queueWaitMs, decodeMs, superseded, failed, restarts }) => ({ queueWaitMs, decodeMs, superseded, failed, restarts }))(bench.app.decoders.stats()))}`,
      `pusher problems: ${JSON.stringify(problems)}`,
      `notable log lines: ${JSON.stringify(bench.logs.notable())}`,
      ...(nginxProblems ? [`nginx error log (warn and above): ${JSON.stringify(nginxProblems)}`] : []),
    ];
    console.log(report(`capture at scale: ${STREAMS} streams, ${ingest} ingest, ${INTERVAL} s interval, JPG ${WIDTH} px`, details, verdicts));
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error("bench cleanup:", error));
    await Promise.all(references.map((r) => r.stop()));
    await Promise.all(pushers.map((p) => p.stop()));
    await relay?.stop();
    await app?.stop();
  }
}

describe("capture at scale", () => {
  for (const ingest of INGESTS) {
    // An async function: tinybench calls any other function once more to see whether it returns a promise.
    bench(`${STREAMS} captured 720p streams, ${ingest} ingest, ${WINDOW_SECONDS} s`, async () => measure(ingest), {
      iterations: 1,
      warmupIterations: 0,
      time: 0,
      warmupTime: 0,
    });
  }
});
