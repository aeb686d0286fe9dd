import { z } from "zod";
import { INSTANCE_ID_RULE, isValidInstanceId } from "./domain/workers";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const port = (fallback: number) =>
  z.coerce
    .number({ error: "must be a port number from 0 to 65535" })
    .int("must be a port number from 0 to 65535")
    .min(0, "must be a port number from 0 to 65535")
    .max(65535, "must be a port number from 0 to 65535")
    .default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const wholeNumber = (fallback: number, min: number, max: number, unit: string) => {
  const problem = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.coerce.number({ error: problem }).int(problem).min(min, problem).max(max, problem).default(fallback);
};

const pullUrl = z
  .string()
  .default("rtmp://127.0.0.1:1935/{app}/{stream}")
  .refine((v) => /^(rtmp|rtmps|srt|rtsp|http|https):\/\//.test(v), "must be an rtmp://, rtsp://, srt:// or http(s):// URL");

const envSchema = z
  .object({
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: port(4000),
    PUBLIC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(v), "must be an http:// or https:// URL"),
    DATABASE_URL: optionalString.refine(
      (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
      "must be a postgres:// or postgresql:// URL",
    ),
    DATA_DIR: z.string().min(1).default("./data"),
    BOOTSTRAP_ADMIN_TOKEN: optionalString.refine(
      (v) => v === undefined || v.length >= 16,
      "must be at least 16 characters",
    ),
    RTMP_PORT: port(1935),
    DEFAULT_PUSH_DOMAIN: z.string().min(1).default("localhost"),
    HOOK_SECRET: optionalString,
    PULL_URL_NGINX_RTMP: pullUrl,
    PULL_URL_SRS: pullUrl,
    PULL_URL_MEDIAMTX: pullUrl,
    STORAGE_DRIVER: z.enum(["fs", "s3"]).default("fs"),
    S3_ENDPOINT: optionalString,
    S3_REGION: z.string().default("us-east-1"),
    S3_BUCKET: optionalString,
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    S3_FORCE_PATH_STYLE: z
      .enum(["true", "false", "1", "0", ""])
      .default("false")
      .transform((v) => v === "true" || v === "1"),
    SIGNED_URL_TTL_SECONDS: z.coerce
      .number({ error: "must be a whole number of seconds from 1 to 604800 (7 days)" })
      .int("must be a whole number of seconds from 1 to 604800 (7 days)")
      .min(1, "must be a whole number of seconds from 1 to 604800 (7 days)")
      .max(604800, "must be a whole number of seconds from 1 to 604800 (7 days)")
      .default(3600),
    FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    PUSH_URL_BASE: optionalString.refine(
      (v) => v === undefined || /^rtmps?:\/\/[^/?#\s]+\/?$/.test(v),
      "must be rtmp://host[:port] or rtmps://host[:port], {domain} standing for the push domain",
    ),
    INSTANCE_ID: optionalString.refine((v) => v === undefined || isValidInstanceId(v), `must be ${INSTANCE_ID_RULE}`),
    RTMP_HANDSHAKE_TIMEOUT_SECONDS: wholeNumber(10, 1, 3600, "seconds"),
    RTMP_PUBLISH_TIMEOUT_SECONDS: wholeNumber(30, 1, 3600, "seconds"),
    RTMP_IDLE_TIMEOUT_SECONDS: wholeNumber(20, 1, 3600, "seconds"),
    RTMP_MAX_CONNECTIONS: wholeNumber(1000, 1, 100_000, "connections"),
    RTMP_MAX_CONNECTIONS_PER_ADDRESS: wholeNumber(100, 1, 100_000, "connections"),
    RTMP_MAX_CHUNK_SIZE: wholeNumber(1_048_576, 128, 16_777_215, "bytes"),
    RTMP_MAX_MESSAGE_BYTES: wholeNumber(8_388_608, 65_536, 16_777_215, "bytes"),
  });

/** Checks across variables; run on the raw environment so they are reported with every other problem. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.STORAGE_DRIVER === "s3" && !env.S3_BUCKET?.trim()) problems.push("S3_BUCKET: is required when STORAGE_DRIVER=s3");
  return problems;
}

export interface Config {
  host: string;
  port: number;
  /** Base of the URLs livesnap hands out (fs snapshot URLs); unset: http://HOST:PORT. */
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  bootstrapAdminToken: string | undefined;
  rtmpPort: number;
  defaultPushDomain: string;
  hookSecret: string | undefined;
  pullUrls: { nginxRtmp: string; srs: string; mediamtx: string };
  storage:
    | { driver: "fs" }
    | {
        driver: "s3";
        endpoint: string | undefined;
        region: string;
        bucket: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        forcePathStyle: boolean;
      };
  signedUrlTtlSeconds: number;
  ffmpegPath: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Base of the publish URLs pushUrl hands out (`{domain}` placeholder); unset: the embedded ingest. */
  pushUrlBase: string | undefined;
  /** Names this instance in the streams it holds; unset: the id kept in DATA_DIR/instance-id. */
  instanceId: string | undefined;
  /** What one connection to the embedded RTMP ingest may cost. */
  rtmpLimits: {
    handshakeTimeoutMs: number;
    publishTimeoutMs: number;
    idleTimeoutMs: number;
    maxConnections: number;
    maxConnectionsPerAddress: number;
    maxChunkSize: number;
    maxMessageBytes: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once; every problem is reported together. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`)),
    ...crossChecks(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    bootstrapAdminToken: e.BOOTSTRAP_ADMIN_TOKEN,
    rtmpPort: e.RTMP_PORT,
    defaultPushDomain: e.DEFAULT_PUSH_DOMAIN.toLowerCase(),
    hookSecret: e.HOOK_SECRET,
    pullUrls: { nginxRtmp: e.PULL_URL_NGINX_RTMP, srs: e.PULL_URL_SRS, mediamtx: e.PULL_URL_MEDIAMTX },
    storage:
      e.STORAGE_DRIVER === "s3"
        ? {
            driver: "s3",
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            bucket: e.S3_BUCKET ?? "",
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : { driver: "fs" },
    signedUrlTtlSeconds: e.SIGNED_URL_TTL_SECONDS,
    ffmpegPath: e.FFMPEG_PATH,
    logLevel: e.LOG_LEVEL,
    pushUrlBase: e.PUSH_URL_BASE?.replace(/\/+$/, ""),
    instanceId: e.INSTANCE_ID,
    rtmpLimits: {
      handshakeTimeoutMs: e.RTMP_HANDSHAKE_TIMEOUT_SECONDS * 1000,
      publishTimeoutMs: e.RTMP_PUBLISH_TIMEOUT_SECONDS * 1000,
      idleTimeoutMs: e.RTMP_IDLE_TIMEOUT_SECONDS * 1000,
      maxConnections: e.RTMP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.RTMP_MAX_CONNECTIONS_PER_ADDRESS,
      maxChunkSize: e.RTMP_MAX_CHUNK_SIZE,
      maxMessageBytes: e.RTMP_MAX_MESSAGE_BYTES,
    },
  };
}
