import { describe, expect, it } from "vitest";
import { MAX_ADMIN_REQUEST_BYTES, parseAdminRequest, parseAdminResponse } from "../src/admin/admin-request";

describe("admin socket requests", () => {
  it("accepts the CLI's token request", () => {
    const request = { command: "token.create", account: "demo", role: "READER", operator: false };
    expect(parseAdminRequest(JSON.stringify(request))).toEqual(request);
  });

  it("names what is wrong with anything else", () => {
    expect(parseAdminRequest("{")).toEqual({ error: "request is not JSON" });
    expect(parseAdminRequest("x".repeat(MAX_ADMIN_REQUEST_BYTES + 1))).toEqual({ error: `request larger than ${MAX_ADMIN_REQUEST_BYTES} bytes` });
    const cases: [unknown, string][] = [
      [{ command: "shell", account: "a", role: "ADMIN", operator: false }, "command"],
      [{ command: "token.create", account: "a", role: "OWNER", operator: false }, "role"],
      [{ command: "token.create", account: "", role: "ADMIN", operator: false }, "account"],
      [{ command: "token.create", account: "a", role: "ADMIN", operator: "yes" }, "operator"],
      [{ command: "token.create", account: "a", role: "ADMIN", operator: false, extra: 1 }, "extra"],
      [[1], "request"],
    ];
    for (const [value, field] of cases) {
      const parsed = parseAdminRequest(JSON.stringify(value));
      expect("error" in parsed && parsed.error).toContain(field);
    }
  });

  it("reads only the two answers the server gives", () => {
    expect(parseAdminResponse('{"ok":true,"token":"lsk_x"}')).toEqual({ ok: true, token: "lsk_x" });
    expect(parseAdminResponse('{"ok":false,"error":"no"}')).toEqual({ ok: false, error: "no" });
    expect(() => parseAdminResponse('{"ok":true}')).toThrow(/not a livesnap admin response/);
  });
});
