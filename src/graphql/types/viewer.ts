import type { Viewer as ViewerRow } from "../../domain/viewer";
import { viewerAccount } from "../../domain/accounts";
import { builder } from "../builder";
import { Account } from "./account";
import { Role } from "./enums";

const Viewer = builder.objectRef<ViewerRow>("Viewer").implement({
  description: "The caller: the account its token belongs to and what the token may do",
  fields: (t) => ({
    role: t.expose("role", { type: Role }),
    operator: t.exposeBoolean("operator", { description: "May manage accounts and tokens" }),
    account: t.field({ type: Account, resolve: (_, __, ctx) => viewerAccount(ctx.db, ctx.viewer) }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    description: "Who the token is; UNAUTHENTICATED without a valid one",
    resolve: async (_, __, ctx) => {
      await viewerAccount(ctx.db, ctx.viewer);
      return ctx.viewer!;
    },
  }),
);
