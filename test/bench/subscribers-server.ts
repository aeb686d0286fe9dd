/**
 * livesnap for the subscriber bench, in a process of its own (run with --expose-gc). Besides
 * { url } once listening and "stop", it answers over IPC:
 *   { type: "tokens", count }   -> { tokens }: READER tokens of one account
 *   { type: "memory" }          -> { rss, heapUsed }: after two full collections
 *   { type: "publish", seq }    -> { publishedAt }: one snapshotCreated through the app's bus
 */
import { randomUUID } from "node:crypto";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import type { SnapshotRow } from "../../src/db/schema";
import { issueTokenForAccount } from "../../src/domain/api-tokens";
import { silentLogger } from "../../src/logger";

const BENCH_ACCOUNT = "bench-subscribers";

type Request = { type: "tokens"; count: number } | { type: "memory" } | { type: "publish"; seq: number };

const app = createApp(loadConfig(process.env), { logger: silentLogger() });
let accountId: string | undefined;
let stopping: Promise<void> | undefined;

function stop(): Promise<void> {
  stopping ??= app.stop().then(() => process.exit(0));
  return stopping;
}

function collect() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the subscriber bench server needs --expose-gc");
  gc();
  gc();
}

async function answer(request: Request): Promise<unknown> {
  switch (request.type) {
    case "tokens": {
      const tokens: string[] = [];
      for (let i = 0; i < request.count; i++) {
        const issued = await issueTokenForAccount(app.database.db, BENCH_ACCOUNT, "READER");
        accountId = issued.apiToken.accountId;
        tokens.push(issued.token);
      }
      return { tokens };
    }
    case "memory": {
      collect();
      const { rss, heapUsed } = process.memoryUsage();
      return { rss, heapUsed };
    }
    case "publish": {
      if (!accountId) throw new Error("publish before any token was issued");
      const capturedAt = new Date();
      const snapshot: SnapshotRow = {
        id: randomUUID(),
        accountId,
        liveStreamId: null,
        templateId: null,
        domain: "push.bench.example.com",
        appName: "live",
        streamName: `seq${request.seq}`,
        sourceId: "benchsource",
        bucket: "livesnap",
        key: `snapshot/bench/live/seq${request.seq}.jpg`,
        format: "JPG",
        width: 1280,
        height: 720,
        bytes: 50_000,
        capturedAt,
      };
      await app.bus.publishSnapshotCreated(snapshot);
      return { publishedAt: capturedAt.getTime() };
    }
  }
}

process.on("message", (message: "stop" | (Request & { id: number })) => {
  if (message === "stop") return void stop();
  answer(message).then(
    (result) => process.send!({ id: message.id, result }),
    (err: unknown) => process.send!({ id: message.id, error: String(err) }),
  );
});
process.on("disconnect", () => void stop());
process.on("SIGTERM", () => void stop());

try {
  await app.start();
  process.send!({ url: app.url });
} catch (err) {
  process.send!({ error: String(err instanceof Error ? (err.stack ?? err.message) : err) });
  await app.stop();
  process.exit(1);
}
