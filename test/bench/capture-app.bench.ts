import { monitorEventLoopDelay } from "node:perf_hooks";
import { inArray } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import { bench, describe } from "vitest";
import WebSocket from "ws";
import { liveStreamsTable } from "../../src/db/schema";
import { pushTestStream } from "../support/ffmpeg-push";
import {
  fmt,
  INTERVAL_SECONDS,
  preEncodedSource,
  pushCopy,
  describeLoad,
  sleep,
  SOURCE,
  startLoadMeter,
  startBenchApp,
  summarize,
  type BenchApp,
} from "./capture-support";

/**
 * Through the whole service (embedded ingest → capture → fs storage → database → bus →
 * graphql-ws): spacing of consecutive snapshots, publish to first snapshot, and the latency
 * from the image leaving ffmpeg (capturedAt) to a WebSocket subscriber receiving it.
 */
const STREAMS = 10;
const RUN_SECONDS = 120;
const GOP = SOURCE.gopSeconds;

interface Received {
  liveStreamId: string;
  stream: string;
  capturedAt: number;
  busAt: number;
}

async function measure(): Promise<void> {
  let bench: BenchApp | undefined;
  let client: Client | undefined;
  const pushers: { stop(): Promise<unknown> }[] = [];
  const abort = new AbortController();
  try {
    const file = await preEncodedSource();
    bench = await startBenchApp("SEQUENCE");
    const { app } = bench;

    // Timing of each upload, matched to its snapshot by the capture time in the SEQUENCE key.
    const puts = new Map<number, { start: number; end: number }>();
    const store = app.store;
    const put = store.put.bind(store);
    store.put = async (object) => {
      const start = Date.now();
      await put(object);
      puts.set(Number(/(\d+)\.jpg$/.exec(object.key)?.[1]), { start, end: Date.now() });
    };
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();

    const received: Received[] = [];
    const busLoop = (async () => {
      for await (const row of app.bus.subscribeSnapshotCreated({ accountId: bench!.accountId }, abort.signal)) {
        received.push({ liveStreamId: row.liveStreamId ?? "", stream: row.streamName, capturedAt: row.capturedAt.getTime(), busAt: Date.now() });
      }
    })();

    const wsLatencies: number[] = [];
    const wsWorst: { ms: number; stream: string; at: number }[] = [];
    client = createClient({
      url: `${app.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${bench.token}` },
    });
    const wsClient = client;
    const wsDone = new Promise<void>((resolve, reject) => {
      wsClient.subscribe<{ snapshotCreated: { capturedAt: string; streamName: string } }>(
        { query: "subscription { snapshotCreated { id domain appName streamName key bytes width height capturedAt url } }" },
        {
          next: (result) => {
            const at = Date.now();
            if (result.errors) reject(new Error(JSON.stringify(result.errors)));
            const capturedAt = result.data?.snapshotCreated.capturedAt;
            if (capturedAt) {
              wsLatencies.push(at - Date.parse(capturedAt));
              wsWorst.push({ ms: at - Date.parse(capturedAt), stream: result.data!.snapshotCreated.streamName, at });
            }
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    wsDone.catch(() => {});
    await sleep(500);

    const pushedAt = new Map<string, number>();
    const t0 = Date.now();
    const load = startLoadMeter();
    for (let i = 0; i < STREAMS; i++) {
      const name = i === 0 ? "encoded" : `file-${i}`;
      pushedAt.set(name, Date.now());
      pushers.push(
        i === 0
          ? pushTestStream({ url: bench.pushUrl(name), width: SOURCE.width, height: SOURCE.height, fps: SOURCE.fps, gop: SOURCE.fps * GOP, audio: true })
          : pushCopy(file, bench.pushUrl(name)),
      );
      await sleep(500);
    }
    await sleep(RUN_SECONDS * 1000);
    const machine = load();
    abort.abort();
    await busLoop;

    const ids = [...new Set(received.map((r) => r.liveStreamId))];
    const streams = ids.length === 0 ? [] : await app.database.db.select().from(liveStreamsTable).where(inArray(liveStreamsTable.id, ids));
    const gaps: number[] = [];
    const firstFromPublish: number[] = [];
    const firstFromPush: number[] = [];
    let outside = 0;
    const anomalies: string[] = [];
    for (const stream of streams) {
      const mine = received.filter((r) => r.liveStreamId === stream.id).map((r) => r.capturedAt).sort((a, b) => a - b);
      firstFromPublish.push((mine[0]! - stream.startedAt.getTime()) / 1000);
      firstFromPush.push((mine[0]! - pushedAt.get(stream.streamName)!) / 1000);
      for (let i = 1; i < mine.length; i++) {
        const gap = (mine[i]! - mine[i - 1]!) / 1000;
        gaps.push(gap);
        if (Math.abs(gap - INTERVAL_SECONDS) > GOP) {
          outside++;
          anomalies.push(`${stream.streamName} ${fmt(gap)} s at +${fmt((mine[i]! - t0) / 1000, 1)} s`);
        }
      }
    }
    const g = summarize(gaps);
    const first = summarize(firstFromPublish);
    const firstPush = summarize(firstFromPush);
    const ws = summarize(wsLatencies);
    const bus = summarize(received.map((r) => r.busAt - r.capturedAt));
    loopDelay.disable();
    const stages = received.flatMap((r) => {
      const p = puts.get(r.capturedAt);
      return p ? [{ before: p.start - r.capturedAt, put: p.end - p.start, record: r.busAt - p.end }] : [];
    });
    const before = summarize(stages.map((s) => s.before));
    const putMs = summarize(stages.map((s) => s.put));
    const record = summarize(stages.map((s) => s.record));
    const firstLimit = INTERVAL_SECONDS + GOP + 3;
    console.log(
      [
        `\n== capture through the app: ${STREAMS} streams 720p30 (1 live libx264 encoder + ${STREAMS - 1} copies of the pre-encoded file), ${GOP} s GOP, interval ${INTERVAL_SECONDS} s, ${RUN_SECONDS} s ==`,
        `streams captured: ${streams.length}/${STREAMS}; snapshots: ${received.length}; over graphql-ws: ${wsLatencies.length}`,
        `gaps between consecutive snapshots of a stream (s): n ${g.n} min ${fmt(g.min)} p50 ${fmt(g.p50)} p99 ${fmt(g.p99)} max ${fmt(g.max)}; outside interval ± GOP (${INTERVAL_SECONDS - GOP}..${INTERVAL_SECONDS + GOP} s): ${outside} (target 0: ${outside === 0 && g.n > 0 ? "met" : "MISSED"})`,
        `publish (live_streams.startedAt) → first snapshot (s): min ${fmt(first.min)} p50 ${fmt(first.p50)} max ${fmt(first.max)} (target ≤ ${firstLimit} s: ${first.max <= firstLimit ? "met" : "MISSED"})`,
        `pusher spawn → first snapshot (s): min ${fmt(firstPush.min)} p50 ${fmt(firstPush.p50)} max ${fmt(firstPush.max)}`,
        `image captured → graphql-ws client (ms): n ${ws.n} min ${ws.min} p50 ${ws.p50} p90 ${ws.p90} p99 ${ws.p99} max ${ws.max} (target p99 < 300 ms: ${ws.p99 < 300 ? "met" : "MISSED"})`,
        `image captured → in-process bus subscriber (ms): p50 ${bus.p50} p99 ${bus.p99} max ${bus.max}`,
        `  stages (ms, p50/p99/max): captured → upload starts ${before.p50}/${before.p99}/${before.max}; fs upload ${putMs.p50}/${putMs.p99}/${putMs.max}; row insert + publish ${record.p50}/${record.p99}/${record.max}`,
        `  event-loop delay of the livesnap process (ms): p50 ${fmt(loopDelay.percentile(50) / 1e6, 1)} p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} max ${fmt(loopDelay.max / 1e6, 1)}`,
        `gaps outside: ${anomalies.join(", ") || "none"}`,
        `slowest deliveries: ${wsWorst.sort((a, b) => b.ms - a.ms).slice(0, 6).map((w) => `${w.ms} ms ${w.stream} at +${fmt((w.at - t0) / 1000, 1)} s`).join(", ")}`,
        `during the run: ${describeLoad(machine)}`,
        `notable log lines: ${JSON.stringify(bench.logs.notable())}`,
      ].join("\n"),
    );
  } finally {
    abort.abort();
    await client?.dispose();
    await Promise.all(pushers.map((p) => p.stop()));
    await bench?.stop();
  }
}

describe("capture through the app", () => {
  bench(`spacing, first snapshot and WebSocket latency, ${STREAMS} streams, ${RUN_SECONDS} s`, measure, {
    iterations: 1,
    warmupIterations: 0,
    time: 0,
    warmupTime: 0,
  });
});
