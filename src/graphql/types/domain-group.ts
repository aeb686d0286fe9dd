import type { DomainGroupRow } from "../../db/schema";
import { createDomainGroup, deleteDomainGroup, listDomainGroups } from "../../domain/domain-groups";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";

export const DomainGroup = builder.objectRef<DomainGroupRow>("DomainGroup").implement({
  description: "A push domain, its play domain and the SourceID that prefixes its object keys",
  fields: (t) => ({
    id: t.exposeID("id"),
    pushDomain: t.exposeString("pushDomain"),
    playDomain: t.exposeString("playDomain"),
    sourceId: t.exposeString("sourceId", { description: "Random, unique, generated at creation; never changes" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const DomainGroupConnection = connectionType("DomainGroup", DomainGroup);

const CreateDomainGroupInput = builder.inputType("CreateDomainGroupInput", {
  fields: (t) => ({
    pushDomain: t.string({ required: true }),
    playDomain: t.string({ required: true }),
  }),
});

builder.queryFields((t) => ({
  domainGroups: t.field({
    type: DomainGroupConnection,
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_, args, ctx) => toConnection(await listDomainGroups(ctx.db, ctx.viewer, args)),
  }),
}));

builder.mutationFields((t) => ({
  createDomainGroup: t.field({
    type: DomainGroup,
    args: { input: t.arg({ type: CreateDomainGroupInput, required: true }) },
    resolve: (_, { input }, ctx) => createDomainGroup(ctx.db, ctx.viewer, input),
  }),
  deleteDomainGroup: t.id({
    description: "CONFLICT while snapshot configs use the domain",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => deleteDomainGroup(ctx.db, ctx.viewer, args.id),
  }),
}));
