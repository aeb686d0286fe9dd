import {
  createSnapshotCallback,
  deleteSnapshotCallback,
  listSnapshotCallbacks,
  signingSecretFor,
  updateSnapshotCallback,
  type SnapshotCallbackView,
} from "../../domain/snapshot-callbacks";
import type { GraphQLContext } from "../context";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";

export const CallbackFormat = builder.enumType("CallbackFormat", {
  values: {
    STANDARD: { description: "Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers; { type, timestamp, data }" },
    JDCLOUD: { description: "JD Cloud's snapshot callback body: { version, publishDomain, appName, streamName, snapshotTime, downloadUrl, status }" },
  },
});

export const SnapshotCallback = builder.objectRef<SnapshotCallbackView>("SnapshotCallback").implement({
  description: "An HTTP endpoint that receives a POST for every snapshot of a push domain",
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.callback.id }),
    domain: t.string({ resolve: (v) => v.domain }),
    url: t.string({ resolve: (v) => v.callback.url }),
    format: t.field({ type: CallbackFormat, resolve: (v) => v.callback.format }),
    signingSecret: t.string({
      nullable: true,
      description: "whsec_<base64>: what receivers verify webhook-signature with. Only for an ADMIN; null otherwise",
      resolve: (v, _, ctx) => signingSecretFor(ctx.viewer, v.callback),
    }),
    createdAt: t.field({ type: "DateTime", resolve: (v) => v.callback.createdAt }),
  }),
});

const SnapshotCallbackConnection = connectionType("SnapshotCallback", SnapshotCallback);

const CreateSnapshotCallbackInput = builder.inputType("CreateSnapshotCallbackInput", {
  fields: (t) => ({
    domain: t.string({ required: true, description: "The push domain whose snapshots are posted" }),
    url: t.string({ required: true, description: "http(s), at most 2048 characters, on a public address" }),
    format: t.field({ type: CallbackFormat, required: true }),
    secret: t.string({ description: "whsec_<base64 of 24..64 bytes>; left out: generated" }),
  }),
});

const UpdateSnapshotCallbackInput = builder.inputType("UpdateSnapshotCallbackInput", {
  description: "Fields left out keep their value; pending deliveries go out with the new settings",
  fields: (t) => ({
    url: t.string(),
    format: t.field({ type: CallbackFormat }),
    secret: t.string({ description: "whsec_<base64 of 24..64 bytes>" }),
  }),
});

const urlPolicy = (ctx: GraphQLContext) => ctx.services.callbackUrlPolicy ?? { allowPrivate: false };

builder.queryFields((t) => ({
  snapshotCallbacks: t.field({
    type: SnapshotCallbackConnection,
    args: { domain: t.arg.string(), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_, args, ctx) => toConnection(await listSnapshotCallbacks(ctx.db, ctx.viewer, args)),
  }),
}));

builder.mutationFields((t) => ({
  createSnapshotCallback: t.field({
    type: SnapshotCallback,
    description: "At most 10 per push domain; applies to snapshots recorded from now on",
    args: { input: t.arg({ type: CreateSnapshotCallbackInput, required: true }) },
    resolve: (_, { input }, ctx) => createSnapshotCallback(ctx.db, ctx.viewer, input, urlPolicy(ctx)),
  }),
  updateSnapshotCallback: t.field({
    type: SnapshotCallback,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSnapshotCallbackInput, required: true }) },
    resolve: (_, { id, input }, ctx) => updateSnapshotCallback(ctx.db, ctx.viewer, id, input, urlPolicy(ctx)),
  }),
  deleteSnapshotCallback: t.id({
    description: "Its deliveries, pending ones included, are deleted with it",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => deleteSnapshotCallback(ctx.db, ctx.viewer, args.id),
  }),
}));
