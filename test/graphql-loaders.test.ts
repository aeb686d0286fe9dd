import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { Database } from "../src/db/client";
import type { SnapshotRow } from "../src/db/schema";
import { createInProcessEventBus } from "../src/events/in-process-bus";
import { createLoaders } from "../src/graphql/loaders";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const row = (): SnapshotRow => ({
  id: randomUUID(), accountId: randomUUID(), liveStreamId: null, templateId: null, domain: "d.example", appName: "a", streamName: "s",
  sourceId: "src", bucket: "livesnap", key: `snapshot/${randomUUID()}.jpg`, format: "JPG", width: 8, height: 8, bytes: 1, capturedAt: new Date(),
});

describe("GraphQL loaders", () => {
  it("sign a snapshot once for url and urlExpiresAt, and keep nothing of an event once it is gone", async () => {
    let signatures = 0;
    const services = {
      bus: createInProcessEventBus(),
      signSnapshotUrl: async (_bucket: string, key: string) => ({ url: `https://x/${key}?n=${++signatures}`, expiresAt: new Date() }),
      pushUrlBase: () => "rtmp://{domain}",
      deleteSnapshotObject: async () => {},
    };
    const loaders = createLoaders({} as Database, services, "subscription");
    const collected: string[] = [];
    const registry = new FinalizationRegistry<string>((id) => collected.push(id));
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      // Each event brings a new row object, resolved through the same context's loaders.
      const event = row();
      ids.push(event.id);
      const [a, b] = await Promise.all([loaders.signedUrl.load(event), loaders.signedUrl.load(event)]);
      expect(a).toBe(b);
      registry.register(event, event.id);
    }
    expect(signatures).toBe(50);
    const deadline = Date.now() + 10_000;
    // DataLoader keeps a reference to its latest batch, so the newest event may stay until the next.
    while (collected.length < ids.length - 1 && Date.now() < deadline) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(collected.length).toBeGreaterThanOrEqual(ids.length - 1);
    expect(ids.slice(0, -1).every((id) => collected.includes(id))).toBe(true);
    // The loaders still work afterwards.
    expect((await loaders.signedUrl.load(row())).url).toContain("n=51");
  });
});
