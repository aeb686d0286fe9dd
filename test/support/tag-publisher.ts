import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { decodeAmf0, encodeAmf0, type Amf0Value } from "../../src/media/amf0";
import { ChunkReader, TYPE_COMMAND_AMF0, TYPE_SET_CHUNK_SIZE, TYPE_VIDEO, writeChunks } from "../../src/media/rtmp-chunks";
import { parseRtmpUrl } from "../../src/media/rtmp-client";
import type { VideoTag } from "../../src/media/types";

/**
 * An RTMP publisher in Node for what ffmpeg 5.1 and GStreamer here cannot send: Enhanced RTMP
 * (HEVC, AV1), a sequence header changing mid-publish, broken frames. It publishes a list of
 * video tags at the pace of their timestamps, looping with the timestamps carried on.
 */
export interface TagPublisher {
  /** Resolves once the server has answered publish with NetStream.Publish.Start. */
  readonly started: Promise<void>;
  /** Resolves when the connection closed (by either side). */
  readonly closed: Promise<void>;
  stop(): Promise<void>;
}

const CHUNK = 4096;

export function publishTags(url: string, tags: VideoTag[], options: { loop?: boolean } = {}): TagPublisher {
  const address = parseRtmpUrl(url);
  const socket: Socket = connect({ host: address.host, port: address.port });
  socket.on("error", () => {});
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  let resolveStarted: () => void = () => {};
  let rejectStarted: (error: Error) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  void closed.then(() => rejectStarted(new Error("the connection closed before the publish started")));

  const send = (typeId: number, payload: Buffer, streamId = 0, timestamp = 0, chunkStreamId = 3) => {
    if (!socket.destroyed) socket.write(writeChunks({ typeId, timestamp, streamId, payload, chunkStreamId }, CHUNK));
  };
  const command = (values: Amf0Value[], streamId = 0) => send(TYPE_COMMAND_AMF0, encodeAmf0(values), streamId);

  let publishStream = 0;
  const reader = new ChunkReader((message) => {
    if (message.typeId !== TYPE_COMMAND_AMF0) return;
    const values = decodeAmf0(message.payload);
    if (values[0] === "_result" && values[1] === 1) command(["createStream", 2, null]);
    else if (values[0] === "_result" && values[1] === 2) {
      publishStream = values[3] as number;
      command(["publish", 3, null, address.playName, "live"], publishStream);
    } else if (values[0] === "onStatus") {
      const info = values[3] as Record<string, Amf0Value> | null;
      if (info?.["code"] === "NetStream.Publish.Start") {
        resolveStarted();
        sendTags();
      }
    }
  });

  let handshake: Buffer | null = Buffer.alloc(0);
  socket.on("connect", () => {
    const c0c1 = Buffer.alloc(1537);
    c0c1[0] = 3;
    randomBytes(1528).copy(c0c1, 9);
    socket.write(c0c1);
  });
  socket.on("data", (data: Buffer) => {
    if (handshake === null) {
      reader.push(data);
      return;
    }
    handshake = Buffer.concat([handshake, data]);
    if (handshake.length < 3073) return;
    socket.write(handshake.subarray(1, 1537));
    const rest = handshake.subarray(3073);
    handshake = null;
    const size = Buffer.alloc(4);
    size.writeUInt32BE(CHUNK);
    send(TYPE_SET_CHUNK_SIZE, size, 0, 0, 2);
    command(["connect", 1, { app: address.app, type: "nonprivate", flashVer: "FMLE/3.0", tcUrl: address.tcUrl }]);
    if (rest.length > 0) reader.push(rest);
  });

  function sendTags() {
    const span = tags.length > 1 ? tags.at(-1)!.timestamp - tags[0]!.timestamp + 33 : 33;
    const startedAt = Date.now();
    let index = 0;
    let round = 0;
    const next = () => {
      if (stopped) return;
      const now = Date.now() - startedAt;
      while (true) {
        if (index >= tags.length) {
          if (!options.loop) return;
          index = 0;
          round += 1;
        }
        const tag = tags[index]!;
        const at = tag.timestamp - tags[0]!.timestamp + round * span;
        if (at > now) break;
        send(TYPE_VIDEO, tag.data, publishStream, at, 6);
        index += 1;
      }
      timer = setTimeout(next, 10);
    };
    next();
  }

  return {
    started,
    closed,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      socket.end();
      const grace = setTimeout(() => socket.destroy(), 1000);
      await closed;
      clearTimeout(grace);
    },
  };
}
