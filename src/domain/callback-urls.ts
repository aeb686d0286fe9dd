import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { badInput } from "../errors";
import { refusedAddressReason } from "./callback-addresses";

export const MAX_CALLBACK_URL_LENGTH = 2048;

/** Resolves a host name to every address it has. */
export type ResolveHost = (host: string) => Promise<string[]>;

export const resolveHost: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface CallbackUrlPolicy {
  /** CALLBACK_ALLOW_PRIVATE: loopback and private addresses allowed (tests, trusted networks). */
  allowPrivate: boolean;
  resolve?: ResolveHost;
}

/** The host of a parsed URL as an address or a name: `[::1]` gives `::1`. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, "");

/** http(s), a host, no credentials, bounded: the shape rules, without looking the host up. */
export function parseCallbackUrl(field: string, value: string): URL {
  if (value.length > MAX_CALLBACK_URL_LENGTH) throw badInput(field, `${field} must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, `${field} must be an absolute http:// or https:// URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badInput(field, `${field} must be an http:// or https:// URL`);
  if (hostOf(url) === "") throw badInput(field, `${field} must name a host`);
  if (url.username !== "" || url.password !== "") throw badInput(field, `${field} must not carry credentials`);
  return url;
}

/**
 * Why the addresses a host stands for may not be called, or null. Every address of a name must
 * pass: the one connected to later is checked again at delivery.
 */
export function refusedAddresses(addresses: readonly string[]): string | null {
  for (const address of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) return `${address} is ${reason === "not an IP address" ? "not an IP address" : `a ${reason} address`}`;
  }
  return addresses.length === 0 ? "the host has no address" : null;
}

/** A callback URL as created or updated: shape checked and, unless private ones are allowed, its host resolved and checked. */
export async function assertCallbackUrl(field: string, value: string, policy: CallbackUrlPolicy): Promise<string> {
  const url = parseCallbackUrl(field, value);
  if (policy.allowPrivate) return url.toString();
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (policy.resolve ?? resolveHost)(host);
    } catch {
      throw badInput(field, `${field}: host ${host} does not resolve`);
    }
  }
  const refused = refusedAddresses(addresses);
  if (refused) throw badInput(field, `${field} must reach a public address: ${host} refused (${refused})`);
  return url.toString();
}
