import { createRequire } from "node:module";
import { freePort } from "./ports";

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;

/** The only key pair s3rver knows; any other access key id is refused with InvalidAccessKeyId. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface RunningS3rver {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
  /** Starts again on the same port and directory, so stored objects and buckets survive. */
  restart(): Promise<void>;
}

/** An in-process S3 server on 127.0.0.1 keeping its objects in `directory`. */
export async function startS3rver(options: { directory: string; buckets: string[] }): Promise<RunningS3rver> {
  const port = await freePort();
  let server: S3rverInstance | null = null;
  const start = async () => {
    const next = new S3rver({
      address: "127.0.0.1",
      port,
      directory: options.directory,
      silent: true,
      configureBuckets: options.buckets.map((name) => ({ name })),
    });
    await next.run();
    server = next;
  };
  const stop = async () => {
    const running = server;
    server = null;
    await running?.close();
  };
  await start();
  return { endpoint: `http://127.0.0.1:${port}`, port, stop, restart: start };
}
