import { MAX_STATS_SPAN_DAYS, snapshotStats, STATS_BUCKETS, type SnapshotStat as SnapshotStatShape } from "../../domain/snapshot-stats";
import { builder } from "../builder";

export const StatsBucket = builder.enumType("StatsBucket", {
  values: {
    HOUR: { description: `one UTC hour; a series spans at most ${MAX_STATS_SPAN_DAYS.HOUR} days` },
    DAY: { description: `one UTC day; a series spans at most ${MAX_STATS_SPAN_DAYS.DAY} days` },
  },
});
// The domain's list and the GraphQL enum must name the same buckets.
STATS_BUCKETS satisfies readonly (typeof StatsBucket.$inferType)[];

export const SnapshotStat = builder.objectRef<SnapshotStatShape>("SnapshotStat").implement({
  description: "Snapshots stored in one bucket of time",
  fields: (t) => ({
    start: t.expose("start", { type: "DateTime", description: "The bucket's first instant (a UTC hour or day boundary)" }),
    count: t.exposeInt("count"),
    bytes: t.exposeFloat("bytes", { description: "Sum of the images' sizes" }),
  }),
});

builder.queryFields((t) => ({
  snapshotStats: t.field({
    type: [SnapshotStat],
    description:
      "Count and bytes of snapshots per UTC hour or day captured in [from, to), oldest first; buckets without snapshots are left out",
    args: {
      domain: t.arg.string({ required: true }),
      app: t.arg.string(),
      stream: t.arg.string({ description: "needs app" }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true, description: "exclusive" }),
      bucket: t.arg({ type: StatsBucket, required: true }),
    },
    resolve: (_, args, ctx) => snapshotStats(ctx.db, ctx.viewer, args),
  }),
}));
