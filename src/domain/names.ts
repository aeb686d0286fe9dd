import { badInput } from "../errors";

/**
 * App and stream names become path segments of object keys, so they are restricted to a
 * character set that cannot leave the key's prefix: letters, digits, `_ . ~ -`, 1..128,
 * and never `.` or `..`.
 */
const SEGMENT = /^[A-Za-z0-9_.~-]{1,128}$/;

export function isValidSegmentName(name: string): boolean {
  return SEGMENT.test(name) && name !== "." && name !== "..";
}

export function assertSegmentName(field: "appName" | "streamName" | "app" | "stream", name: string): string {
  if (name.length === 0) throw badInput(field, `${field} must not be empty`);
  if (name.length > 128) throw badInput(field, `${field} must be at most 128 characters`);
  if (!isValidSegmentName(name)) {
    throw badInput(
      field,
      `${field} "${printable(name)}" may only contain letters, digits, "_", ".", "~", "-" and must not be "." or ".."`,
    );
  }
  return name;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Host names (RFC 1123), `localhost` or IPv4, lower-cased; null when not a valid domain. */
export function normalizeDomain(input: string): string | null {
  const domain = input.trim().toLowerCase().replace(/\.$/, "");
  if (domain.length === 0 || domain.length > 253) return null;
  if (IPV4.test(domain)) return domain;
  const labels = domain.split(".");
  if (!labels.every((l) => LABEL.test(l))) return null;
  // A bare word is only a host name for localhost; an all-numeric name is a malformed address.
  if (labels.length === 1 && domain !== "localhost") return null;
  if (labels.every((l) => /^\d+$/.test(l))) return null;
  return domain;
}

export function assertDomain(field: string, input: string): string {
  const domain = normalizeDomain(input);
  if (domain === null) {
    throw badInput(field, `${field} "${printable(input)}" is not a valid host name (e.g. push.example.com), localhost or IPv4 address`);
  }
  return domain;
}

/** Makes control characters visible in error messages. */
export function printable(value: string): string {
  const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
