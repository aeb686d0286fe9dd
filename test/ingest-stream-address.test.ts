import { describe, expect, it } from "vitest";
import { LivesnapError } from "../src/errors";
import { deriveStreamAddress, type ReportedStream } from "../src/ingest/stream-address";
import { fillPullUrl } from "../src/ingest/pull-url";

const DEFAULT = "push.default.test";
const derive = (reported: ReportedStream) => deriveStreamAddress(reported, DEFAULT);

function rejection(reported: ReportedStream): LivesnapError {
  try {
    derive(reported);
  } catch (error) {
    if (error instanceof LivesnapError) return error;
    throw error;
  }
  throw new Error("expected the address to be refused");
}

describe("push domain", () => {
  it("comes from the tcUrl host, lower-cased", () => {
    expect(derive({ app: "live", stream: "cam1", tcUrl: "rtmp://Push.Example.COM:1935/live" }).domain).toBe(
      "push.example.com",
    );
  });

  it("comes from the server's vhost before the tcUrl", () => {
    const reported = { app: "live", stream: "cam1", vhost: "srs.example.com", tcUrl: "rtmp://other.example.com/live" };
    expect(derive(reported).domain).toBe("srs.example.com");
  });

  it("comes from a vhost or domain query argument before anything else, as SRS reads them", () => {
    const tcUrl = "rtmp://10.0.0.1/live";
    expect(derive({ app: "live", stream: "cam1?vhost=A.example.com", tcUrl }).domain).toBe("a.example.com");
    expect(derive({ app: "live", stream: "cam1", query: "?domain=b.example.com", tcUrl }).domain).toBe("b.example.com");
    expect(derive({ app: "live", stream: "cam1", query: "token=x&vhost=c.example.com", vhost: "d.example.com" }).domain)
      .toBe("c.example.com");
  });

  it("falls back to the tcUrl host when SRS reports its default vhost", () => {
    const tcUrl = "rtmp://push.example.com/live";
    expect(derive({ app: "live", stream: "cam1", vhost: "__defaultVhost__", tcUrl }).domain).toBe("push.example.com");
    expect(derive({ app: "live", stream: "cam1", vhost: "__defaultVhost__" }).domain).toBe(DEFAULT);
  });

  it.each([
    ["an IPv4 literal", "rtmp://127.0.0.1:1935/live"],
    ["an IPv6 literal", "rtmp://[::1]:1935/live"],
    ["a host that is not a domain", "rtmp://bad_host!/live"],
    ["a bare word", "rtmp://camera/live"],
    ["a tcUrl that is not a URL", "not a url"],
    ["an empty tcUrl", ""],
  ])("is the default push domain for %s", (_case, tcUrl) => {
    expect(derive({ app: "live", stream: "cam1", tcUrl }).domain).toBe(DEFAULT);
  });

  it("is the default push domain when nothing names a host", () => {
    expect(derive({ app: "live", stream: "cam1" }).domain).toBe(DEFAULT);
  });

  it("keeps localhost, which the embedded ingest is pushed to", () => {
    expect(derive({ app: "live", stream: "cam1", tcUrl: "rtmp://localhost:1935/live" }).domain).toBe("localhost");
  });
});

describe("app and stream names", () => {
  it("strips query arguments from the stream name and keeps them, merged with those reported apart", () => {
    const address = derive({ app: "live", stream: "cam1?token=x&vhost=a.example.com", query: "?auth_key=1-2-3-4" });
    expect(address).toEqual({ domain: "a.example.com", app: "live", stream: "cam1", query: expect.any(URLSearchParams) });
    expect(address.query.toString()).toBe("token=x&vhost=a.example.com&auth_key=1-2-3-4");
  });

  it("accepts letters, digits, _ . ~ - up to 128 characters", () => {
    const stream = "A-z_0.9~".repeat(16);
    expect(stream).toHaveLength(128);
    expect(derive({ app: "my_app-1.0~x", stream }).stream).toBe(stream);
  });

  it.each([
    ["app", { app: undefined, stream: "cam1" }, "app name is missing"],
    ["app", { app: "", stream: "cam1" }, "app name is missing"],
    ["stream", { app: "live", stream: undefined }, "stream name is missing"],
    ["stream", { app: "live", stream: "" }, "stream name is missing"],
    ["stream", { app: "live", stream: "?token=x" }, "stream name is missing"],
    ["stream", { app: "live", stream: "a/b" }, 'contains "/"'],
    ["app", { app: "li/ve", stream: "cam1" }, 'contains "/"'],
    ["stream", { app: "live", stream: ".." }, 'must not be ".."'],
    ["stream", { app: "live", stream: "." }, 'must not be "."'],
    ["app", { app: "..", stream: "cam1" }, 'must not be ".."'],
    ["stream", { app: "live", stream: "../x" }, 'contains "/"'],
    ["stream", { app: "live", stream: "cam\u0000" }, 'contains "\\u0000"'],
    ["stream", { app: "live", stream: "cam\n1" }, 'contains "\\u000a"'],
    ["stream", { app: "live", stream: "cam 1" }, 'contains " "'],
    ["stream", { app: "live", stream: "câm" }, 'contains "â"'],
    ["stream", { app: "live", stream: "x".repeat(129) }, "is 129 characters long; at most 128 are allowed"],
  ])("refuses %s in %j", (field, reported, message) => {
    const error = rejection(reported);
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.field).toBe(field);
    expect(error.message).toContain(field === "app" ? "app name" : "stream name");
    expect(error.message).toContain(message);
  });

  it("shows control characters visibly in the message", () => {
    expect(rejection({ app: "live", stream: "a\u0007b" }).message).toContain('"a\\u0007b"');
  });
});

describe("fillPullUrl", () => {
  it("fills every placeholder, as often as it appears", () => {
    const url = fillPullUrl("rtmp://127.0.0.1:1935/{app}/{stream}?vhost={domain}&s={stream}", {
      domain: "push.example.com",
      app: "live",
      stream: "cam1",
    });
    expect(url).toBe("rtmp://127.0.0.1:1935/live/cam1?vhost=push.example.com&s=cam1");
  });

  it("path-encodes values so they cannot add segments or queries", () => {
    expect(fillPullUrl("rtsp://h/{app}/{stream}", { domain: "d", app: "a/b", stream: "c?d#e" })).toBe(
      "rtsp://h/a%2Fb/c%3Fd%23e",
    );
  });

  it("leaves a template without placeholders and unknown braces alone", () => {
    expect(fillPullUrl("rtmp://h/fixed/{other}", { domain: "d", app: "a", stream: "s" })).toBe("rtmp://h/fixed/{other}");
  });
});
