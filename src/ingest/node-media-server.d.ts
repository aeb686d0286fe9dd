// node-media-server 4.4.3 ships no types; these cover the internals the embedded ingest drives.

declare module "node-media-server/src/session/rtmp_session.js" {
  import type { Socket } from "node:net";

  interface NmsBroadcast {
    getPublishStatus(): "publishing" | "reconnecting" | "idle";
    publisher: unknown;
  }

  class RtmpSession {
    constructor(socket: Socket);
    readonly id: string;
    readonly socket: Socket;
    streamApp: string;
    streamName: string;
    streamHost: string;
    streamQuery: Record<string, string | string[] | undefined>;
    broadcast: NmsBroadcast;
    rtmp: { connectCmdObj?: { tcUrl?: unknown } };
    run(): void;
    onData(data: Buffer): void;
    close(): void;
  }
  export = RtmpSession;
}

declare module "node-media-server/src/core/context.js" {
  import type { EventEmitter } from "node:events";

  const Context: { eventEmitter: EventEmitter };
  export = Context;
}

declare module "node-media-server/src/core/logger.js" {
  const logger: { log(message: string, level?: string): void };
  export = logger;
}
