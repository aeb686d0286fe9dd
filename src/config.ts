import { z } from "zod";
import { INSTANCE_ID_RULE, isValidInstanceId } from "./domain/workers";
import { FS_DEFAULT_BUCKET } from "./storage/fs-store";
import { isValidBucketName } from "./storage/object-names";

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

/** A whole number in [min, max]; `unit` names what it counts in the error ("seconds", "bytes"). */
const integerIn = (min: number, max: number, unit?: string) => {
  const problem = `must be a whole number${unit ? ` of ${unit}` : ""} from ${min} to ${max}`;
  return z.coerce.number({ error: problem }).int(problem).min(min, problem).max(max, problem);
};
const positiveNumber = (what: string, max: number) =>
  z.coerce
    .number({ error: `must be ${what} above 0, at most ${max}` })
    .positive(`must be ${what} above 0, at most ${max}`)
    .max(max, `must be ${what} above 0, at most ${max}`);
const unsetWhenBlank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const list = (v: string) =>
  v
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
const isOrigin = (v: string) => {
  try {
    const url = new URL(v);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === v.replace(/\/$/, "");
  } catch {
    return false;
  }
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
    DECODER_WORKERS: integerIn(1, 64, "worker processes").optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    PUSH_URL_BASE: optionalString.refine(
      (v) => v === undefined || /^rtmps?:\/\/[^/?#\s]+\/?$/.test(v),
      "must be rtmp://host[:port] or rtmps://host[:port], {domain} standing for the push domain",
    ),
    INSTANCE_ID: optionalString.refine((v) => v === undefined || isValidInstanceId(v), `must be ${INSTANCE_ID_RULE}`),
    RTMP_HANDSHAKE_TIMEOUT_SECONDS: integerIn(1, 3600, "seconds").default(10),
    RTMP_PUBLISH_TIMEOUT_SECONDS: integerIn(1, 3600, "seconds").default(30),
    RTMP_IDLE_TIMEOUT_SECONDS: integerIn(1, 3600, "seconds").default(20),
    RTMP_MAX_CONNECTIONS: integerIn(1, 100_000, "connections").default(1000),
    RTMP_MAX_CONNECTIONS_PER_ADDRESS: integerIn(1, 100_000, "connections").default(100),
    RTMP_MAX_CHUNK_SIZE: integerIn(128, 16_777_215, "bytes").default(1_048_576),
    RTMP_MAX_MESSAGE_BYTES: integerIn(65_536, 16_777_215, "bytes").default(8_388_608),
    WS_AUTH_TIMEOUT_SECONDS: positiveNumber("a number of seconds", 3600).default(10),
    WS_MAX_CONNECTIONS_PER_TOKEN: integerIn(1, 1_000_000).default(100),
    MAX_SUBSCRIPTIONS_PER_TOKEN: integerIn(1, 1_000_000).default(1000),
    AUTH_FAILURE_BURST: integerIn(1, 1_000_000).default(20),
    AUTH_FAILURES_PER_MINUTE: positiveNumber("a number of failures per minute", 1_000_000).default(10),
    RATE_LIMIT_REQUESTS_PER_MINUTE: unsetWhenBlank(positiveNumber("a number of requests per minute", 1_000_000_000)),
    RATE_LIMIT_BURST: unsetWhenBlank(integerIn(1, 1_000_000_000)),
    CORS_ORIGINS: optionalString.refine(
      (v) => v === undefined || list(v).every(isOrigin),
      "must be a comma-separated list of origins such as https://console.example.com (scheme, host, optional port; no path)",
    ),
    METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
    METRICS_HOST: optionalString,
    METRICS_PORT: unsetWhenBlank(integerIn(0, 65535)),
    RETENTION_SWEEP_SECONDS: integerIn(60, 604_800, "seconds").default(3600),
    FS_BUCKETS: z
      .string()
      .default(FS_DEFAULT_BUCKET)
      .refine(
        (v) => list(v).length > 0 && list(v).every(isValidBucketName),
        "must be a comma-separated list of bucket names (3..63 of a-z, 0-9, '.', '-')",
      ),
    CALLBACK_ALLOW_PRIVATE: z
      .enum(["true", "false", "1", "0", ""], { error: "must be 1, 0, true or false" })
      .default("")
      .transform((v) => v === "true" || v === "1"),
  });

/** Checks across variables; run on the raw environment so they are reported with every other problem. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.STORAGE_DRIVER === "s3" && !env.S3_BUCKET?.trim()) problems.push("S3_BUCKET: is required when STORAGE_DRIVER=s3");
  if (env.METRICS_HOST?.trim() && !env.METRICS_PORT?.trim()) problems.push("METRICS_PORT: is required when METRICS_HOST is set");
  if (env.RATE_LIMIT_BURST?.trim() && !env.RATE_LIMIT_REQUESTS_PER_MINUTE?.trim()) {
    problems.push("RATE_LIMIT_REQUESTS_PER_MINUTE: is required when RATE_LIMIT_BURST is set");
  }
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
  /** Decoder worker processes shared by every captured stream; unset: one per CPU. */
  decoderWorkers: number | undefined;
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
  limits: Limits;
  /** Exact origins (scheme://host[:port]) other than livesnap's own allowed to call the API. */
  corsOrigins: string[];
  /**
   * How /metrics is served: only with this bearer token, or only on its own listener; with
   * neither, on the main listener when that is loopback and not at all otherwise.
   */
  metrics: { token: string | undefined; listener: { host: string; port: number } | undefined };
  /** Buckets a template may name on the fs store; the s3 store takes any valid name. */
  fsBuckets: string[];
  /** Time between retention sweeps (the first comes within a minute of start). */
  retentionSweepMs: number;
  /** Callback URLs may reach loopback and private addresses (tests, trusted networks). */
  callbackAllowPrivate: boolean;
}

/** What one client may hold or do; none of these is reached by a well-behaved client. */
export interface Limits {
  /** A WebSocket with no valid token is closed when no authenticated operation starts in this time. */
  wsAuthTimeoutMs: number;
  wsMaxConnectionsPerToken: number;
  maxSubscriptionsPerToken: number;
  /** Failed authentications one client address may make at once, then how fast they refill. */
  authFailures: RateLimit;
  /** Requests per token; undefined: not limited. */
  tokenRequests: RateLimit | undefined;
}

export interface RateLimit {
  burst: number;
  perMinute: number;
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
    decoderWorkers: e.DECODER_WORKERS,
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
    limits: {
      wsAuthTimeoutMs: Math.round(e.WS_AUTH_TIMEOUT_SECONDS * 1000),
      wsMaxConnectionsPerToken: e.WS_MAX_CONNECTIONS_PER_TOKEN,
      maxSubscriptionsPerToken: e.MAX_SUBSCRIPTIONS_PER_TOKEN,
      authFailures: { burst: e.AUTH_FAILURE_BURST, perMinute: e.AUTH_FAILURES_PER_MINUTE },
      tokenRequests:
        e.RATE_LIMIT_REQUESTS_PER_MINUTE === undefined
          ? undefined
          : {
              perMinute: e.RATE_LIMIT_REQUESTS_PER_MINUTE,
              burst: e.RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(e.RATE_LIMIT_REQUESTS_PER_MINUTE)),
            },
    },
    corsOrigins: e.CORS_ORIGINS === undefined ? [] : list(e.CORS_ORIGINS).map((o) => new URL(o).origin),
    metrics: {
      token: e.METRICS_TOKEN,
      listener: e.METRICS_PORT === undefined ? undefined : { host: e.METRICS_HOST ?? e.HOST, port: e.METRICS_PORT },
    },
    fsBuckets: list(e.FS_BUCKETS),
    retentionSweepMs: e.RETENTION_SWEEP_SECONDS * 1000,
    callbackAllowPrivate: e.CALLBACK_ALLOW_PRIVATE,
  };
}
