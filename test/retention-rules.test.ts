import { describe, expect, it } from "vitest";
import { retentionCutoff } from "../src/domain/retention";

describe("retentionCutoff", () => {
  it("is now minus whole days of 24 hours, whatever the calendar (no time zone, no leap-day shift)", () => {
    expect(retentionCutoff(new Date("2026-03-29T12:00:00.000Z"), 1).toISOString()).toBe("2026-03-28T12:00:00.000Z");
    expect(retentionCutoff(new Date("2028-03-01T00:00:00.000Z"), 1).toISOString()).toBe("2028-02-29T00:00:00.000Z");
    expect(retentionCutoff(new Date("2026-01-01T00:00:00.001Z"), 3650).toISOString()).toBe("2016-01-04T00:00:00.001Z");
  });
});
