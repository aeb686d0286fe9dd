import { describe, expect, it } from "vitest";
import { createCaptureTokens } from "../src/ingest/capture-token";
import { clientAddress, ConnectionTally } from "../src/ingest/connection-tally";
import {
  bufferBudget,
  chunkSizeProblem,
  COMMAND_MESSAGE_BYTES,
  messageSizeLimit,
  UNACCEPTED_BUFFER_BYTES,
} from "../src/ingest/rtmp-message-guard";

describe("RTMP message limits", () => {
  it("allow large messages for audio and video of an accepted publish only", () => {
    const max = 8 * 1024 * 1024;
    expect(messageSizeLimit(9, true, max)).toBe(max);
    expect(messageSizeLimit(8, true, max)).toBe(max);
    expect(messageSizeLimit(9, false, max)).toBe(COMMAND_MESSAGE_BYTES);
    for (const type of [1, 4, 15, 17, 18, 20, 22]) expect(messageSizeLimit(type, true, max), `type ${type}`).toBe(COMMAND_MESSAGE_BYTES);
    expect(bufferBudget(false, max)).toBe(UNACCEPTED_BUFFER_BYTES);
    expect(bufferBudget(true, max)).toBeGreaterThan(max);
    expect(bufferBudget(true, max)).toBeLessThanOrEqual(max + 1024 * 1024);
  });

  it("take chunk sizes from 1 to the limit and name the problem otherwise", () => {
    expect(chunkSizeProblem(128, 65_536)).toBeUndefined();
    expect(chunkSizeProblem(1, 65_536)).toBeUndefined();
    expect(chunkSizeProblem(65_536, 65_536)).toBeUndefined();
    expect(chunkSizeProblem(65_537, 65_536)).toBe("chunk size 65537 is larger than 65536");
    expect(chunkSizeProblem(0, 65_536)).toBe("chunk size 0 is not a valid RTMP chunk size");
    expect(chunkSizeProblem(0x80000000, 0x7fffffff)).toBe("chunk size 2147483648 is not a valid RTMP chunk size");
  });
});

describe("connection tally", () => {
  it("refuses beyond the per-address and overall limits, and frees a place once per ticket", () => {
    const tally = new ConnectionTally({ maxConnections: 3, maxConnectionsPerAddress: 2 });
    const a1 = tally.admit("10.0.0.1");
    const a2 = tally.admit("10.0.0.1");
    expect(tally.admit("10.0.0.1")).toBe("address_limit");
    const b1 = tally.admit("10.0.0.2");
    expect(tally.admit("10.0.0.3")).toBe("total_limit");
    expect(tally.size).toBe(3);
    if (typeof a1 === "string" || typeof a2 === "string" || typeof b1 === "string") throw new Error("admitted expected");
    a1.release();
    a1.release();
    expect(tally.size).toBe(2);
    expect(typeof tally.admit("10.0.0.1")).toBe("object");
    expect(tally.admit("10.0.0.1")).toBe("total_limit");
  });

  it("counts an IPv4 client of a dual-stack listener as its IPv4 address", () => {
    expect(clientAddress("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientAddress("2001:db8::1")).toBe("2001:db8::1");
    expect(clientAddress(undefined)).toBe("unknown");
  });
});

describe("capture tokens", () => {
  it("open one stream path for one publisher of one process only", () => {
    const tokens = createCaptureTokens();
    const token = tokens.sign("/push.a.test/live/cam1", "publisher-1");
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(tokens.verify("/push.a.test/live/cam1", "publisher-1", token)).toBe(true);
    expect(tokens.verify("/push.b.test/live/cam1", "publisher-1", token)).toBe(false);
    expect(tokens.verify("/push.a.test/live/cam1", "publisher-2", token)).toBe(false);
    expect(tokens.verify("/push.a.test/live/cam1", "publisher-1", token.slice(1))).toBe(false);
    expect(tokens.verify("/push.a.test/live/cam1", "publisher-1", "")).toBe(false);
    expect(createCaptureTokens().verify("/push.a.test/live/cam1", "publisher-1", token)).toBe(false);
  });
});
