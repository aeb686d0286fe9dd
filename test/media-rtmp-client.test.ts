import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseVideoTag } from "../src/media/flv-video";
import { createRtmpPuller, parseRtmpUrl } from "../src/media/rtmp-client";
import type { TagSource, VideoTag } from "../src/media/types";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { startEmbeddedIngest, type StartedIngest } from "./support/embedded-rtmp";
import { RecordingLifecycle } from "./support/ingest-lifecycle";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";

interface Pulled {
  tags: { timestamp: number; arrival: number; kind: string; keyframe: boolean }[];
  ended: Promise<string>;
  stop(): void;
}

function pull(source: TagSource): Pulled {
  const tags: Pulled["tags"] = [];
  let resolveEnd: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (resolveEnd = resolve));
  const stop = source.subscribe({
    onVideo(tag: VideoTag) {
      const parsed = parseVideoTag(tag.data);
      tags.push({ timestamp: tag.timestamp, arrival: Date.now(), kind: parsed.kind, keyframe: parsed.kind === "frame" && parsed.keyframe });
    },
    onEnd: resolveEnd,
  });
  return { tags, ended, stop };
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("RTMP URLs for players", () => {
  it("splits app and play name, keeping the query on the play name", () => {
    expect(parseRtmpUrl("rtmp://127.0.0.1:1936/live/cam1?x=1")).toMatchObject({ host: "127.0.0.1", port: 1936, app: "live", playName: "cam1?x=1" });
    expect(parseRtmpUrl("rtmp://h/example.com/live/cam1")).toMatchObject({ port: 1935, app: "example.com/live", playName: "cam1", tcUrl: "rtmp://h/example.com/live" });
    expect(() => parseRtmpUrl("http://h/live/cam1")).toThrow(/only rtmp:\/\//);
    expect(() => parseRtmpUrl("rtmp://h/cam1")).toThrow(/app and a stream name/);
  });
});

describe("RTMP pull client against nginx-rtmp", () => {
  let hooks: Server;
  let nginx: NginxRtmp;
  let push: Push;

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    nginx = await startNginxRtmp({ hookUrl });
    push = pushTestStream({ url: `rtmp://127.0.0.1:${nginx.port}/live/cam1`, gop: 30, audio: true });
  });

  afterAll(async () => {
    await push?.stop();
    await nginx?.stop();
    await new Promise((resolve) => hooks?.close(resolve));
  });

  it("receives the sequence header, then keyframes every GOP at real-time pace", async () => {
    const puller = createRtmpPuller();
    let pulled: Pulled | undefined;
    // The push may still be connecting: retry until nginx has the stream.
    let attemptAt = 0;
    await waitFor("a keyframe", () => {
      // Until the push has reached nginx, a player gets nothing: play again every 2 s.
      if (pulled === undefined || (pulled.tags.length === 0 && Date.now() - attemptAt > 2000)) {
        pulled?.stop();
        attemptAt = Date.now();
        pulled = pull(puller.source(`rtmp://127.0.0.1:${nginx.port}/live/cam1`));
      }
      return pulled.tags.filter((tag) => tag.keyframe).length >= 4;
    }, 20_000);
    const tags = pulled!.tags;
    pulled!.stop();
    expect(tags[0]!.kind).toBe("config");
    const keyframes = tags.filter((tag) => tag.keyframe);
    const spacings = keyframes.slice(1).map((tag, i) => tag.timestamp - keyframes[i]!.timestamp);
    for (const spacing of spacings) expect(spacing).toBeGreaterThan(900), expect(spacing).toBeLessThan(1100);
    const span = tags.at(-1)!.timestamp - tags[1]!.timestamp;
    const wall = tags.at(-1)!.arrival - tags[1]!.arrival;
    expect(Math.abs(span - wall)).toBeLessThan(1000);
    expect(puller.counters.bytesReceived).toBeGreaterThan(10_000);
  });

  it("ends with a reason when the stream is not there", async () => {
    const pulled = pull(createRtmpPuller({ idleTimeoutMs: 1500 }).source(`rtmp://127.0.0.1:${nginx.port}/live/nothing-here`));
    // nginx-rtmp answers Play.Start for a stream nobody publishes and then sends nothing.
    expect(await pulled.ended).toBe("nothing received for 1500 ms");
    expect(pulled.tags).toHaveLength(0);
  });
});

describe("RTMP pull client against livesnap's embedded ingest", () => {
  let ingest: StartedIngest;
  let push: Push;
  let captureUrl: string;

  beforeAll(async () => {
    const lifecycle = new RecordingLifecycle();
    ingest = await startEmbeddedIngest(lifecycle);
    push = pushTestStream({ url: `rtmp://localhost:${ingest.server.port}/live/cam1`, gop: 30, audio: true });
    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 15_000);
    captureUrl = signal.captureUrl!;
  });
  afterAll(async () => {
    await push?.stop();
    await ingest?.server.stop();
  });

  it("plays the domain-qualified path with the capture token: sequence header, then keyframes every GOP", async () => {
    const pulled = pull(createRtmpPuller().source(captureUrl));
    await waitFor("three keyframes", () => pulled.tags.filter((tag) => tag.keyframe).length >= 3, 15_000);
    pulled.stop();
    expect(pulled.tags[0]!.kind).toBe("config");
    const keyframes = pulled.tags.filter((tag) => tag.keyframe);
    for (let i = 1; i < keyframes.length; i++) {
      const spacing = keyframes[i]!.timestamp - keyframes[i - 1]!.timestamp;
      expect(spacing).toBeGreaterThan(900);
      expect(spacing).toBeLessThan(1100);
    }
  });

  it("is refused without the token, with the reason", async () => {
    const pulled = pull(createRtmpPuller().source(captureUrl.replace(/\?capture=.*$/, "")));
    expect(await pulled.ended).toMatch(/closed|refused/);
    expect(pulled.tags).toHaveLength(0);
  });
});

describe("RTMP pull client against broken servers", () => {
  async function serve(onConnection: (socket: import("node:net").Socket) => void) {
    const server = createTcpServer(onConnection);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `rtmp://127.0.0.1:${(server.address() as AddressInfo).port}/live/x` };
  }

  it("a server that never answers the handshake hits the start timeout", async () => {
    const { server, url } = await serve(() => {});
    const pulled = pull(createRtmpPuller({ startTimeoutMs: 500 }).source(url));
    expect(await pulled.ended).toMatch(/no play within 500 ms/);
    server.close();
  });

  it("garbage after the handshake ends the pull with a protocol error", async () => {
    const { server, url } = await serve((socket) => {
      socket.once("data", () => {
        socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(3072)]));
        // A chunk stream opened with fmt 1: no message header to continue from.
        socket.write(Buffer.from([0x44, 0, 0, 0, 0, 0, 10, 9, 1, 2, 3]));
      });
      socket.on("error", () => {});
    });
    const pulled = pull(createRtmpPuller().source(url));
    expect(await pulled.ended).toMatch(/protocol error: chunk stream 4 starts without a full message header/);
    server.close();
  });

  it("an announced message over the cap is refused before it is buffered", async () => {
    const { server, url } = await serve((socket) => {
      socket.once("data", () => {
        socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(3072)]));
        socket.write(Buffer.from([0x04, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0]));
      });
      socket.on("error", () => {});
    });
    const pulled = pull(createRtmpPuller({ limits: { maxMessageBytes: 1024 * 1024, maxChunkSize: 65536, maxChunkStreams: 8 } }).source(url));
    expect(await pulled.ended).toMatch(/message of 16777215 bytes is larger than 1048576/);
    server.close();
  });

  it("a server speaking another protocol version is refused", async () => {
    const { server, url } = await serve((socket) => {
      socket.once("data", () => socket.write(Buffer.concat([Buffer.from([6]), Buffer.alloc(3072)])));
      socket.on("error", () => {});
    });
    const pulled = pull(createRtmpPuller().source(url));
    expect(await pulled.ended).toMatch(/RTMP version 6/);
    server.close();
  });
});
