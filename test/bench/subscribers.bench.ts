/**
 * 10,000 graphql-ws subscribers on one livesnap, one snapshotCreated to all of them: delivery
 * p99 (target < 1 s) and server memory per idle subscriber. See BENCHMARKS.md.
 *
 *   npx vitest bench --run --config vitest.bench.config.ts test/bench/subscribers.bench.ts
 *
 * Needs an open file limit of about 11,000 per process (`ulimit -n`). BENCH_SUBSCRIBER_TOKENS
 * (default 125), BENCH_SUBSCRIBERS_PER_TOKEN (connections per token, default 80) and
 * BENCH_SUBSCRIPTIONS_PER_CONNECTION (default 1) shape the load; BENCH_SUBSCRIBER_EVENTS (default 5)
 * is the number of measured events.
 */
import { bench, describe } from "vitest";
import { runSubscribersBench } from "./subscribers-run";

const TARGET_P99_MS = 1_000;

describe("10,000 WebSocket subscribers", () => {
  bench(
    "one snapshotCreated to every subscriber",
    async () => {
      const r = await runSubscribersBench({
        tokens: Number(process.env.BENCH_SUBSCRIBER_TOKENS ?? 125),
        perToken: Number(process.env.BENCH_SUBSCRIBERS_PER_TOKEN ?? 80),
        subscriptionsPerConnection: Number(process.env.BENCH_SUBSCRIPTIONS_PER_CONNECTION ?? 1),
        clientProcesses: 2,
        events: Number(process.env.BENCH_SUBSCRIBER_EVENTS ?? 5),
      });
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      const perSubscriber = (field: "rss" | "heapUsed") => ((r.memory.after[field] - r.memory.before[field]) / r.subscribers / 1024).toFixed(1);
      const lines = [
        `${r.subscribers} subscribers (${r.tokens} tokens x ${r.perToken} connections x ${r.subscriptionsPerConnection} subscriptions, ${r.clientProcesses} load generator processes), opened in ${r.openSeconds.toFixed(1)} s`,
        `server memory: RSS ${mb(r.memory.before.rss)} -> ${mb(r.memory.after.rss)} MB (${perSubscriber("rss")} KB per subscriber), heap ${mb(r.memory.before.heapUsed)} -> ${mb(r.memory.after.heapUsed)} MB (${perSubscriber("heapUsed")} KB per subscriber)`,
        `after the ${r.deliveries.length} events: RSS ${mb(r.memory.afterEvents.rss)} MB, heap ${mb(r.memory.afterEvents.heapUsed)} MB (${((r.memory.afterEvents.heapUsed - r.memory.after.heapUsed) / r.subscribers / r.deliveries.length).toFixed(0)} bytes per subscriber and event kept)`,
        ...r.deliveries.map(
          (d, i) => `event ${i + 1}: received by ${d.received}/${r.subscribers}, p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms, CPU server ${d.serverCpu.toFixed(2)} s, load generators ${d.clientCpu.toFixed(2)} s (${d.received === r.subscribers && d.p99 < TARGET_P99_MS ? "meets" : "MISSES"} p99 < ${TARGET_P99_MS} ms)`,
        ),
        `load average ${r.load.map((l) => l.toFixed(1)).join(" -> ")}`,
      ];
      console.log(`\n${lines.join("\n")}\n`);
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
