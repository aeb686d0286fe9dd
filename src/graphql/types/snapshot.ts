import type { SnapshotRow } from "../../db/schema";
import { assertDomain, assertSegmentName } from "../../domain/names";
import { listSnapshots } from "../../domain/snapshots";
import { requireViewer } from "../../domain/viewer";
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
