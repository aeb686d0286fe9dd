import { describe, expect, it } from "vitest";
import { reuseRecentSignatures } from "../src/storage/recent-signatures";

function setUp(maxEntries = 100) {
  let now = 10_000;
  const calls: string[] = [];
  let fail = false;
  const sign = reuseRecentSignatures(
    async (bucket, key) => {
      calls.push(`${bucket}/${key}`);
      if (fail) throw new Error("store unavailable");
      return { url: `https://store/${bucket}/${key}?at=${now}` };
    },
    { maxAgeMs: 1_000, maxEntries, now: () => now },
  );
  return { sign, calls, advance: (ms: number) => (now += ms), failNext: (value: boolean) => (fail = value) };
}

describe("reusing recent signatures", () => {
  it("signs an object once per maxAgeMs however many ask", async () => {
    const { sign, calls, advance } = setUp();
    const first = await sign("b", "k.jpg");
    for (let i = 0; i < 100; i++) expect(await sign("b", "k.jpg")).toBe(first);
    advance(999);
    expect(await sign("b", "k.jpg")).toBe(first);
    expect(calls).toEqual(["b/k.jpg"]);
    advance(1);
    expect(await sign("b", "k.jpg")).not.toBe(first);
    expect(calls).toEqual(["b/k.jpg", "b/k.jpg"]);
  });

  it("keeps objects apart, bucket included", async () => {
    const { sign, calls } = setUp();
    await sign("b", "k.jpg");
    await sign("b", "other.jpg");
    await sign("c", "k.jpg");
    expect(calls).toEqual(["b/k.jpg", "b/other.jpg", "c/k.jpg"]);
  });

  it("remembers at most maxEntries objects", async () => {
    const { sign, calls } = setUp(2);
    await sign("b", "1");
    await sign("b", "2");
    await sign("b", "3");
    await sign("b", "1");
    expect(calls).toEqual(["b/1", "b/2", "b/3", "b/1"]);
  });

  it("does not hand out a failed signature again", async () => {
    const { sign, calls, failNext } = setUp();
    failNext(true);
    await expect(sign("b", "k.jpg")).rejects.toThrow("store unavailable");
    failNext(false);
    expect(await sign("b", "k.jpg")).toMatchObject({ url: expect.stringContaining("b/k.jpg") });
    expect(calls).toHaveLength(2);
  });
});
