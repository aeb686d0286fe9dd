import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotsTable } from "../src/db/schema";
import type { VideoTag } from "../src/media/types";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushProcess, type Push } from "./support/ffmpeg-push";
import { recordH264Flv, recordMp4, demuxMp4Video, enhancedTags, videoTags } from "./support/flv-recordings";
import { pushWithGstreamer } from "./support/gst-push";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { signedPushUrl } from "./support/push-url";
import { publishTags, type TagPublisher } from "./support/tag-publisher";
import { waitFor } from "./support/wait";

/**
 * Many kinds of source captured at once by one livesnap, through its embedded ingest: what
 * encoders send (B-frames, audio first, GStreamer, 1080p60), what ffmpeg 5.1 cannot send here
 * (HEVC and AV1 over Enhanced RTMP, a resolution change mid-publish, a 12 s GOP) and a broken
 * stream, which must cost nobody else an image.
 */
const INTERVAL_S = 5;
const WATCH_S = 24;

describe("capture of every kind of source at once", () => {
  let t: TestApp;
  let alice: Run;
  let rtmpPort: number;
  const pushes: Push[] = [];
  const publishers: TagPublisher[] = [];

  const url = (stream: string) => signedPushUrl(alice, "localhost", "src", stream);
  const snapshotsOf = (stream: string) =>
    t.app.database.db
      .select()
      .from(snapshotsTable)
      .where(and(eq(snapshotsTable.appName, "src"), eq(snapshotsTable.streamName, stream)))
      .orderBy(asc(snapshotsTable.capturedAt));
  const publish = async (stream: string, tags: VideoTag[]) => {
    const publisher = publishTags(await url(stream), tags, { loop: true });
    publishers.push(publisher);
    await publisher.started;
  };

  beforeAll(async () => {
    rtmpPort = await freePort();
    t = await startTestApp({ RTMP_PORT: String(rtmpPort) });
    alice = httpRunner(t.app.url, await t.token("alice"));
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.example.com" });
    const template = (await alice(CreateTemplate, {
      input: { name: "every5", format: "JPG", intervalSeconds: INTERVAL_S, storageMode: "SEQUENCE" },
    })).data!.createSnapshotTemplate.id;
    await alice(CreateConfig, { input: { domain: "localhost", appName: "src", templateId: template } });

    // Recordings first (made once per machine), so every source starts within a second or two.
    const [bframes, full, longGop, small, large, hevc, av1] = await Promise.all([
      recordH264Flv({ seconds: 4, gop: 30, size: "320x180", bframes: 3 }),
      recordH264Flv({ seconds: 4, gop: 120, fps: 60, size: "1920x1080", bframes: 2 }),
      recordH264Flv({ seconds: 26, gop: 360, size: "320x180" }),
      recordH264Flv({ seconds: 6, gop: 30, size: "320x180" }),
      recordH264Flv({ seconds: 6, gop: 30, size: "480x270" }),
      recordMp4("hevc", 2).then(demuxMp4Video),
      recordMp4("av1", 2).then(demuxMp4Video),
    ]);

    // ffmpeg itself: audio first, video a second later, B-frames.
    const ffmpegArgs = [
      "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
      "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-itsoffset", "1", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
      "-map", "1:v", "-map", "0:a", "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "30", "-pix_fmt", "yuv420p", "-threads", "1",
      "-c:a", "aac", "-b:a", "32k", "-f", "flv", await url("ffmpeg-bframes-audio-first"),
    ];
    pushes.push(pushProcess(spawn("ffmpeg", ffmpegArgs, { stdio: ["ignore", "ignore", "pipe"] })));
    pushes.push(pushWithGstreamer({ target: { location: await url("gstreamer") } }));

    await publish("bframes", videoTags(bframes));
    await publish("full-hd-60", videoTags(full));
    await publish("long-gop", videoTags(longGop));
    // The second recording's timestamps follow the first's; it opens with its own sequence header.
    const first = videoTags(small);
    const offset = first.at(-1)!.timestamp + 33;
    const second = videoTags(large).map((tag) => ({ timestamp: tag.timestamp + offset, data: tag.data }));
    await publish("resolution-change", [...first, ...second]);
    await publish("hevc", enhancedTags("hvc1", hevc));
    await publish("av1", enhancedTags("av01", av1));
    // A real sequence header, then "IDR" NAL units of random bytes: well framed, undecodable.
    const garbage: VideoTag[] = [videoTags(small)[0]!];
    for (let i = 0; i < 150; i++) {
      const body = Buffer.concat([Buffer.from([0x65]), randomBytes(2000)]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      garbage.push({ timestamp: i * 33, data: Buffer.concat([Buffer.from([i % 30 === 0 ? 0x17 : 0x27, 1, 0, 0, 0]), length, body]) });
    }
    await publish("garbage", garbage);

    // Long enough for the 12 s GOP source to be due at 0, 5, 10, 15 and 20 s.
    await new Promise((resolve) => setTimeout(resolve, WATCH_S * 1000));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await Promise.all(pushes.map((p) => p.stop()));
    await t?.stop();
  });

  it.each([
    ["ffmpeg-bframes-audio-first", 320, 180],
    ["gstreamer", 320, 180],
    ["bframes", 320, 180],
    ["full-hd-60", 1920, 1080],
    ["hevc", 160, 96],
    ["av1", 160, 96],
  ])("captures %s at the source size, one image per interval", async (stream, width, height) => {
    const shots = await snapshotsOf(stream);
    expect(shots.length, `${stream}: ${shots.length} snapshots`).toBeGreaterThanOrEqual(3);
    for (const shot of shots) expect(shot, stream).toMatchObject({ format: "JPG", width, height });
    const gaps = shots.slice(1).map((s, i) => (s.capturedAt.getTime() - shots[i]!.capturedAt.getTime()) / 1000);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean, `${stream} gaps ${gaps.join(", ")}`).toBeGreaterThan(INTERVAL_S - 1.5);
    expect(mean, `${stream} gaps ${gaps.join(", ")}`).toBeLessThan(INTERVAL_S + 1.5);
  });

  it("keeps a 12 s GOP on a 5 s template within interval + 1 s", async () => {
    const shots = await snapshotsOf("long-gop");
    expect(shots.length).toBeGreaterThanOrEqual(4);
    const gaps = shots.slice(1).map((s, i) => (s.capturedAt.getTime() - shots[i]!.capturedAt.getTime()) / 1000);
    for (const gap of gaps) expect(gap, `gaps ${gaps.join(", ")}`).toBeLessThanOrEqual(INTERVAL_S + 1);
  });

  it("follows a new sequence header mid-publish: images change size with the source", async () => {
    const shots = await snapshotsOf("resolution-change");
    const widths = shots.map((s) => s.width);
    expect(widths, widths.join(", ")).toContain(320);
    expect(widths, widths.join(", ")).toContain(480);
    for (const shot of shots) expect([`${320}x180`, `${480}x270`]).toContain(`${shot.width}x${shot.height}`);
  });

  it("gives a stream of undecodable frames errors and no images, and no other stream is touched", async () => {
    expect(await snapshotsOf("garbage")).toHaveLength(0);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    const failed = Number(/^livesnap_capture_decode_errors_total (\d+)$/m.exec(metrics)?.[1] ?? 0);
    expect(failed).toBeGreaterThan(0);
    // How capture keeps up is on /metrics: the pool's queue and the age of images handed on.
    expect(metrics).toMatch(/^livesnap_decoder_queue_length \d+$/m);
    expect(metrics).toMatch(/^livesnap_decoder_workers [1-9]\d*$/m);
    const p99 = Number(/^livesnap_capture_image_age_seconds\{quantile="0.99"\} ([\d.e-]+)$/m.exec(metrics)?.[1]);
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThan(5);
    // The other streams' images are asserted above; the decoder workers are all still there.
    await waitFor(() => t.app.decoders.stats().workersAlive === t.app.decoders.workerPids().length, 5_000, "workers alive");
    expect(t.app.engine.active()).toHaveLength(9);
  });
});
