import type { DomainGroupRow } from "../../db/schema";
import {
  createDomainGroup,
  deleteDomainGroup,
  listDomainGroups,
  pushAuthKeysFor,
  rotatePushAuthKey,
  updateDomainGroup,
} from "../../domain/domain-groups";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";
import { PushAuthMode } from "./enums";

const PushAuthKeys = builder.objectRef<{ primary: string; backup: string }>("PushAuthKeys").implement({
  description: "The keys publish URLs are signed with; a URL signed with either one is accepted",
  fields: (t) => ({
    primary: t.exposeString("primary", { description: "What pushUrl signs with" }),
    backup: t.exposeString("backup", { description: "The previous primary, until the next rotation" }),
  }),
});

export const DomainGroup = builder.objectRef<DomainGroupRow>("DomainGroup").implement({
  description: "A push domain, its play domain and the SourceID that prefixes its object keys",
  fields: (t) => ({
    id: t.exposeID("id"),
    pushDomain: t.exposeString("pushDomain"),
    playDomain: t.exposeString("playDomain"),
    sourceId: t.exposeString("sourceId", { description: "Random, unique, generated at creation; never changes" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    pushAuth: t.expose("pushAuth", { type: PushAuthMode }),
    pushAuthKeys: t.field({
      type: PushAuthKeys,
      nullable: true,
      description: "Only for an ADMIN of the owning account; null otherwise",
      resolve: (group, _, ctx) => pushAuthKeysFor(ctx.viewer, group),
    }),
  }),
});

const DomainGroupConnection = connectionType("DomainGroup", DomainGroup);

const CreateDomainGroupInput = builder.inputType("CreateDomainGroupInput", {
  fields: (t) => ({
    pushDomain: t.string({ required: true }),
    playDomain: t.string({ required: true }),
  }),
});

const UpdateDomainGroupInput = builder.inputType("UpdateDomainGroupInput", {
  description: "Fields left out keep their value; a change applies to publishes from now on",
  fields: (t) => ({
    playDomain: t.string(),
    pushAuth: t.field({ type: PushAuthMode }),
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
  updateDomainGroup: t.field({
    type: DomainGroup,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateDomainGroupInput, required: true }) },
    resolve: (_, { id, input }, ctx) => updateDomainGroup(ctx.db, ctx.viewer, id, input),
  }),
  rotatePushAuthKey: t.field({
    type: DomainGroup,
    description: "The primary key becomes the backup and a new primary is generated: URLs signed with the old backup stop working",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => rotatePushAuthKey(ctx.db, ctx.viewer, args.id),
  }),
  deleteDomainGroup: t.id({
    description: "CONFLICT while snapshot configs use the domain",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => deleteDomainGroup(ctx.db, ctx.viewer, args.id),
  }),
}));
