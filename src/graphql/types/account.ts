import type { AccountRow, ApiTokenRow } from "../../db/schema";
import { createAccount } from "../../domain/accounts";
import { createApiToken, revokeApiToken } from "../../domain/api-tokens";
import { builder } from "../builder";
import { Role } from "./enums";

export const Account = builder.objectRef<AccountRow>("Account").implement({
  description: "A tenant: everything else belongs to exactly one account",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const ApiToken = builder.objectRef<ApiTokenRow>("ApiToken").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    accountId: t.exposeID("accountId"),
    role: t.expose("role", { type: Role }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

const CreatedApiToken = builder.objectRef<{ token: string; apiToken: ApiTokenRow }>("CreatedApiToken").implement({
  fields: (t) => ({
    token: t.exposeString("token", { description: "The bearer secret. Shown only here, once; only its hash is kept." }),
    apiToken: t.field({ type: ApiToken, resolve: (c) => c.apiToken }),
  }),
});

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: Account,
    description: "OPERATOR only",
    args: { name: t.arg.string({ required: true }) },
    resolve: (_, args, ctx) => createAccount(ctx.db, ctx.viewer, args.name),
  }),
  createApiToken: t.field({
    type: CreatedApiToken,
    description: "OPERATOR only",
    args: { accountId: t.arg.id({ required: true }), role: t.arg({ type: Role, required: true }) },
    resolve: (_, args, ctx) => createApiToken(ctx.db, ctx.viewer, args),
  }),
  revokeApiToken: t.id({
    description: "OPERATOR only. The token stops working at once.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, args, ctx) => {
      const id = await revokeApiToken(ctx.db, ctx.viewer, args.id);
      // Open subscriptions of the token end too, not only its next request.
      await ctx.services.bus.publishTokenRevoked(id);
      return id;
    },
  }),
}));
