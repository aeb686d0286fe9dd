import type { Database } from "../db/client";
import type { PublishDecision } from "../ingest/types";
import { findDomainGroupByPushDomain } from "./domain-groups";
import { verifyPushAuth } from "./push-auth";

export interface PublishRequest {
  domain: string;
  app: string;
  stream: string;
  /** The publish URL's query arguments, auth_key among them. */
  query: URLSearchParams;
}

/**
 * Whether a publish may start: its push domain must belong to an account (nobody else could
 * see what is captured), and with push auth REQUIRED its auth_key must be signed for this
 * stream with the domain group's primary or backup key and not have expired.
 */
export async function authorizePublish(db: Database, publish: PublishRequest, now: Date): Promise<PublishDecision> {
  const group = await findDomainGroupByPushDomain(db, publish.domain);
  if (!group) return { accepted: false, reason: "unknown_domain", message: `no account owns the push domain ${publish.domain}` };
  if (group.pushAuth === "OFF") return { accepted: true };
  const verdict = verifyPushAuth(publish, publish.query, [group.pushAuthPrimaryKey, group.pushAuthBackupKey], now);
  return verdict.ok ? { accepted: true } : { accepted: false, reason: verdict.reason, message: verdict.message };
}
