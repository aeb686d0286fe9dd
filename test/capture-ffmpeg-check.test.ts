import { describe, expect, it } from "vitest";
import { assertFfmpegAvailable } from "../src/capture/ffmpeg-check";

describe("assertFfmpegAvailable", () => {
  it("returns ffmpeg's version line when the binary runs", async () => {
    await expect(assertFfmpegAvailable("ffmpeg")).resolves.toMatch(/^ffmpeg version /);
  });

  it("fails with one line naming the path and the fix when ffmpeg is missing", async () => {
    const path = "/nonexistent/bin/ffmpeg-livesnap";
    const error = await assertFfmpegAvailable(path).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).not.toContain("\n");
    expect(error?.message).toContain(`ffmpeg not found at "${path}"`);
    expect(error?.message).toContain("apt-get install ffmpeg");
    expect(error?.message).toContain("FFMPEG_PATH");
  });

  it("fails clearly when the path is not an ffmpeg that runs", async () => {
    await expect(assertFfmpegAvailable("/bin/false")).rejects.toThrow(/^ffmpeg not runnable at "\/bin\/false" \(.*\): install it .*FFMPEG_PATH/);
  });
});
