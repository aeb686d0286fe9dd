import type { Database } from "../db/client";
import { badInput } from "../errors";
import { getOwnDomainGroup } from "./domain-groups";
import { assertSegmentName } from "./names";
import { signPushAuthKey } from "./push-auth";
import { requireAdmin, type Viewer } from "./viewer";

export interface PushUrl {
  /** server + "/" + streamKey: what ffmpeg publishes to. */
  url: string;
  /** OBS's "Server": rtmp://host[:port]/app */
  server: string;
  /** OBS's "Stream Key": the stream name with its auth_key. */
  streamKey: string;
  expiresAt: Date;
}

export const PUSH_URL_EXPIRY = { defaultSeconds: 86_400, minSeconds: 60, maxSeconds: 2_592_000 };

/** Where publishers reach the embedded ingest: the push domain itself, with the port unless it is RTMP's own. */
export function defaultPushUrlBase(rtmpPort: number | null): string {
  return rtmpPort === null || rtmpPort === 1935 ? "rtmp://{domain}" : `rtmp://{domain}:${rtmpPort}`;
}

/**
 * Builds the URL from a base (`rtmp://host[:port]`, `{domain}` standing for the push domain).
 * When the base's host is not the push domain, the domain travels as `vhost=`, which every
 * ingest reads before the host.
 */
export function formatPushUrl(base: string, address: { domain: string; app: string; stream: string }, authKey: string, expiresAt: Date): PushUrl {
  const root = base.replaceAll("{domain}", address.domain).replace(/\/+$/, "");
  const server = `${root}/${address.app}`;
  const query = new URLSearchParams({ auth_key: authKey });
  if (new URL(root).hostname !== address.domain) query.set("vhost", address.domain);
  const streamKey = `${address.stream}?${query.toString()}`;
  return { url: `${server}/${streamKey}`, server, streamKey, expiresAt };
}

/** A signed publish URL for one of the caller's streams, signed with the domain group's primary key. */
export async function createPushUrl(
  db: Database,
  viewer: Viewer | null,
  input: { domain: string; app: string; stream: string; expiresInSeconds?: number | null | undefined },
  context: { base: string; now: Date },
): Promise<PushUrl> {
  const v = requireAdmin(viewer);
  const app = assertSegmentName("app", input.app);
  const stream = assertSegmentName("stream", input.stream);
  const seconds = input.expiresInSeconds ?? PUSH_URL_EXPIRY.defaultSeconds;
  if (!Number.isInteger(seconds) || seconds < PUSH_URL_EXPIRY.minSeconds || seconds > PUSH_URL_EXPIRY.maxSeconds) {
    throw badInput(
      "expiresInSeconds",
      `expiresInSeconds must be from ${PUSH_URL_EXPIRY.minSeconds} to ${PUSH_URL_EXPIRY.maxSeconds} (30 days)`,
    );
  }
  const group = await getOwnDomainGroup(db, v, input.domain);
  const expiry = Math.floor(context.now.getTime() / 1000) + seconds;
  const authKey = signPushAuthKey({ app, stream }, group.pushAuthPrimaryKey, expiry);
  return formatPushUrl(context.base, { domain: group.pushDomain, app, stream }, authKey, new Date(expiry * 1000));
}
