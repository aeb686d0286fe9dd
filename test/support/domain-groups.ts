import { eq } from "drizzle-orm";
import type { App } from "../../src/app";
import { domainGroupsTable } from "../../src/db/schema";
import type { Run } from "./api";
import { CreateDomainGroup } from "./operations";

/**
 * A domain group created through GraphQL whose publishes need no auth_key, as on a trusted
 * network: push_auth is set to OFF in the database, so tests can push with plain URLs.
 */
export async function createOpenDomainGroup(
  app: App,
  run: Run,
  input: { pushDomain: string; playDomain: string },
): Promise<{ id: string; sourceId: string }> {
  const result = await run(CreateDomainGroup, { input });
  const group = result.data?.createDomainGroup;
  if (!group) throw new Error(`createDomainGroup failed: ${JSON.stringify(result.errors)}`);
  await app.database.db.update(domainGroupsTable).set({ pushAuth: "OFF" }).where(eq(domainGroupsTable.id, group.id));
  return group;
}
