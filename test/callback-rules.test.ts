import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_CALLBACK_TIMINGS, nextAttemptAfterFailure, retryDelayMs } from "../src/callbacks/backoff";
import { callbackBody } from "../src/callbacks/payloads";
import { signWebhook } from "../src/callbacks/signature";
import type { DeliveredSnapshot } from "../src/db/schema";
import { refusedAddressReason } from "../src/domain/callback-addresses";
import { assertSigningSecret, generateSigningSecret } from "../src/domain/callback-secrets";
import { assertCallbackUrl, parseCallbackUrl } from "../src/domain/callback-urls";
import { loadConfig } from "../src/config";
import { LivesnapError } from "../src/errors";

describe("callback addresses", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.10", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["169.254.10.20", "link-local"],
    ["169.254.169.254", "cloud metadata"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "private"],
    ["fdff:ffff::1", "private"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "cloud metadata"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["::ffff:a00:1", "private"],
    ["::10.0.0.1", "private"],
    ["64:ff9b::192.168.1.1", "private"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2606:4700::1111"])(
    "allows the public address %s",
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );
});

describe("callback URLs", () => {
  const strict = { allowPrivate: false, resolve: async (host: string) => (host === "localhost" ? ["127.0.0.1", "::1"] : ["93.184.215.14"]) };
  const refusal = async (url: string, policy = strict) => {
    try {
      await assertCallbackUrl("url", url, policy);
    } catch (error) {
      expect(error).toBeInstanceOf(LivesnapError);
      expect((error as LivesnapError).code).toBe("BAD_USER_INPUT");
      expect((error as LivesnapError).field).toBe("url");
      return (error as LivesnapError).message;
    }
    return null;
  };

  it("takes public http(s) URLs", async () => {
    expect(await assertCallbackUrl("url", "https://hooks.example.com/livesnap?x=1", strict)).toBe("https://hooks.example.com/livesnap?x=1");
    expect(await refusal("http://93.184.215.14:8080/cb")).toBeNull();
  });

  it("refuses private, loopback and metadata hosts, and names resolving to them", async () => {
    expect(await refusal("http://127.0.0.1/cb")).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(await refusal("http://10.1.2.3/cb")).toMatch(/private/);
    expect(await refusal("http://169.254.169.254/latest/meta-data")).toMatch(/cloud metadata/);
    expect(await refusal("http://[::1]:4000/cb")).toMatch(/loopback/);
    expect(await refusal("http://[::ffff:127.0.0.1]/cb")).toMatch(/loopback/);
    expect(await refusal("http://localhost:4000/cb")).toMatch(/localhost refused \(127\.0\.0\.1 is a loopback address\)/);
    expect(await refusal("http://unresolvable.invalid/", { allowPrivate: false, resolve: async () => Promise.reject(new Error("ENOTFOUND")) })).toMatch(
      /does not resolve/,
    );
  });

  it("allows private hosts only with the allow flag", async () => {
    expect(await refusal("http://127.0.0.1:9/cb", { allowPrivate: true, resolve: strict.resolve })).toBeNull();
  });

  it("refuses what is not an http(s) URL with a host, carries credentials, or is too long", () => {
    for (const [url, message] of [
      ["ftp://example.com/x", /http:\/\/ or https:\/\//],
      ["not a url", /absolute/],
      ["file:///etc/passwd", /http:\/\/ or https:\/\//],
      ["http://user:pw@example.com/", /credentials/],
      [`https://example.com/${"a".repeat(2100)}`, /at most 2048/],
    ] as const) {
      expect(() => parseCallbackUrl("url", url)).toThrow(message);
    }
  });
});

describe("signing secrets and signatures", () => {
  it("signs as the Standard Webhooks specification's published example", () => {
    expect(signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("generates whsec_ secrets of 32 random bytes that verify", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
    const mac = createHmac("sha256", Buffer.from(secret.slice(6), "base64")).update("id.1.body").digest("base64");
    expect(signWebhook(secret, "id", 1, "body")).toBe(`v1,${mac}`);
  });

  it("takes a chosen secret only as whsec_<base64> of 24 to 64 bytes", () => {
    const of = (n: number) => `whsec_${Buffer.alloc(n, 7).toString("base64")}`;
    expect(assertSigningSecret("secret", of(24))).toBe(of(24));
    expect(assertSigningSecret("secret", of(64))).toBe(of(64));
    for (const bad of [of(23), of(65), Buffer.alloc(32).toString("base64"), "whsec_not base64!!", "whsec_", `whsec_${"A".repeat(5000)}`]) {
      expect(() => assertSigningSecret("secret", bad)).toThrow(/whsec_" followed by the base64 of 24 to 64 bytes/);
    }
  });
});

describe("retry schedule", () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

  it("waits 5 s, 20 s, 80 s ... at most 4 h, each within ±20 %", () => {
    const steps = [5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000, 14_400_000, 14_400_000];
    steps.forEach((step, i) => {
      expect(retryDelayMs(i + 1, DEFAULT_CALLBACK_TIMINGS, () => 0.5)).toBe(step);
      expect(retryDelayMs(i + 1, DEFAULT_CALLBACK_TIMINGS, () => 0)).toBe(Math.round(step * 0.8));
      expect(retryDelayMs(i + 1, DEFAULT_CALLBACK_TIMINGS, () => 1)).toBe(Math.round(step * 1.2));
    });
  });

  it("makes the first three attempts within a minute, and gives up a day after the first", () => {
    const slowest = () => 1;
    const third = retryDelayMs(1, DEFAULT_CALLBACK_TIMINGS, slowest) + retryDelayMs(2, DEFAULT_CALLBACK_TIMINGS, slowest);
    expect(third).toBeLessThan(60_000);
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const next = nextAttemptAfterFailure(attempts, at(0), at(now), DEFAULT_CALLBACK_TIMINGS, () => 0.5);
      if (!next) break;
      now = next.getTime() - at(0).getTime();
    }
    expect(now).toBeLessThanOrEqual(24 * 3_600_000);
    expect(now).toBeGreaterThan(20 * 3_600_000);
    expect(attempts).toBe(12);
  });
});

describe("payloads", () => {
  const snapshot: DeliveredSnapshot = {
    id: "5f0c6a38-36f0-4d7e-9d5b-0b6f9f1f3a10",
    domain: "push.example.com",
    appName: "live",
    streamName: "cam1",
    sourceId: "0123456789abcdef0123",
    key: "snapshot/20261201/0123456789abcdef0123/live/cam1.jpg",
    bucket: "livesnap",
    format: "JPG",
    width: 640,
    height: 360,
    bytes: 12345,
    capturedAt: "2026-12-01T20:00:00.123Z",
  };
  const signed = { url: "https://cdn.example.com/x.jpg?sig=1", expiresAt: new Date("2026-12-01T21:00:00.000Z") };

  it("STANDARD: { type, timestamp, data } with the Snapshot and its signed URL", () => {
    expect(JSON.parse(callbackBody("STANDARD", { snapshot, occurredAt: new Date("2026-12-01T20:00:00.500Z") }, signed))).toEqual({
      type: "snapshot.created",
      timestamp: "2026-12-01T20:00:00.500Z",
      data: { ...snapshot, url: signed.url, urlExpiresAt: "2026-12-01T21:00:00.000Z" },
    });
  });

  it("JDCLOUD: exactly JD Cloud's fields", () => {
    expect(JSON.parse(callbackBody("JDCLOUD", { snapshot, occurredAt: new Date() }, signed))).toStrictEqual({
      version: "v1.1",
      publishDomain: "push.example.com",
      appName: "live",
      streamName: "cam1",
      snapshotTime: Date.parse("2026-12-01T20:00:00.123Z"),
      downloadUrl: signed.url,
      status: "success",
    });
  });
});

describe("CALLBACK_ALLOW_PRIVATE", () => {
  it("is off unless set to 1 or true, and refuses other values", () => {
    expect(loadConfig({}).callbackAllowPrivate).toBe(false);
    expect(loadConfig({ CALLBACK_ALLOW_PRIVATE: "1" }).callbackAllowPrivate).toBe(true);
    expect(loadConfig({ CALLBACK_ALLOW_PRIVATE: "true" }).callbackAllowPrivate).toBe(true);
    expect(loadConfig({ CALLBACK_ALLOW_PRIVATE: "0" }).callbackAllowPrivate).toBe(false);
    expect(() => loadConfig({ CALLBACK_ALLOW_PRIVATE: "yes" })).toThrow(/CALLBACK_ALLOW_PRIVATE: must be 1, 0, true or false/);
  });
});
