import type { SnapshotRow } from "../../db/schema";
import { assertDomain, assertSegmentName } from "../../domain/names";
import { deleteSnapshots, deleteSnapshotsOf, MAX_DELETE_IDS, MAX_DELETE_OF_STREAM } from "../../domain/snapshot-deletion";
import { getSnapshot, listSnapshots } from "../../domain/snapshots";
import { conflict } from "../../errors";
import { requireAdmin, requireViewer } from "../../domain/viewer";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";
import { SnapshotFormat } from "./enums";

export const Snapshot = builder.objectRef<SnapshotRow>("Snapshot").implement({
  description: "One stored image",
  fields: (t) => ({
    id: t.exposeID("id"),
    domain: t.exposeString("domain"),
    appName: t.exposeString("appName"),
    streamName: t.exposeString("streamName"),
    sourceId: t.exposeString("sourceId"),
    key: t.exposeString("key"),
    bucket: t.exposeString("bucket"),
    format: t.expose("format", { type: SnapshotFormat }),
    width: t.exposeInt("width"),
    height: t.exposeInt("height"),
    bytes: t.exposeInt("bytes"),
    capturedAt: t.expose("capturedAt", { type: "DateTime" }),
    url: t.string({
      description: "Signed GET URL of the image, valid until urlExpiresAt",
      resolve: async (s, _, ctx) => (await ctx.loaders.signedUrl.load(s)).url,
    }),
    urlExpiresAt: t.field({
      type: "DateTime",
      resolve: async (s, _, ctx) => (await ctx.loaders.signedUrl.load(s)).expiresAt,
    }),
  }),
});

const SnapshotConnection = connectionType("Snapshot", Snapshot);

builder.queryFields((t) => ({
  snapshot: t.field({
    type: Snapshot,
    nullable: true,
    description: "One of the caller's snapshots, with a freshly signed URL; null when there is none with this id",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => getSnapshot(ctx.db, ctx.viewer, args.id),
  }),
  snapshots: t.field({
    type: SnapshotConnection,
    description: "Newest first",
    args: {
      domain: t.arg.string({ required: true }),
      app: t.arg.string(),
      stream: t.arg.string(),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_, args, ctx) => toConnection(await listSnapshots(ctx.db, ctx.viewer, args)),
  }),
}));

builder.mutationFields((t) => ({
  captureSnapshot: t.field({
    type: Snapshot,
    description:
      "ADMIN. Takes a snapshot of one of the caller's LIVE streams now, from its newest keyframe, with the stream's template (format, size, fill); stored under the template's key (SEQUENCE: a new object; COVERAGE: the one object overwritten), recorded, announced on snapshotCreated and to callbacks like any other",
    args: {
      domain: t.arg.string({ required: true }),
      app: t.arg.string({ required: true }),
      stream: t.arg.string({ required: true }),
    },
    resolve: (_, args, ctx) => {
      const capture = ctx.services.captureSnapshot;
      if (capture === undefined) {
        // An API without capture (tests of the schema alone) still checks its caller and names.
        requireAdmin(ctx.viewer);
        throw conflict("this instance does not capture streams", "stream");
      }
      return capture(ctx.viewer, args);
    },
  }),
  deleteSnapshots: t.idList({
    description: `Deletes these snapshots (image and record; at most ${MAX_DELETE_IDS} ids) and returns the ids deleted; ids of no snapshot of the caller's are left out`,
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_, args, ctx) => deleteSnapshots(ctx.db, ctx.viewer, args.ids, ctx.services.deleteSnapshotObject),
  }),
  deleteSnapshotsOf: t.int({
    description: `Deletes a stream's snapshots captured before \`before\`, oldest first, at most ${MAX_DELETE_OF_STREAM} per call, and returns how many; call again while it returns ${MAX_DELETE_OF_STREAM}`,
    args: {
      domain: t.arg.string({ required: true }),
      app: t.arg.string({ required: true }),
      stream: t.arg.string({ required: true }),
      before: t.arg({ type: "DateTime", required: true }),
    },
    resolve: (_, args, ctx) => deleteSnapshotsOf(ctx.db, ctx.viewer, args, ctx.services.deleteSnapshotObject),
  }),
}));

builder.subscriptionFields((t) => ({
  snapshotCreated: t.field({
    type: Snapshot,
    description: "Each snapshot of the caller's account the moment it is stored; every filter is optional",
    args: { domain: t.arg.string(), app: t.arg.string(), stream: t.arg.string() },
    subscribe: (_, args, ctx) => {
      const viewer = requireViewer(ctx.viewer);
      return ctx.services.bus.subscribeSnapshotCreated({
        accountId: viewer.accountId,
        tokenId: viewer.tokenId,
        domain: args.domain != null ? assertDomain("domain", args.domain) : null,
        app: args.app != null ? assertSegmentName("app", args.app) : null,
        stream: args.stream != null ? assertSegmentName("stream", args.stream) : null,
      });
    },
    resolve: (snapshot) => snapshot,
  }),
}));
