import { isIP } from "node:net";
import { badInput } from "../errors";
import { isValidSegmentName, normalizeDomain, printable } from "../domain/names";

/** What a media server reports about a publish, before any validation. */
export interface ReportedStream {
  app: string | undefined;
  /** Stream name; query arguments after `?` are stripped. */
  stream: string | undefined;
  /** Query arguments of the publish URL, with or without the leading `?`. */
  query?: string | URLSearchParams | undefined;
  /** Virtual host as the media server names it (SRS `vhost`). */
  vhost?: string | undefined;
  tcUrl?: string | undefined;
}

export interface StreamAddress {
  domain: string;
  app: string;
  stream: string;
  /** The publish URL's query arguments: those of the stream name and those reported apart. */
  query: URLSearchParams;
}

/** SRS reports this when the publish matched no configured vhost. */
const SRS_DEFAULT_VHOST = "__defaultVhost__";

/**
 * Derives and validates (domain, app, stream) of a publish. Throws a BAD_USER_INPUT error whose
 * field is `app` or `stream` when a name cannot be used as an object-key segment.
 */
export function deriveStreamAddress(reported: ReportedStream, defaultPushDomain: string): StreamAddress {
  const [streamName, streamQuery] = splitQuery(reported.stream);
  const query = new URLSearchParams(streamQuery);
  for (const [key, value] of toParams(reported.query)) query.append(key, value);
  return {
    domain: derivePushDomain(reported, query, defaultPushDomain),
    app: checkSegment("app", reported.app),
    stream: checkSegment("stream", streamName),
    query,
  };
}

/**
 * The push domain is the first usable host among: the `vhost` or `domain` query argument (as SRS
 * reads them), the server's vhost, the tcUrl host. IP literals say nothing about which domain
 * group a stream belongs to, so they fall through to the default like a missing host.
 */
function derivePushDomain(reported: ReportedStream, query: URLSearchParams, defaultPushDomain: string): string {
  const vhost = reported.vhost === SRS_DEFAULT_VHOST ? undefined : reported.vhost;
  const candidates = [query.get("vhost"), query.get("domain"), vhost, hostOfUrl(reported.tcUrl)];
  for (const candidate of candidates) {
    if (candidate === null || candidate === undefined || isIpLiteral(candidate)) continue;
    const domain = normalizeDomain(candidate);
    if (domain !== null && isIP(domain) === 0) return domain;
  }
  return defaultPushDomain;
}

function isIpLiteral(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, "")) !== 0;
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

function splitQuery(stream: string | undefined): [string | undefined, string] {
  if (stream === undefined) return [undefined, ""];
  const at = stream.indexOf("?");
  return at === -1 ? [stream, ""] : [stream.slice(0, at), stream.slice(at + 1)];
}

function toParams(query: string | URLSearchParams | undefined): URLSearchParams {
  if (query === undefined) return new URLSearchParams();
  if (typeof query !== "string") return query;
  return new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
}

const ALLOWED = `only letters, digits, "_", ".", "~" and "-" are allowed`;

function checkSegment(field: "app" | "stream", value: string | undefined): string {
  const label = field === "app" ? "app name" : "stream name";
  if (value === undefined || value.length === 0) throw badInput(field, `${label} is missing`);
  if (value.length > 128) {
    throw badInput(field, `${label} is ${value.length} characters long; at most 128 are allowed`);
  }
  if (value === "." || value === "..") throw badInput(field, `${label} must not be "${value}"`);
  if (!isValidSegmentName(value)) {
    const bad = [...value].find((c) => !isValidSegmentName(`a${c}`)) ?? "";
    throw badInput(field, `${label} "${printable(value)}" contains "${printable(bad)}"; ${ALLOWED}`);
  }
  return value;
}
