import {
  createSnapshotConfig,
  deleteSnapshotConfig,
  listSnapshotConfigs,
  scopeName,
  type SnapshotConfigView,
} from "../../domain/snapshot-configs";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";
import { BindingLevel } from "./enums";
import { SnapshotTemplate } from "./snapshot-template";

export const SnapshotConfig = builder.objectRef<SnapshotConfigView>("SnapshotConfig").implement({
  description: "A binding of a template to a domain, an app or one stream",
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.config.id }),
    domain: t.string({ resolve: (v) => v.domainGroup.pushDomain }),
    appName: t.string({ nullable: true, description: "null: ALL apps", resolve: (v) => scopeName(v.config.appName) }),
    streamName: t.string({ nullable: true, description: "null: ALL streams", resolve: (v) => scopeName(v.config.streamName) }),
    level: t.field({ type: BindingLevel, resolve: (v) => v.config.level }),
    template: t.field({ type: SnapshotTemplate, resolve: (v) => v.template }),
    createdAt: t.field({ type: "DateTime", resolve: (v) => v.config.createdAt }),
  }),
});

const SnapshotConfigConnection = connectionType("SnapshotConfig", SnapshotConfig);

const CreateSnapshotConfigInput = builder.inputType("CreateSnapshotConfigInput", {
  description: "Leave out streamName for an APP binding, and appName too for a DOMAIN binding",
  fields: (t) => ({
    domain: t.string({ required: true }),
    appName: t.string(),
    streamName: t.string(),
    templateId: t.id({ required: true }),
  }),
});

builder.queryFields((t) => ({
  snapshotConfigs: t.field({
    type: SnapshotConfigConnection,
    args: { domain: t.arg.string(), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_, args, ctx) => toConnection(await listSnapshotConfigs(ctx.db, ctx.viewer, args)),
  }),
}));

builder.mutationFields((t) => ({
  createSnapshotConfig: t.field({
    type: SnapshotConfig,
    description: "Applies to streams published after it; one binding per scope",
    args: { input: t.arg({ type: CreateSnapshotConfigInput, required: true }) },
    resolve: (_, { input }, ctx) => createSnapshotConfig(ctx.db, ctx.viewer, input),
  }),
  deleteSnapshotConfig: t.id({
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => deleteSnapshotConfig(ctx.db, ctx.viewer, args.id),
  }),
}));
