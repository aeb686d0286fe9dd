import type { LiveStreamRow } from "../../db/schema";
import { listLiveStreams } from "../../domain/live-streams";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";
import { LiveStreamStatus } from "./enums";
import { Snapshot } from "./snapshot";
import { SnapshotTemplate, fromFrozen } from "./snapshot-template";

const LiveStream = builder.objectRef<LiveStreamRow>("LiveStream").implement({
  description: "One publish of one stream",
  fields: (t) => ({
    id: t.exposeID("id"),
    domain: t.exposeString("domain"),
    appName: t.exposeString("appName"),
    streamName: t.exposeString("streamName"),
    sourceId: t.exposeString("sourceId", { nullable: true }),
    status: t.expose("status", { type: LiveStreamStatus }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
    template: t.field({
      type: SnapshotTemplate,
      nullable: true,
      description: "The template as it was at publish time; null when none applied (not captured)",
      resolve: (s) => (s.template ? fromFrozen(s.template) : null),
    }),
    lastSnapshot: t.field({
      type: Snapshot,
      nullable: true,
      resolve: (s, _, ctx) => ctx.loaders.latestSnapshot.load(s.id),
    }),
  }),
});

const LiveStreamConnection = connectionType("LiveStream", LiveStream);

builder.queryFields((t) => ({
  liveStreams: t.field({
    type: LiveStreamConnection,
    description: "Newest publish first",
    args: {
      domain: t.arg.string(),
      status: t.arg({ type: LiveStreamStatus }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_, args, ctx) => toConnection(await listLiveStreams(ctx.db, ctx.viewer, args)),
  }),
}));
