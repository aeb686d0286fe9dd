/**
 * Values a stranger can send where livesnap expects a name, an id, a number, a date or a cursor.
 * Every one is wrong for every string argument livesnap has, so each must be refused.
 */
export const HOSTILE_STRINGS: Record<string, string> = {
  "empty": "",
  "NUL": "live\u0000stream",
  "only NUL": "\u0000",
  "control characters": "a\u0001\u0007\u001b[31m\u007f",
  "newline and tab": "line\nbreak\ttab",
  "RTL override": "stream\u202etxt.exe",
  "zero-width joiner and BOM": "\ufeffa\u200db",
  "lone high surrogate": "a\ud800b",
  "lone low surrogate": "\udfff",
  "5,000 unicode characters": "字".repeat(2500) + "🎥".repeat(1250),
  "path traversal": "../../../etc/passwd",
  "encoded path traversal": "..%2f..%2fetc%2fpasswd",
  "backslash traversal": "..\\..\\windows",
  "SQL quote": "x' OR '1'='1",
  "SQL comment": "x\"; DROP TABLE accounts; --",
  "spaces": "   ",
};

/** A cursor-shaped value: base64url of what JSON.stringify writes. */
export const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const SOME_UUID = "5b0e1c9e-8f4e-4c62-9a59-3f1d2b7c8a10";

export const BAD_CURSORS: Record<string, string> = {
  "not base64": "!!!",
  "base64 of no JSON": Buffer.from("nope").toString("base64url"),
  "JSON object": cursorOf({ at: "2026-01-01T00:00:00.000Z", id: SOME_UUID }),
  "date at year 0": cursorOf(["0000-01-01T00:00:00.000Z", SOME_UUID]),
  "date at year -1": cursorOf(["-000001-01-01T00:00:00.000Z", SOME_UUID]),
  "date at year 275760": cursorOf(["+275760-09-13T00:00:00.000Z", SOME_UUID]),
  "date at year 10000": cursorOf(["+010000-01-01T00:00:00.000Z", SOME_UUID]),
  "loose date": cursorOf(["Jan 1 2026", SOME_UUID]),
  "id with SQL": cursorOf(["2026-01-01T00:00:00.000Z", "x' OR '1'='1"]),
  "huge": cursorOf(["2026-01-01T00:00:00.000Z", "a".repeat(5000)]),
  "NUL in JSON": cursorOf(["2026-01-01T00:00:00.000Z\u0000", SOME_UUID]),
  "numbers": cursorOf([0, 0]),
};

/** DateTime values that the scalar or the range check must refuse. */
export const BAD_DATES: Record<string, unknown> = {
  "year 0": "0000-01-01T00:00:00Z",
  "year 0 at its end": "0000-12-31T23:59:59.999Z",
  "year 1 with a positive offset (year 0 at UTC)": "0001-01-01T00:00:00+01:00",
  "year 9999 with a negative offset (year 10000 at UTC)": "9999-12-31T23:59:59-01:00",
  "year 275760": "+275760-09-13T00:00:00Z",
  "year 275760 unsigned": "275760-09-13T00:00:00Z",
  "February 30th": "2026-02-30T00:00:00Z",
  "no time zone": "2026-01-01T00:00:00",
  "empty": "",
  "NUL": "2026-01-01T00:00:00Z\u0000",
  "a number": 1767225600000,
  "5,000 characters": "2".repeat(5000),
};

/** Dates right at the range's ends, which must be accepted. */
export const EDGE_DATES: Record<string, string> = {
  "the first instant of year 1": "0001-01-01T00:00:00Z",
  "the last millisecond of year 9999": "9999-12-31T23:59:59.999Z",
};

/** Int arguments' documented ranges, by argument (or input field) name. */
export const INT_BOUNDS: Record<string, [number, number]> = {
  first: [0, 100],
  width: [8, 8192],
  height: [8, 8192],
  intervalSeconds: [5, 3600],
  expiresInSeconds: [60, 2_592_000],
  retentionDays: [1, 3650],
};

/** Values past an Int argument's range or not an Int at all. */
export function intsPast([min, max]: [number, number]): Record<string, unknown> {
  return {
    [`${min - 1} (below ${min})`]: min - 1,
    [`${max + 1} (above ${max})`]: max + 1,
    "-2147483648 (Int's least)": -2147483648,
    "2147483647 (Int's greatest)": 2147483647,
    "2147483648 (past Int)": 2147483648,
    "a fraction": min + 0.5,
    "a numeric string": String(min),
    "2^53 + 1": 9007199254740993,
  };
}
