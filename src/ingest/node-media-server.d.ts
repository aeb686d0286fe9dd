// node-media-server 4.4.3 ships no types; these cover the internals the embedded ingest drives.

declare module "node-media-server/src/core/avpacket.js" {
  /** One parsed RTMP media or data message. */
  export interface AVPacket {
    /** RTMP message type: 8 audio, 9 video, 18 data. */
    codec_type: number;
    /** 0 audio header, 1 audio frame, 2 video header, 3 keyframe, 4 inter frame, 5 metadata. */
    flags: number;
    dts: number;
    pts: number;
    size: number;
    /** The connection's message buffer: its first `size` bytes are the message, the rest is stale. */
    data: Buffer;
  }
}

declare module "node-media-server/src/server/broadcast_server.js" {
  import type { AVPacket } from "node-media-server/src/core/avpacket.js";

  class BroadcastServer {
    constructor(streamPath: string);
    getPublishStatus(): "publishing" | "reconnecting" | "idle";
    publisher: { id: string } | null;
    /** Players by session id. */
    subscribers: Map<string, unknown>;
    /** The messages since the last keyframe, sent to a joining player; null until a keyframe. */
    rtmpGopCache: Set<Buffer> | null;
    flvGopCache: Set<Buffer> | null;
    /** Last dts and the offset added on a resumed publish, by codec_type. */
    _lastDts: Record<number, number>;
    _dtsOffset: Record<number, number>;
    /** Caches what a joining player needs and sends the packet to the players. */
    broadcastMessage(packet: AVPacket): void;
    /** Ends the publish at once (no reconnect grace), so the path is free for the next publisher. */
    _finishPublish(): void;
  }
  export = BroadcastServer;
}

declare module "node-media-server/src/protocol/rtmp.js" {
  interface RtmpPacket {
    header: { fmt: number; cid: number; length: number; type: number };
    payload: Buffer;
    /** Bytes allocated for this chunk stream's message payload. */
    capacity: number;
  }

  /** The chunk parser of one connection. The methods below are looked up on the instance at each call. */
  class Rtmp {
    connectCmdObj?: { tcUrl?: unknown };
    /** An FLV parser with a 1 MiB buffer, built for every connection and never used by RTMP. */
    flv: unknown;
    parserPacket: RtmpPacket;
    inPackets: Map<number, RtmpPacket>;
    /** Parses a chunk's basic and message headers into parserPacket. */
    packetParse(): void;
    /** Sizes parserPacket's payload buffer for its message, at a message's first chunk. */
    packetAlloc(): void;
    /** Handles a complete protocol control message (SetChunkSize among them). */
    controlHandler(): void;
  }
  export = Rtmp;
}

declare module "node-media-server/src/session/rtmp_session.js" {
  import type { Socket } from "node:net";
  import type BroadcastServer from "node-media-server/src/server/broadcast_server.js";
  import type Rtmp from "node-media-server/src/protocol/rtmp.js";
  import type { AVPacket } from "node-media-server/src/core/avpacket.js";

  class RtmpSession {
    constructor(socket: Socket);
    readonly id: string;
    readonly socket: Socket;
    streamApp: string;
    streamName: string;
    streamHost: string;
    streamPath: string;
    streamQuery: Record<string, string | string[] | undefined>;
    isPublisher: boolean;
    broadcast: BroadcastServer;
    rtmp: Rtmp;
    run(): void;
    onData(data: Buffer): void;
    /** Called by publish and play before onPush / onPlay; run() hands it to the parser. */
    onConnect(req: { app: string; name: string; host: string; query: Record<string, string | string[] | undefined> }): void;
    onPush(): void;
    onPlay(): void;
    /** Every parsed media and data message; run() hands it to the parser. */
    onPacket(packet: AVPacket): void;
    close(): void;
  }
  export = RtmpSession;
}

declare module "node-media-server/src/core/context.js" {
  import type BroadcastServer from "node-media-server/src/server/broadcast_server.js";

  /** node-media-server's process-wide state: its broadcasts are keyed by stream path. */
  const Context: { broadcasts: Map<string, BroadcastServer>; networkStats: { inBytes: number; outBytes: number } };
  export = Context;
}

declare module "node-media-server/src/core/logger.js" {
  const logger: { log(message: string, level?: string): void };
  export = logger;
}
