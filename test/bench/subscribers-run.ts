import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startBenchProcess, stopBenchProcess } from "./bench-process";
import { processCpuSeconds } from "./capture-support";
import { ipcCaller } from "./ipc";

const SERVER_ENTRY = fileURLToPath(new URL("./subscribers-server.ts", import.meta.url));
const CLIENT_ENTRY = fileURLToPath(new URL("./subscribers-client.ts", import.meta.url));

export interface SubscribersOptions {
  /** Tokens of one account; each opens `perToken` connections. */
  tokens: number;
  perToken: number;
  /** snapshotCreated subscriptions multiplexed on each connection. */
  subscriptionsPerConnection: number;
  /** Load generator processes the connections are spread over. */
  clientProcesses: number;
  /** Events measured one after another, each to every subscriber. */
  events: number;
}

export interface EventDelivery {
  received: number;
  /** CPU seconds the server and the load generators spent from the publish to the last arrival. */
  serverCpu: number;
  clientCpu: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SubscribersResult extends SubscribersOptions {
  subscribers: number;
  openSeconds: number;
  /** Server memory after full collections: before the first connection, with all subscribed, and after the events. */
  memory: { before: Memory; after: Memory; afterEvents: Memory };
  deliveries: EventDelivery[];
  load: [number, number];
}

interface Memory {
  rss: number;
  heapUsed: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startClient(): Promise<{ child: ChildProcess; call: ReturnType<typeof ipcCaller> }> {
  const child = fork(CLIENT_ENTRY, [], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    execArgv: ["--import", "tsx", "--max-old-space-size=4096"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [message] = (await once(child, "message")) as [{ ready?: boolean }];
  if (!message.ready) throw new Error(`load generator did not start: ${JSON.stringify(message)}`);
  return { child, call: ipcCaller(child) };
}

async function stopClient(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.send("close");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * N graphql-ws subscribers on one livesnap (embedded PGlite, in-process bus), the load
 * generator in other processes; snapshotCreated events published through the app's bus.
 */
export async function runSubscribersBench(options: SubscribersOptions): Promise<SubscribersResult> {
  const subscribers = options.tokens * options.perToken * options.subscriptionsPerConnection;
  const dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-bench-subs-"));
  let server: ChildProcess | undefined;
  const clients: ChildProcess[] = [];
  try {
    const started = await startBenchProcess(
      SERVER_ENTRY,
      { HOST: "127.0.0.1", PORT: "0", RTMP_PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "silent" },
      ["--expose-gc"],
    );
    server = started.child;
    const callServer = ipcCaller(server);
    const { tokens } = await callServer<{ tokens: string[] }>({ type: "tokens", count: options.tokens });
    const before = await callServer<Memory>({ type: "memory" });

    const calls: ReturnType<typeof ipcCaller>[] = [];
    for (let i = 0; i < options.clientProcesses; i++) {
      const client = await startClient();
      clients.push(client.child);
      calls.push(client.call);
    }
    const sum = async (request: Record<string, unknown>, field: "received" | "opened" | "failed") =>
      (await Promise.all(calls.map((call) => call<Record<string, number>>(request)))).reduce((n, r) => n + r[field]!, 0);

    const openStarted = performance.now();
    const opened = await Promise.all(
      calls.map((call, i) =>
        call<{ opened: number; failed: number }>({
          type: "open",
          url: started.url,
          tokens: tokens.filter((_, t) => t % options.clientProcesses === i),
          perToken: options.perToken,
          subscriptionsPerConnection: options.subscriptionsPerConnection,
        }),
      ),
    );
    const openSeconds = (performance.now() - openStarted) / 1000;
    const failed = opened.reduce((n, o) => n + o.failed, 0);
    if (failed > 0) throw new Error(`${failed} of ${options.tokens * options.perToken} connections failed to open`);

    // A connection is acknowledged before its subscription is registered: probe events until
    // one reaches every subscriber, so the measured events find all of them listening.
    let ready = false;
    for (let probe = 0; probe < 30 && !ready; probe++) {
      await callServer({ type: "publish", seq: -1 - probe });
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && !ready) {
        ready = (await sum({ type: "count", streamName: `seq${-1 - probe}` }, "received")) === subscribers;
        if (!ready) await sleep(200);
      }
    }
    if (!ready) throw new Error("not every subscriber received a probe event within 30 probes");
    await sleep(2_000);
    const after = await callServer<Memory>({ type: "memory" });

    const loadBefore = loadavg()[0]!;
    const deliveries: EventDelivery[] = [];
    for (let seq = 0; seq < options.events; seq++) {
      const cpu = () => ({
        server: processCpuSeconds(server!.pid!) ?? Number.NaN,
        client: clients.reduce((n, c) => n + (processCpuSeconds(c.pid!) ?? Number.NaN), 0),
      });
      const cpuBefore = cpu();
      await callServer({ type: "publish", seq });
      const streamName = `seq${seq}`;
      const deadline = Date.now() + 30_000;
      let received = 0;
      while (Date.now() < deadline && received < subscribers) {
        await sleep(100);
        received = await sum({ type: "count", streamName }, "received");
      }
      const cpuAfter = cpu();
      const latencies = (await Promise.all(calls.map((call) => call<{ latencies: number[] }>({ type: "latencies", streamName }))))
        .flatMap((r) => r.latencies)
        .sort((a, b) => a - b);
      deliveries.push({
        received,
        serverCpu: cpuAfter.server - cpuBefore.server,
        clientCpu: cpuAfter.client - cpuBefore.client,
        p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN });
      await sleep(1_000);
    }
    const afterEvents = await callServer<Memory>({ type: "memory" });
    return { ...options, subscribers, openSeconds, memory: { before, after, afterEvents }, deliveries, load: [loadBefore, loadavg()[0]!] };
  } finally {
    for (const child of clients) await stopClient(child);
    if (server) await stopBenchProcess(server);
    await rm(dataDir, { recursive: true, force: true });
  }
}
