import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

describe("configuration", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1", port: 4000, databaseUrl: undefined, dataDir: "./data", rtmpPort: 1935,
      defaultPushDomain: "localhost", hookSecret: undefined, storage: { driver: "fs" }, signedUrlTtlSeconds: 3600,
      ffmpegPath: "ffmpeg", logLevel: "info",
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
});
