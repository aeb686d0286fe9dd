import { getPriority } from "node:os";
import { describe, expect, it } from "vitest";
import { buildFfmpegArgs } from "../src/capture/ffmpeg-args";
import { startFfmpegProcess } from "../src/capture/ffmpeg-process";
import { readImageInfo } from "../src/capture/image-info";
import { checkedPid, isAlive } from "./support/process-alive";

const template = { format: "PNG", intervalSeconds: 1, width: 64, height: 36, fillMode: "STRETCH" } as const;

describe("startFfmpegProcess", () => {
  it("delivers every image whole and reports a clean exit", async () => {
    const images: Buffer[] = [];
    const proc = startFfmpegProcess({
      ffmpegPath: "ffmpeg",
      args: buildFfmpegArgs({ inputUrl: "testsrc2=size=320x180:rate=10:duration=3", inputFormat: "lavfi", template, keyframesOnly: false }),
      onImage: (data) => images.push(data),
    });
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(images).toHaveLength(3);
    for (const image of images) expect(readImageInfo(image)).toEqual({ format: "PNG", width: 64, height: 36 });
  });

  it("keeps the end of stderr for the logs when ffmpeg fails", async () => {
    let reported: string | undefined;
    const proc = startFfmpegProcess({
      ffmpegPath: "ffmpeg",
      args: buildFfmpegArgs({ inputUrl: "rtmp://127.0.0.1:1/live/none", template, keyframesOnly: true }),
      onImage: () => {},
      onExit: (exit) => {
        reported = exit.stderr;
      },
      stderrTailBytes: 200,
    });
    const exit = await proc.exited;
    expect(exit.code).not.toBe(0);
    expect(reported).toBe(exit.stderr);
    expect(exit.stderr.length).toBeGreaterThan(0);
    expect(exit.stderr.length).toBeLessThanOrEqual(200);
    expect(proc.stderrTail()).toBe(exit.stderr);
  });

  it("reports a binary that cannot be started as an exit with the error", async () => {
    const proc = startFfmpegProcess({ ffmpegPath: "/nonexistent/ffmpeg", args: ["-version"], onImage: () => {} });
    const exit = await proc.exited;
    expect(exit.error?.message).toContain("ENOENT");
    await expect(proc.stop()).resolves.toBe(exit);
  });

  it("runs the capture at a lower priority than livesnap itself", async () => {
    const proc = startFfmpegProcess({ ffmpegPath: "sh", args: ["-c", "sleep 5"], onImage: () => {} });
    try {
      expect(getPriority(checkedPid(proc.pid))).toBe(Math.min(19, getPriority(0) + 10));
    } finally {
      await proc.stop();
    }
  });

  it("stop() ends a running ffmpeg", async () => {
    // -re on an endless source keeps ffmpeg running until it is told to stop.
    const args = ["-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=64x36:rate=5", "-f", "null", "-"];
    const proc = startFfmpegProcess({ ffmpegPath: "ffmpeg", args, onImage: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pid = checkedPid(proc.pid);
    expect(isAlive(pid)).toBe(true);
    await proc.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it("stop() escalates to SIGKILL when the process ignores SIGTERM", async () => {
    // A hung process stands in for an ffmpeg stuck in a blocking call; sleep keeps the ignored SIGTERM.
    const proc = startFfmpegProcess({
      ffmpegPath: "sh",
      args: ["-c", "trap '' TERM; exec sleep 30"],
      onImage: () => {},
      stopGraceMs: 300,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const exit = await proc.stop();
    expect(exit.signal).toBe("SIGKILL");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(isAlive(proc.pid)).toBe(false);
  });
});
