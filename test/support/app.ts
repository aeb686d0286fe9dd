import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp, type App } from "../../src/app";
import { loadConfig } from "../../src/config";
import { issueTokenForAccount } from "../../src/domain/api-tokens";
import { silentLogger, type Logger } from "../../src/logger";
import type { FrameEngineTunables as CaptureTunables } from "../../src/capture/frame-engine";
import type { CallbackTimings } from "../../src/callbacks/backoff";
import { createServerDatabase } from "./db";

export interface TestApp {
  readonly app: App;
  /** Stops livesnap and starts it again on the same database and DATA_DIR, as after a crash or upgrade. */
  restart(): Promise<void>;
  dataDir: string;
  /** An ADMIN token of a fresh account. */
  token(account: string, role?: "ADMIN" | "READER"): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole service as `npm start` builds it, on free ports, a temporary DATA_DIR and a fresh
 * database (PGlite there, or a new PostgreSQL database when TEST_DATABASE_URL is set).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    captureTunables?: Partial<CaptureTunables>;
    streamLeaseMs?: number;
    logger?: Logger;
    retentionDeleteConcurrency?: number;
    callbackTimings?: Partial<CallbackTimings>;
  } = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-test-"));
  const server = await createServerDatabase();
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    RTMP_PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ...(server ? { DATABASE_URL: server.url } : {}),
    ...env,
  });
  const build = () =>
    createApp(config, {
      logger: options.logger ?? silentLogger(),
      captureTunables: options.captureTunables,
      streamLeaseMs: options.streamLeaseMs,
      retentionDeleteConcurrency: options.retentionDeleteConcurrency,
      callbackTimings: options.callbackTimings,
      uploadRetry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 500 },
    });
  let app = build();
  try {
    await app.start();
  } catch (error) {
    await app.stop();
    await server?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    get app() {
      return app;
    },
    async restart() {
      await app.stop();
      app = build();
      await app.start();
    },
    dataDir,
    token: async (account, role = "ADMIN") => (await issueTokenForAccount(app.database.db, account, role)).token,
    async stop() {
      await app.stop();
      await server?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
