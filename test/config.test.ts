import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

describe("configuration", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1", port: 4000, databaseUrl: undefined, dataDir: "./data", rtmpPort: 1935,
      defaultPushDomain: "localhost", hookSecret: undefined, storage: { driver: "fs" }, signedUrlTtlSeconds: 3600,
      decoderWorkers: undefined, logLevel: "info",
      pullUrls: { nginxRtmp: "rtmp://127.0.0.1:1935/{app}/{stream}", srs: "rtmp://127.0.0.1:1935/{app}/{stream}", mediamtx: "rtmp://127.0.0.1:1935/{app}/{stream}" },
    });
  });

  it("reads the s3 driver's settings", () => {
    const config = loadConfig({ STORAGE_DRIVER: "s3", S3_BUCKET: "snaps", S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "true", SIGNED_URL_TTL_SECONDS: "604800" });
    expect(config.storage).toEqual({
      driver: "s3", endpoint: "http://127.0.0.1:9000", region: "us-east-1", bucket: "snaps",
      accessKeyId: undefined, secretAccessKey: undefined, forcePathStyle: true,
    });
    expect(config.signedUrlTtlSeconds).toBe(604800);
  });

  it("reports every problem together, naming each variable", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "99999", DATABASE_URL: "mysql://x", STORAGE_DRIVER: "s3", SIGNED_URL_TTL_SECONDS: "0", LOG_LEVEL: "loud", BOOTSTRAP_ADMIN_TOKEN: "short" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(":")[0]);
    expect(problems.sort()).toEqual(["BOOTSTRAP_ADMIN_TOKEN", "DATABASE_URL", "LOG_LEVEL", "PORT", "S3_BUCKET", "SIGNED_URL_TTL_SECONDS"]);
  });

  it("reads the limits, CORS, metrics and bucket settings, with defaults no real client reaches", () => {
    const defaults = loadConfig({});
    expect(defaults.limits).toEqual({
      wsAuthTimeoutMs: 10_000, wsMaxConnectionsPerToken: 100, maxSubscriptionsPerToken: 1000,
      authFailures: { burst: 20, perMinute: 10 }, tokenRequests: undefined,
    });
    expect(defaults.corsOrigins).toEqual([]);
    expect(defaults.metrics).toEqual({ token: undefined, listener: undefined });
    expect(defaults.fsBuckets).toEqual(["livesnap"]);

    const set = loadConfig({
      HOST: "0.0.0.0", WS_AUTH_TIMEOUT_SECONDS: "0.5", WS_MAX_CONNECTIONS_PER_TOKEN: "3", MAX_SUBSCRIPTIONS_PER_TOKEN: "7",
      AUTH_FAILURE_BURST: "4", AUTH_FAILURES_PER_MINUTE: "2", RATE_LIMIT_REQUESTS_PER_MINUTE: "600",
      CORS_ORIGINS: "https://console.example.com, http://localhost:5173/", METRICS_TOKEN: "metrics-token-0123456789",
      METRICS_PORT: "9464", FS_BUCKETS: "livesnap,archive",
    });
    expect(set.limits).toEqual({
      wsAuthTimeoutMs: 500, wsMaxConnectionsPerToken: 3, maxSubscriptionsPerToken: 7,
      authFailures: { burst: 4, perMinute: 2 }, tokenRequests: { perMinute: 600, burst: 600 },
    });
    expect(set.corsOrigins).toEqual(["https://console.example.com", "http://localhost:5173"]);
    expect(set.metrics).toEqual({ token: "metrics-token-0123456789", listener: { host: "0.0.0.0", port: 9464 } });
    expect(set.fsBuckets).toEqual(["livesnap", "archive"]);
  });

  it("reports every bad limit, origin, metrics or bucket setting together", () => {
    let error: unknown;
    try {
      loadConfig({
        WS_AUTH_TIMEOUT_SECONDS: "0", WS_MAX_CONNECTIONS_PER_TOKEN: "1.5", MAX_SUBSCRIPTIONS_PER_TOKEN: "none",
        AUTH_FAILURE_BURST: "0", RATE_LIMIT_BURST: "5", CORS_ORIGINS: "https://ok.example,https://bad.example/path",
        METRICS_TOKEN: "short", METRICS_HOST: "127.0.0.1", FS_BUCKETS: "livesnap,Bad_Bucket",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(":")[0]);
    expect(problems.sort()).toEqual([
      "AUTH_FAILURE_BURST", "CORS_ORIGINS", "FS_BUCKETS", "MAX_SUBSCRIPTIONS_PER_TOKEN", "METRICS_PORT", "METRICS_TOKEN",
      "RATE_LIMIT_REQUESTS_PER_MINUTE", "WS_AUTH_TIMEOUT_SECONDS", "WS_MAX_CONNECTIONS_PER_TOKEN",
    ]);
  });
});

describe("embedded RTMP limits", () => {
  it("default to the documented values", () => {
    expect(loadConfig({}).rtmpLimits).toEqual({
      handshakeTimeoutMs: 10_000,
      publishTimeoutMs: 30_000,
      idleTimeoutMs: 20_000,
      maxConnections: 1000,
      maxConnectionsPerAddress: 100,
      maxChunkSize: 1_048_576,
      maxMessageBytes: 8_388_608,
    });
  });

  it("are documented in the README's configuration table with these defaults", () => {
    const readme = readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
    const documented = Object.fromEntries(
      [...readme.matchAll(/^\| `(RTMP_(?!PORT`)[A-Z_]+)` \| `(\d+)`/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    const limits = loadConfig({}).rtmpLimits;
    expect(documented).toEqual({
      RTMP_HANDSHAKE_TIMEOUT_SECONDS: limits.handshakeTimeoutMs / 1000,
      RTMP_PUBLISH_TIMEOUT_SECONDS: limits.publishTimeoutMs / 1000,
      RTMP_IDLE_TIMEOUT_SECONDS: limits.idleTimeoutMs / 1000,
      RTMP_MAX_CONNECTIONS: limits.maxConnections,
      RTMP_MAX_CONNECTIONS_PER_ADDRESS: limits.maxConnectionsPerAddress,
      RTMP_MAX_CHUNK_SIZE: limits.maxChunkSize,
      RTMP_MAX_MESSAGE_BYTES: limits.maxMessageBytes,
    });
  });

  it("are read from the environment, and each bad one is named", () => {
    const config = loadConfig({ RTMP_HANDSHAKE_TIMEOUT_SECONDS: "2", RTMP_PUBLISH_TIMEOUT_SECONDS: "5", RTMP_MAX_CONNECTIONS_PER_ADDRESS: "8" });
    expect(config.rtmpLimits).toMatchObject({ handshakeTimeoutMs: 2_000, publishTimeoutMs: 5_000, maxConnectionsPerAddress: 8 });
    let error: unknown;
    try {
      loadConfig({ RTMP_IDLE_TIMEOUT_SECONDS: "0", RTMP_MAX_CONNECTIONS: "many", RTMP_MAX_CHUNK_SIZE: "16777216", RTMP_MAX_MESSAGE_BYTES: "1.5" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.sort()).toEqual([
      "RTMP_IDLE_TIMEOUT_SECONDS: must be a whole number of seconds from 1 to 3600",
      "RTMP_MAX_CHUNK_SIZE: must be a whole number of bytes from 128 to 16777215",
      "RTMP_MAX_CONNECTIONS: must be a whole number of connections from 1 to 100000",
      "RTMP_MAX_MESSAGE_BYTES: must be a whole number of bytes from 65536 to 16777215",
    ]);
  });
});
