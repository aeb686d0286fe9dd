import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports";

interface NodeMediaServerInstance {
  run(): Promise<void>;
  stop(): Promise<void>;
}
type NodeMediaServerClass = new (config: Record<string, unknown>) => NodeMediaServerInstance;
interface NodeMediaServerContext {
  broadcasts: Map<string, { publisher: unknown; rtmpGopCache: unknown }>;
}

const require = createRequire(import.meta.url);

export interface TestRtmpServer {
  port: number;
  /** rtmp://127.0.0.1:<port>/<app>/<stream> */
  url(app: string, stream: string): string;
  /** Resolves once the stream is published and its first keyframe reached the server's GOP cache. */
  waitForKeyframe(app: string, stream: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/**
 * node-media-server 4.x in this process, RTMP only, on 127.0.0.1. Its config and logger are
 * module-global, so only one may run per test worker.
 */
export async function startTestRtmpServer(): Promise<TestRtmpServer> {
  const NodeMediaServer = require("node-media-server") as NodeMediaServerClass;
  const nmsLogger = require("node-media-server/src/core/logger.js") as { level: string };
  const nmsContext = require("node-media-server/src/core/context.js") as NodeMediaServerContext;
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "livesnap-nms-"));
  // The constructor forces debug level and prints a banner; it would drown the test report.
  const consoleLog = console.log;
  console.log = () => {};
  let server: NodeMediaServerInstance;
  try {
    server = new NodeMediaServer({
      bind: "127.0.0.1",
      rtmp: { port },
      record: { auto: false, path: join(dir, "record") },
      store: { path: join(dir, "store") },
      webadmin: { enable: false },
    });
  } finally {
    console.log = consoleLog;
  }
  nmsLogger.level = "error";
  await server.run();
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) throw new Error(`RTMP server did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    url: (app, stream) => `rtmp://127.0.0.1:${port}/${app}/${stream}`,
    waitForKeyframe: async (app, stream, timeoutMs = 15_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const broadcast = nmsContext.broadcasts.get(`/${app}/${stream}`);
        if (broadcast !== undefined && broadcast.publisher !== null && broadcast.rtmpGopCache !== null) return;
        if (Date.now() > until) throw new Error(`no keyframe published on /${app}/${stream} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
