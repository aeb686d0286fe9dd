import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { liveStreamsTable, type LiveStreamRow } from "../db/schema";
import { keysetAfter, keysetOrder } from "./keyset";
import { assertDomain } from "./names";
import { fetchPage, type Page, type PageArgs } from "./pagination";
import { requireViewer, type Viewer } from "./viewer";

/** Newest publish first. */
export async function listLiveStreams(
  db: Database,
  viewer: Viewer | null,
  args: PageArgs & { domain?: string | null | undefined; status?: "LIVE" | "ENDED" | null | undefined },
): Promise<Page<LiveStreamRow>> {
  const v = requireViewer(viewer);
  const domain = args.domain != null ? assertDomain("domain", args.domain) : undefined;
  const l = liveStreamsTable;
  return fetchPage(
    args,
    (after, limit) =>
      db
        .select()
        .from(l)
        .where(
          and(
            eq(l.accountId, v.accountId),
            domain ? eq(l.domain, domain) : undefined,
            args.status ? eq(l.status, args.status) : undefined,
            keysetAfter(l.startedAt, l.id, after, "desc"),
          ),
        )
        .orderBy(...keysetOrder(l.startedAt, l.id, "desc"))
        .limit(limit),
    (r) => ({ at: r.startedAt, id: r.id }),
  );
}
