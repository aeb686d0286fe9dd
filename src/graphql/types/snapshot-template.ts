import type { SnapshotTemplateRow } from "../../db/schema";
import type { FrozenTemplate } from "../../db/schema/live-streams";
import {
  createSnapshotTemplate,
  deleteSnapshotTemplate,
  getSnapshotTemplate,
  listSnapshotTemplates,
  updateSnapshotTemplate,
} from "../../domain/snapshot-templates";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";
import { FillMode, SnapshotFormat, StorageMode } from "./enums";

/** A template as stored, or as frozen into a live stream at its publish. */
export type TemplateShape = Omit<SnapshotTemplateRow, "accountId">;

export function fromFrozen(frozen: FrozenTemplate): TemplateShape {
  return { retentionDays: null, ...frozen, createdAt: new Date(frozen.createdAt), updatedAt: new Date(frozen.updatedAt) };
}

export const SnapshotTemplate = builder.objectRef<TemplateShape>("SnapshotTemplate").implement({
  description: "How to snapshot: format, interval, size, fill and storage mode",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    format: t.expose("format", { type: SnapshotFormat }),
    intervalSeconds: t.exposeInt("intervalSeconds"),
    width: t.exposeInt("width", { nullable: true, description: "null: follows the aspect ratio, or the source size" }),
    height: t.exposeInt("height", { nullable: true, description: "null: follows the aspect ratio, or the source size" }),
    fillMode: t.expose("fillMode", { type: FillMode }),
    storageMode: t.expose("storageMode", { type: StorageMode }),
    bucket: t.exposeString("bucket", { nullable: true, description: "null: the configured default bucket" }),
    retentionDays: t.exposeInt("retentionDays", {
      nullable: true,
      description: "Days each image is kept (a change applies to the images already taken too); null: kept until deleted",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const SnapshotTemplateConnection = connectionType("SnapshotTemplate", SnapshotTemplate);

const CreateSnapshotTemplateInput = builder.inputType("CreateSnapshotTemplateInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "letters, digits, '_', '-'; at most 50; not starting or ending with '-'" }),
    format: t.field({ type: SnapshotFormat, required: true }),
    intervalSeconds: t.int({ required: true, description: "5..3600" }),
    width: t.int({ description: "8..8192" }),
    height: t.int({ description: "8..8192" }),
    fillMode: t.field({ type: FillMode, description: "default STRETCH" }),
    storageMode: t.field({ type: StorageMode, required: true }),
    bucket: t.string(),
    retentionDays: t.int({ description: "1..3650; left out or null: kept until deleted" }),
  }),
});

const UpdateSnapshotTemplateInput = builder.inputType("UpdateSnapshotTemplateInput", {
  description: "Fields left out keep their value; width, height, bucket and retentionDays may be set to null",
  fields: (t) => ({
    name: t.string(),
    format: t.field({ type: SnapshotFormat }),
    intervalSeconds: t.int(),
    width: t.int(),
    height: t.int(),
    fillMode: t.field({ type: FillMode }),
    storageMode: t.field({ type: StorageMode }),
    bucket: t.string(),
    retentionDays: t.int({ description: "1..3650; null: kept until deleted" }),
  }),
});

builder.queryFields((t) => ({
  snapshotTemplate: t.field({
    type: SnapshotTemplate,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => getSnapshotTemplate(ctx.db, ctx.viewer, args.id),
  }),
  snapshotTemplates: t.field({
    type: SnapshotTemplateConnection,
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_, args, ctx) => toConnection(await listSnapshotTemplates(ctx.db, ctx.viewer, args)),
  }),
}));

builder.mutationFields((t) => ({
  createSnapshotTemplate: t.field({
    type: SnapshotTemplate,
    args: { input: t.arg({ type: CreateSnapshotTemplateInput, required: true }) },
    resolve: (_, { input }, ctx) =>
      createSnapshotTemplate(ctx.db, ctx.viewer, input, { allowedBuckets: ctx.services.allowedBuckets }),
  }),
  updateSnapshotTemplate: t.field({
    type: SnapshotTemplate,
    description: "Streams already live keep the settings they were published with",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSnapshotTemplateInput, required: true }) },
    resolve: (_, { id, input }, ctx) =>
      updateSnapshotTemplate(ctx.db, ctx.viewer, id, input, { allowedBuckets: ctx.services.allowedBuckets }),
  }),
  deleteSnapshotTemplate: t.id({
    description: "CONFLICT while a snapshot config uses the template",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => deleteSnapshotTemplate(ctx.db, ctx.viewer, args.id),
  }),
}));
