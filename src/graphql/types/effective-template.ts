import { resolveEffectiveTemplate, type EffectiveTemplate as EffectiveTemplateShape } from "../../domain/effective-template";
import { builder } from "../builder";
import { BindingLevel } from "./enums";
import { SnapshotConfig } from "./snapshot-config";
import { SnapshotTemplate } from "./snapshot-template";

const EffectiveTemplate = builder.objectRef<EffectiveTemplateShape>("EffectiveTemplate").implement({
  description: "The template a publish would be captured with, and the binding that chose it",
  fields: (t) => ({
    template: t.field({ type: SnapshotTemplate, resolve: (e) => e.template }),
    config: t.field({ type: SnapshotConfig, resolve: (e) => e }),
    level: t.field({ type: BindingLevel, resolve: (e) => e.level }),
  }),
});

builder.queryFields((t) => ({
  effectiveTemplate: t.field({
    type: EffectiveTemplate,
    nullable: true,
    description: "STREAM binding, else APP, else DOMAIN; null when none applies",
    args: {
      domain: t.arg.string({ required: true }),
      app: t.arg.string({ required: true }),
      stream: t.arg.string({ required: true }),
    },
    resolve: (_, args, ctx) => resolveEffectiveTemplate(ctx.db, ctx.viewer, args),
  }),
}));
