/**
 * The real app in a process of its own, so that the load generator does not share its event
 * loop. Started by effective-template.bench.ts with an IPC channel: it answers
 * { url } once listening and stops cleanly on "stop" (or when the parent goes away).
 */
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { silentLogger } from "../../src/logger";

const app = createApp(loadConfig(process.env), { logger: silentLogger() });
let stopping: Promise<void> | undefined;

function stop(): Promise<void> {
  stopping ??= app.stop().then(() => process.exit(0));
  return stopping;
}

process.on("message", (message) => {
  if (message === "stop") void stop();
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
