import { bench, describe } from "vitest";
import { describeLoad, fmt, preEncodedSource, startBenchApp, startLoadMeter, summarize, type BenchApp, type BenchIngest } from "./capture-support";
import {
  chunk,
  envIngests,
  envInt,
  loopDelayMonitor,
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
 * captureSnapshot(domain, app, stream) at STREAMS live streams (the 3 Mbit/s 2 s-GOP file,
 * template JPG 640 px every 10 s, so periodic capture runs meanwhile): latency of the mutation
 * over HTTP with an ADMIN token, first with one caller (sequential), then with CONCURRENCY
 * callers, CALLS calls each phase spread round-robin over the streams. One image of each
 * phase is read back from its signed URL. A server without the mutation is reported as such.
 *
 * Knobs: CAPTURE_ON_DEMAND_STREAMS (100), CAPTURE_ON_DEMAND_CALLS (200 per phase),
 * CAPTURE_ON_DEMAND_CONCURRENCY (8), CAPTURE_ON_DEMAND_INGEST (nginx | embedded | both, default embedded).
 */
const STREAMS = envInt("CAPTURE_ON_DEMAND_STREAMS", 100, 1, 1000);
const CALLS = envInt("CAPTURE_ON_DEMAND_CALLS", 200, 1, 5000);
const CONCURRENCY = envInt("CAPTURE_ON_DEMAND_CONCURRENCY", 8, 1, 64);
const INGESTS = envIngests("CAPTURE_ON_DEMAND_INGEST", "embedded");
const PER_PUSHER = 25;
const WARM_UP_TIMEOUT_SECONDS = 90;
/** Each phase stops taking new calls after this long, so a slow server still ends the run. */
const PHASE_LIMIT_SECONDS = 90;
const P99_TARGET_MS = 300;

const MUTATION = `mutation Capture($domain: String!, $app: String!, $stream: String!) {
  captureSnapshot(domain: $domain, app: $app, stream: $stream) { id streamName capturedAt bytes width height url }
}`;

interface Captured {
  id: string;
  streamName: string;
  capturedAt: string;
  bytes: number;
  width: number;
  height: number;
  url: string;
}

type CallResult = { stream: string; ms: number } & ({ ok: true; snapshot: Captured; at: number } | { ok: false; error: string; unknownMutation: boolean });

async function callCapture(bench: BenchApp, stream: string): Promise<CallResult> {
  const start = performance.now();
  try {
    const response = await fetch(`${bench.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bench.token}` },
      body: JSON.stringify({ query: MUTATION, variables: { domain: "localhost", app: "live", stream } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const ms = performance.now() - start;
    let body: { data?: { captureSnapshot?: Captured | null } | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return { stream, ok: false, ms, error: `HTTP ${response.status}, not JSON: ${text.slice(0, 120)}`, unknownMutation: false };
    }
    const snapshot = body.data?.captureSnapshot;
    if (snapshot && !body.errors?.length) return { stream, ok: true, ms, snapshot, at: Date.now() };
    const first = body.errors?.[0];
    const message = first ? `${first.extensions?.code ?? "error"}: ${first.message}` : `HTTP ${response.status}, no data`;
    return { stream, ok: false, ms, error: message.slice(0, 200), unknownMutation: /Cannot query field "captureSnapshot"/.test(first?.message ?? "") };
  } catch (error) {
    return { stream, ok: false, ms: performance.now() - start, error: error instanceof Error ? error.message : String(error), unknownMutation: false };
  }
}

interface Phase {
  name: string;
  results: CallResult[];
  wall: number;
  stoppedEarly: boolean;
}

/** CALLS calls over `callers` concurrent loops; call i goes to stream i mod the stream count. */
async function runPhase(bench: BenchApp, name: string, streams: string[], callers: number): Promise<Phase> {
  const results: CallResult[] = [];
  const deadline = Date.now() + PHASE_LIMIT_SECONDS * 1000;
  let next = 0;
  let stoppedEarly = false;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < CALLS) {
        if (Date.now() > deadline) {
          stoppedEarly = true;
          return;
        }
        const stream = streams[next++ % streams.length]!;
        results.push(await callCapture(bench, stream));
      }
    }),
  );
  return { name, results, wall: (Date.now() - start) / 1000, stoppedEarly };
}

/** Fetches a snapshot's signed URL: a JPEG of the template's width is what a user expects. */
async function readBack(snapshot: Captured | undefined): Promise<string | null> {
  if (!snapshot) return "no snapshot to read back";
  const response = await fetch(snapshot.url, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => error as Error);
  if (response instanceof Error) return `GET url failed: ${response.message}`;
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) return `GET url answered ${response.status}`;
  if (body[0] !== 0xff || body[1] !== 0xd8) return `GET url returned ${body.length} bytes that are not a JPEG`;
  if (body.length !== snapshot.bytes) return `GET url returned ${body.length} bytes, the Snapshot says ${snapshot.bytes}`;
  if (snapshot.width !== SCALE_TEMPLATE.width) return `width ${snapshot.width}, template ${SCALE_TEMPLATE.width}`;
  return null;
}

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
    const names = streamNames(STREAMS);
    pushers = await startTeePushers(file, chunk(names.map((n) => bench.pushUrl(n)), PER_PUSHER), 1000);
    // A periodic snapshot of every stream means each has been read up to a keyframe.
    const warm = await log.streamsWithSnapshots(STREAMS, WARM_UP_TIMEOUT_SECONDS * 1000);
    const live = names.filter((n) => log.byStream.has(n));
    const title = `captureSnapshot at ${STREAMS} live streams, ${ingest} ingest`;
    const setup = [
      `setup: ${ingest === "nginx" ? "nginx-rtmp ingest with hooks to livesnap, PostgreSQL" : "embedded ingest, PGlite"}, fs store, livesnap in this process; template JPG ${SCALE_TEMPLATE.width} px every ${SCALE_TEMPLATE.intervalSeconds} s (periodic capture runs meanwhile); ${pushers.length} tee ffmpegs`,
      `warm-up: ${live.length}/${STREAMS} streams had a periodic snapshot${warm ? "" : ` after ${WARM_UP_TIMEOUT_SECONDS} s (calls go to those)`}`,
    ];
    if (live.length === 0) {
      console.log(report(title, setup, [{ target: "captureSnapshot p99 < 300 ms", measured: "no stream was captured during warm-up", pass: null }]));
      return;
    }

    const probe = await callCapture(bench, live[0]!);
    if (!probe.ok && probe.unknownMutation) {
      console.log(
        report(title, [...setup, `the server does not know the mutation: ${probe.error}`], [
          { target: "captureSnapshot p99 < 300 ms, sequential", measured: "server has no captureSnapshot mutation", pass: null },
          { target: `captureSnapshot p99 < 300 ms, ${CONCURRENCY} callers`, measured: "server has no captureSnapshot mutation", pass: null },
        ]),
      );
      return;
    }

    const loop = loopDelayMonitor();
    const load = startLoadMeter();
    const phases = [await runPhase(bench, "sequential", live, 1), await runPhase(bench, `${CONCURRENCY} concurrent callers`, live, CONCURRENCY)];
    const machine = load();
    loop.stop();

    const details = [...setup, `probe call: ${probe.ok ? `${fmt(probe.ms, 0)} ms` : `failed: ${probe.error}`}`];
    const verdicts: Verdict[] = [];
    for (const phase of phases) {
      const ok = phase.results.filter((r): r is Extract<CallResult, { ok: true }> => r.ok);
      const failed = phase.results.filter((r): r is Extract<CallResult, { ok: false }> => !r.ok);
      const errors: Record<string, number> = {};
      for (const f of failed) errors[f.error] = (errors[f.error] ?? 0) + 1;
      const wrongStream = ok.filter((r) => r.snapshot.streamName !== r.stream).length;
      const latency = summarize(phase.results.map((r) => r.ms));
      const age = ok.map((r) => (r.at - Date.parse(r.snapshot.capturedAt)) / 1000);
      const readBackProblem = await readBack(ok[0]?.snapshot);
      details.push(
        `${phase.name}: ${phase.results.length} calls in ${fmt(phase.wall, 1)} s (${fmt(phase.results.length / phase.wall, 1)}/s)${phase.stoppedEarly ? `, stopped at the ${PHASE_LIMIT_SECONDS} s limit` : ""}; ${ok.length} snapshots, ${failed.length} errors ${JSON.stringify(errors)}`,
        `  latency (ms): ${spread(phase.results.map((r) => r.ms), 1)}`,
        `  image age at response (response − capturedAt, s): ${spread(age)}; read back: ${readBackProblem ?? "JPEG of the template's width, bytes as stated"}${wrongStream ? `; ${wrongStream} snapshots of another stream than asked` : ""}`,
      );
      verdicts.push({
        target: `captureSnapshot p99 < ${P99_TARGET_MS} ms, ${phase.name}`,
        measured: `p99 ${fmt(latency.p99, 0)} ms (p50 ${fmt(latency.p50, 0)}, max ${fmt(latency.max, 0)}), ${failed.length}/${phase.results.length} errors`,
        pass: failed.length === 0 && wrongStream === 0 && readBackProblem === null && !phase.stoppedEarly && latency.p99 < P99_TARGET_MS,
      });
    }
    details.push(`during the calls: ${describeLoad(machine)}; event loop p99 ${fmt(loop.p99(), 1)} ms, max ${fmt(loop.max(), 0)} ms`, `notable log lines: ${JSON.stringify(bench.logs.notable())}`);
    console.log(report(title, details, verdicts));
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error("bench cleanup:", error));
    await Promise.all(pushers.map((p) => p.stop()));
    await app?.stop();
  }
}

describe("captureSnapshot on demand", () => {
  for (const ingest of INGESTS) {
    bench(`captureSnapshot at ${STREAMS} live streams, ${ingest} ingest`, async () => measure(ingest), {
      iterations: 1,
      warmupIterations: 0,
      time: 0,
      warmupTime: 0,
    });
  }
});
