import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../src/domain/pagination";
import { assertQueryableInstant, isQueryableInstant } from "../src/domain/timestamps";
import { LivesnapError } from "../src/errors";

const id = "5b0e1c9e-8f4e-4c62-9a59-3f1d2b7c8a10";
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function errorOf(run: () => unknown): LivesnapError {
  try {
    run();
  } catch (error) {
    if (error instanceof LivesnapError) return error;
    throw error;
  }
  throw new Error("expected a LivesnapError");
}

describe("queryable instants", () => {
  it("are years 1 to 9999, to the millisecond", () => {
    expect(isQueryableInstant(new Date("0001-01-01T00:00:00.000Z"))).toBe(true);
    expect(isQueryableInstant(new Date("9999-12-31T23:59:59.999Z"))).toBe(true);
    expect(isQueryableInstant(new Date("0000-12-31T23:59:59.999Z"))).toBe(false);
    expect(isQueryableInstant(new Date("+010000-01-01T00:00:00.000Z"))).toBe(false);
    expect(isQueryableInstant(new Date("+275760-09-13T00:00:00.000Z"))).toBe(false);
    expect(isQueryableInstant(new Date(Number.NaN))).toBe(false);
  });

  it("are refused outside that range as BAD_USER_INPUT naming the field", () => {
    const error = errorOf(() => assertQueryableInstant("from", new Date("0000-01-01T00:00:00Z")));
    expect([error.code, error.field]).toEqual(["BAD_USER_INPUT", "from"]);
    expect(error.message).toContain("0001-01-01");
  });
});

describe("cursors", () => {
  it("round-trip", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(decodeCursor(encodeCursor({ at, id }))).toEqual({ at, id });
  });

  it.each([
    ["not base64 JSON", "!!!"],
    ["empty", ""],
    ["an object", cursorOf({ at: "2026-01-01T00:00:00Z", id })],
    ["three parts", cursorOf(["2026-01-01T00:00:00Z", id, 1])],
    ["an id that is no UUID", cursorOf(["2026-01-01T00:00:00Z", "1; drop table snapshots"])],
    ["no date", cursorOf(["yesterday", id])],
    ["year 0", cursorOf(["0000-01-01T00:00:00.000Z", id])],
    ["year -1", cursorOf(["-000001-09-13T00:00:00.000Z", id])],
    ["the last day a Date holds", cursorOf(["+275760-09-13T00:00:00.000Z", id])],
    ["a NUL", cursorOf(["2026-01-01T00:00:00Z\u0000", id])],
  ])("refuses %s as BAD_USER_INPUT on after", (_, after) => {
    const error = errorOf(() => decodeCursor(after));
    expect([error.code, error.field]).toEqual(["BAD_USER_INPUT", "after"]);
  });
});
