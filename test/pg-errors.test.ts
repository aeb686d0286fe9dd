import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../src/domain/pg-errors";

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("an unreachable database", () => {
  it.each([
    ["a refused connection", withCode("ECONNREFUSED")],
    ["postgres.js losing its connection", withCode("CONNECTION_CLOSED")],
    ["an admin shutdown (57P01)", withCode("57P01")],
    ["a server starting up (57P03)", withCode("57P03")],
    ["a connection failure (08006)", withCode("08006")],
    ["one wrapped by drizzle", Object.assign(new Error("Failed query"), { cause: withCode("ECONNREFUSED") })],
    ["Node's AggregateError over several addresses", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")])],
  ])("is told by %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode("23505")],
    ["a syntax error", withCode("42601")],
    ["a plain error", new Error("boom")],
    ["no error at all", undefined],
  ])("is not %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
