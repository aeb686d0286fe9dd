import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contentTypeFor, snapshotKey, type SnapshotKeyInput } from "../src/domain/object-keys";

const base: SnapshotKeyInput = {
  storageMode: "COVERAGE",
  sourceId: "k3x9q2",
  appName: "live",
  streamName: "cam-1",
  format: "JPG",
  capturedAt: new Date("2025-03-07T10:20:30.456Z"),
};

describe("snapshotKey", () => {
  it("gives one overwritten object per stream and day in coverage mode", () => {
    expect(snapshotKey(base)).toBe("snapshot/20250307/k3x9q2/live/cam-1.jpg");
  });

  it("gives one object per capture, named by epoch milliseconds, in sequence mode", () => {
    const key = snapshotKey({ ...base, storageMode: "SEQUENCE", format: "PNG" });
    expect(key).toBe(`snapshot/20250307/k3x9q2/live/cam-1/${Date.parse("2025-03-07T10:20:30.456Z")}.png`);
    expect(key).toBe("snapshot/20250307/k3x9q2/live/cam-1/1741342830456.png");
  });

  it("keeps names with dots, tildes and underscores as they are", () => {
    expect(snapshotKey({ ...base, appName: "a.b~c", streamName: "S_t-r.e.a.m" })).toBe(
      "snapshot/20250307/k3x9q2/a.b~c/S_t-r.e.a.m.jpg",
    );
  });

  describe("in a time zone far from UTC", () => {
    const savedTz = process.env.TZ;
    beforeEach(() => {
      process.env.TZ = "Pacific/Kiritimati";
    });
    afterEach(() => {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    });

    it("dates a capture by its UTC day, not the local one", () => {
      expect(new Date("2024-12-31T23:59:59.999Z").getDate()).toBe(1);
      const lastMs = new Date("2024-12-31T23:59:59.999Z");
      const firstMs = new Date("2025-01-01T00:00:00.000Z");
      expect(snapshotKey({ ...base, capturedAt: lastMs })).toBe("snapshot/20241231/k3x9q2/live/cam-1.jpg");
      expect(snapshotKey({ ...base, capturedAt: firstMs })).toBe("snapshot/20250101/k3x9q2/live/cam-1.jpg");
      expect(snapshotKey({ ...base, storageMode: "SEQUENCE", capturedAt: lastMs })).toBe(
        "snapshot/20241231/k3x9q2/live/cam-1/1735689599999.jpg",
      );
      expect(snapshotKey({ ...base, storageMode: "SEQUENCE", capturedAt: firstMs })).toBe(
        "snapshot/20250101/k3x9q2/live/cam-1/1735689600000.jpg",
      );
    });
  });

  it("handles a leap day", () => {
    expect(snapshotKey({ ...base, capturedAt: new Date("2024-02-29T12:00:00Z") })).toBe(
      "snapshot/20240229/k3x9q2/live/cam-1.jpg",
    );
  });

  const escapes = ["..", ".", "", "a/b", "../x", "a\\b", "a\u0000b", "line\nbreak", "tab\t", "del\u007f", "sp ace", "%2e%2e", "x".repeat(129)];

  it.each(escapes)("refuses the app name %j", (name) => {
    expect(() => snapshotKey({ ...base, appName: name })).toThrow(/appName/);
  });

  it.each(escapes)("refuses the stream name %j", (name) => {
    expect(() => snapshotKey({ ...base, storageMode: "SEQUENCE", streamName: name })).toThrow(/streamName/);
  });

  it.each(["", "..", "ABC", "a/b", "a-b", "a.b", "a\u0000", "x".repeat(65)])("refuses the source id %j", (sourceId) => {
    expect(() => snapshotKey({ ...base, sourceId })).toThrow(/sourceId/);
  });

  it("refuses an invalid capture time", () => {
    expect(() => snapshotKey({ ...base, capturedAt: new Date(Number.NaN) })).toThrow(/capturedAt/);
  });

  it("shows control characters visibly in the refusal", () => {
    expect(() => snapshotKey({ ...base, appName: "a\u0001b" })).toThrow("a\\u0001b");
  });
});

describe("contentTypeFor", () => {
  it("maps formats to the image media types browsers expect", () => {
    expect(contentTypeFor("JPG")).toBe("image/jpeg");
    expect(contentTypeFor("PNG")).toBe("image/png");
  });
});
