import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readImageInfo } from "../src/capture/image-info";
import { createDecoderPool, DecodeJobError, SupersededError, type DecoderPool, type DecoderPoolOptions } from "../src/decode/decoder-pool";
import { silentLogger } from "../src/logger";
import type { DecodeJob, DecodedImage } from "../src/media/types";
import { gopFrames, makeClip, readCodedClip } from "./support/coded-frames";
import { checkedPid, isAlive } from "./support/process-alive";
import { waitFor } from "./support/wait";

const clip720 = readCodedClip(makeClip({ codec: "h264", width: 1280, height: 720 }), "h264");
const clip1080 = readCodedClip(makeClip({ codec: "h264", width: 1920, height: 1080 }), "h264");
const STALLING_WORKER = fileURLToPath(new URL("./support/stalling-decode-worker.ts", import.meta.url));

let pool: DecoderPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function startPool(options: Partial<DecoderPoolOptions> = {}): Promise<DecoderPool> {
  pool = await createDecoderPool({ workers: 2, jobTimeoutMs: 10_000, logger: silentLogger(), ...options });
  await waitFor(() => pool!.stats().workersAlive === (options.workers ?? 2), 10_000, "workers started");
  return pool;
}

/** A keyframe alone (quick) or a keyframe + 45 frames at 1080p (slow: ~0.1-0.3 s). */
function job(streamId: string, kind: "quick" | "slow" = "quick", priority: DecodeJob["priority"] = "scheduled"): DecodeJob {
  const clip = kind === "quick" ? clip720 : clip1080;
  return {
    streamId,
    codec: "h264",
    config: clip.config,
    frames: gopFrames(clip, 0, kind === "quick" ? 1 : 46),
    spec: { format: "JPG", width: 640, height: null, fillMode: "STRETCH" },
    priority,
  };
}

const settle = (promise: Promise<DecodedImage>) =>
  promise.then(
    (image) => ({ ok: true as const, image }),
    (error: Error) => ({ ok: false as const, error }),
  );

describe("decoder pool", () => {
  it("decodes jobs in worker processes into images", async () => {
    const decoders = await startPool();
    const pids = decoders.workerPids();
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(process.pid);
    const images = await Promise.all([decoders.decode(job("a")), decoders.decode(job("b", "slow"))]);
    for (const image of images) {
      expect(image.data).toBeInstanceOf(Buffer);
      expect(readImageInfo(image.data)).toEqual({ format: "JPG", width: 640, height: 360 });
    }
    expect(decoders.stats()).toMatchObject({ completed: 2, failed: 0, inFlight: 0, queued: 0 });
    expect(decoders.stats().decodeMs.count).toBe(2);
  });

  it("fails a job of garbage NAL units with the stream named, and the worker decodes the next one", async () => {
    const decoders = await startPool({ workers: 1 });
    const garbage: DecodeJob = { ...job("bad"), frames: [{ dts: 0, pts: 0, keyframe: true, payload: Buffer.from([0, 0, 0, 6, 0x65, 0x88, 9, 9, 9, 9]) }] };
    await expect(decoders.decode(garbage)).rejects.toThrow(/stream bad: the h264 decoder rejected the frames/);
    const pid = decoders.workerPids()[0];
    expect(readImageInfo((await decoders.decode(job("good"))).data)?.width).toBe(640);
    expect(decoders.workerPids()).toEqual([pid]);
    expect(decoders.stats()).toMatchObject({ completed: 1, failed: 1, restarts: 0 });
  });

  it("a killed worker fails only its job in flight and is replaced", async () => {
    const decoders = await startPool();
    // Both workers must take a job at once: a slow job takes only 0.1 to 0.3 s.
    await waitFor(() => decoders.stats().workersReady === 2, 20_000, "both workers ready");
    const first = settle(decoders.decode(job("s1", "slow")));
    const second = settle(decoders.decode(job("s2", "slow")));
    expect(decoders.stats().inFlight).toBe(2);
    const victim = checkedPid(decoders.workerPids()[0]);
    expect(isAlive(victim)).toBe(true);
    process.kill(victim, "SIGKILL");
    const results = await Promise.all([first, second]);
    const failed = results.filter((r) => !r.ok);
    expect(failed).toHaveLength(1);
    expect(String(failed[0]!.ok ? "" : failed[0]!.error.message)).toMatch(new RegExp(`worker ${victim} exited \\(signal SIGKILL\\)`));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    await waitFor(() => decoders.workerPids().length === 2 && !decoders.workerPids().includes(victim), 10_000, "worker replaced");
    expect(decoders.stats().restarts).toBe(1);
    const after = await Promise.all([decoders.decode(job("s1")), decoders.decode(job("s2"))]);
    expect(after.map((image) => image.width)).toEqual([640, 640]);
  });

  it("kills a worker whose job runs past the timeout; the other jobs complete", async () => {
    const decoders = await startPool({ workerSource: STALLING_WORKER, jobTimeoutMs: 1500 });
    const stuck = settle(decoders.decode(job("stall")));
    const others = Array.from({ length: 4 }, (_, i) => decoders.decode(job(`s${i}`)));
    expect((await Promise.all(others)).every((image) => image.width === 640)).toBe(true);
    const result = await stuck;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(DecodeJobError);
      expect(result.error.message).toMatch(/longer than 1500 ms; worker \d+ was killed/);
    }
    await waitFor(() => decoders.stats().workersAlive === 2 && decoders.stats().restarts === 1, 10_000, "worker replaced");
    expect((await decoders.decode(job("after"))).width).toBe(640);
  });

  it("puts on-demand jobs first, supersedes only scheduled ones, bounds the queue and rejects it on close", async () => {
    const decoders = await startPool({ workers: 1, maxQueued: 4, workerSource: STALLING_WORKER, jobTimeoutMs: 60_000 });
    const done: string[] = [];
    const track = (name: string, promise: Promise<DecodedImage>) => settle(promise).then((r) => (done.push(name), r));
    const busy = track("busy", decoders.decode(job("slow-stream", "slow")));
    await waitFor(() => decoders.stats().inFlight === 1, 5000, "worker busy");
    const older = track("older", decoders.decode(job("a")));
    const b = track("b", decoders.decode(job("b")));
    const newer = track("newer", decoders.decode(job("a")));
    const urgent1 = track("urgent1", decoders.decode(job("a", "quick", "on-demand")));
    const urgent2 = track("urgent2", decoders.decode(job("a", "quick", "on-demand")));
    expect(decoders.stats()).toMatchObject({ queued: 4, queuedOnDemand: 2, superseded: 1 });
    await expect(decoders.decode(job("c"))).rejects.toThrow(/decode queue is full \(4 jobs waiting\); job for stream c refused/);
    const olderResult = await older;
    expect(!olderResult.ok && olderResult.error).toBeInstanceOf(SupersededError);
    await Promise.all([busy, b, newer, urgent1, urgent2]);
    // The superseding job kept stream a's place ahead of b.
    expect(done).toEqual(["older", "busy", "urgent1", "urgent2", "newer", "b"]);
    expect(decoders.stats()).toMatchObject({ completed: 5, refused: 1, superseded: 1, queued: 0 });

    const stuck = settle(decoders.decode(job("stall")));
    await waitFor(() => decoders.stats().inFlight === 1, 5000, "worker stuck");
    const queued = settle(decoders.decode(job("d")));
    await decoders.close();
    for (const result of await Promise.all([stuck, queued])) {
      expect(result.ok).toBe(false);
    }
    const queuedResult = await queued;
    expect(!queuedResult.ok && queuedResult.error.message).toMatch(/closed before the job ran/);
    expect(decoders.workerPids()).toEqual([]);
    await expect(decoders.decode(job("e"))).rejects.toThrow(/pool is closed/);
  });

  it("under saturation every stream gets images and at most one scheduled job per stream waits", async () => {
    const decoders = await startPool();
    const STREAMS = 40;
    const images = new Map<string, number>();
    let superseded = 0;
    let maxQueued = 0;
    const settled: Promise<unknown>[] = [];
    const until = performance.now() + 3000;
    // Each stream asks for a new 1080p image every 20 ms: far more than two workers decode.
    while (performance.now() < until) {
      for (let s = 0; s < STREAMS; s++) {
        const streamId = `s${s}`;
        settled.push(
          decoders.decode({ ...job(streamId), frames: gopFrames(clip1080, 0, 1) }).then(
            () => images.set(streamId, (images.get(streamId) ?? 0) + 1),
            (error: Error) => {
              if (!(error instanceof SupersededError)) throw error;
              superseded += 1;
            },
          ),
        );
        maxQueued = Math.max(maxQueued, decoders.stats().queued);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(settled);
    expect(maxQueued).toBeLessThanOrEqual(STREAMS);
    expect(superseded).toBeGreaterThan(0);
    expect(decoders.stats().superseded).toBe(superseded);
    expect(images.size).toBe(STREAMS);
    const counts = [...images.values()];
    // FIFO across streams: no stream is served much more often than another. The spread allows
    // for when each stream's submissions fall against the workers' rounds on a busy machine.
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(Math.max(3, Math.ceil(mean / 2)));
  }, 30_000);
});
