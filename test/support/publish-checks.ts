import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { liveStreamsTable } from "../../src/db/schema";
import type { App } from "../../src/app";
import { pushTestStream, type Push } from "./ffmpeg-push";
import { publishRefusals } from "./publish-refusals";
import { waitFor } from "./wait";

const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };
/** A refused publisher is cut off long before this; one let through runs to its end and exits 0. */
export const REFUSED_WITHIN_SECONDS = 20;

/** What a user sees of a publish to `domain`: accepted (LIVE, captured) or refused (cut off, nothing recorded, counted). */
export function publishChecks(app: () => App, domain: string, source: string) {
  const pushes: Push[] = [];
  const rowsOf = (stream: string) =>
    app().database.db.select().from(liveStreamsTable).where(and(eq(liveStreamsTable.domain, domain), eq(liveStreamsTable.streamName, stream)));

  async function liveAndCaptured(stream: string): Promise<void> {
    await waitFor(async () => {
      const [row] = (await rowsOf(stream)).filter((r) => r.status === "LIVE");
      return row !== undefined && app().engine.active().includes(row.id);
    }, 20_000, `${stream} live and captured`);
  }

  return {
    rowsOf,
    liveAndCaptured,
    /** Pushes with ffmpeg, expects the publish recorded LIVE and captured, then ends it. */
    async expectAccepted(url: string, stream: string): Promise<void> {
      const p = pushTestStream({ url, ...SOURCE });
      pushes.push(p);
      try {
        await liveAndCaptured(stream);
      } finally {
        await p.stop();
      }
      await waitFor(async () => {
        const rows = await rowsOf(stream);
        return rows.every((r) => r.status === "ENDED" && !app().engine.active().includes(r.id));
      }, 10_000, `${stream} ended and no longer captured`);
    },
    /** Pushes with ffmpeg and expects the publisher cut off, nothing recorded or captured, the refusal counted with its reason. */
    async expectRefused(url: string, stream: string, reason: string): Promise<void> {
      const before = await publishRefusals(app().url, source, reason);
      const p = pushTestStream({ url, ...SOURCE, durationSeconds: REFUSED_WITHIN_SECONDS });
      pushes.push(p);
      const code = await p.exited;
      expect({ stream, code }).not.toEqual({ stream, code: 0 });
      expect(await rowsOf(stream)).toEqual([]);
      expect(app().engine.active()).toEqual([]);
      expect(await publishRefusals(app().url, source, reason)).toBe(before + 1);
    },
    stopAll: () => Promise.all(pushes.map((p) => p.stop())),
  };
}
