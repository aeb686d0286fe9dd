import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { connect, type Socket } from "node:net";

const require = createRequire(import.meta.url);
const amf = require("node-media-server/src/protocol/amf.js") as { encodeAmf0Cmd(command: Record<string, unknown>): Buffer };

const HANDSHAKE_SIZE = 1536;
export const TYPE_SET_CHUNK_SIZE = 1;
export const TYPE_VIDEO = 9;
export const TYPE_INVOKE = 20;

/**
 * An RTMP client written byte by byte, for what real encoders never do: stop halfway, announce
 * huge messages, open many chunk streams.
 */
export class RawRtmpClient {
  /** Resolves with the time the connection closed (by either side). */
  readonly closed: Promise<number>;
  private received = Buffer.alloc(0);
  /** The size this client cuts its messages into: 128 until it sends SetChunkSize. */
  private chunkSize = 128;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("data", (data: Buffer) => {
      this.received = Buffer.concat([this.received, data]).subarray(-65_536);
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => socket.once("close", () => resolve(Date.now())));
  }

  static open(port: number, localAddress?: string): Promise<RawRtmpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, localAddress }, () => resolve(new RawRtmpClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Whether the server has closed (or refused) the connection within timeoutMs. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs));
    return Promise.race([this.closed.then(() => true), timer]);
  }

  async handshake(): Promise<void> {
    this.socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(8), randomBytes(HANDSHAKE_SIZE - 8)]));
    await this.waitForBytes(1 + 2 * HANDSHAKE_SIZE);
    this.received = Buffer.alloc(0);
    this.socket.write(randomBytes(HANDSHAKE_SIZE));
  }

  /** connect, createStream and publish, as ffmpeg sends them. */
  publish(app: string, stream: string, port: number): void {
    this.command({ cmd: "connect", transId: 1, cmdObj: { app, type: "nonprivate", flashVer: "FMLE/3.0", tcUrl: `rtmp://127.0.0.1:${port}/${app}` } });
    this.command({ cmd: "createStream", transId: 2, cmdObj: null });
    this.command({ cmd: "publish", transId: 3, cmdObj: null, streamName: stream, type: "live" }, 1);
  }

  /** connect, createStream and play of `app/stream`. */
  play(app: string, stream: string, port: number): void {
    this.command({ cmd: "connect", transId: 1, cmdObj: { app, flashVer: "LNX 9,0,124,2", tcUrl: `rtmp://127.0.0.1:${port}/${app}` } });
    this.command({ cmd: "createStream", transId: 2, cmdObj: null });
    this.command({ cmd: "play", transId: 3, cmdObj: null, streamName: stream, start: -2000 }, 1);
  }

  command(command: Record<string, unknown>, streamId = 0): void {
    this.message(3, TYPE_INVOKE, amf.encodeAmf0Cmd(command), streamId);
  }

  setChunkSize(size: number): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(size >>> 0);
    this.message(2, TYPE_SET_CHUNK_SIZE, payload);
    this.chunkSize = size;
  }

  /** A whole message on chunk stream `cid` (2..63), cut at the chunk size. */
  message(cid: number, type: number, payload: Buffer, streamId = 0): void {
    const chunks = [messageHeader(cid, type, payload.length, streamId)];
    for (let at = 0; at < payload.length; at += this.chunkSize) {
      if (at > 0) chunks.push(Buffer.from([0xc0 | cid]));
      chunks.push(payload.subarray(at, at + this.chunkSize));
    }
    this.socket.write(Buffer.concat(chunks));
  }

  /**
   * The header and first chunk of a message announcing `length` bytes, and nothing more: what
   * makes a parser allocate. Other chunk streams may follow, as RTMP interleaves them.
   */
  announce(cid: number, type: number, length: number): void {
    this.socket.write(Buffer.concat([messageHeader(cid, type, length, 1), Buffer.alloc(Math.min(length, this.chunkSize))]));
  }

  /** Whether the server has sent this text (an AMF status code, say) since the handshake. */
  async waitForText(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.received.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" from the server within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async waitForBytes(count: number): Promise<void> {
    while (this.received.length < count) {
      await new Promise<void>((resolve, reject) => {
        this.waiters.push(resolve);
        this.closed.then(() => reject(new Error("closed during the handshake")));
      });
    }
  }
}

/** A type 0 chunk header: basic header (cid < 64), timestamp 0, length, type, stream id. */
function messageHeader(cid: number, type: number, length: number, streamId: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = cid & 0x3f;
  header.writeUIntBE(length, 4, 3);
  header[7] = type;
  header.writeUInt32LE(streamId, 8);
  return header;
}
