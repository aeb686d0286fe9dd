import { eq } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import { domainGroupsTable } from "../../src/db/schema";
import type { Run } from "./api";
import { CreateDomainGroup } from "./operations";

/**
 * A domain group created through GraphQL and then opened to unsigned publishes (push_auth OFF),
 * as on a trusted network: for tests about what happens after a publish is let in.
 */
export async function createOpenDomainGroup(db: Database, run: Run, input: { pushDomain: string; playDomain: string }) {
  const result = await run(CreateDomainGroup, { input });
  const group = result.data?.createDomainGroup;
  if (!group) throw new Error(`createDomainGroup failed: ${JSON.stringify(result.errors)}`);
  await db.update(domainGroupsTable).set({ pushAuth: "OFF" }).where(eq(domainGroupsTable.id, group.id));
  return group;
}
