import type { CallbackDeliveryRow } from "../../db/schema";
import { listCallbackDeliveries, redeliverCallbackDelivery } from "../../domain/callback-deliveries";
import { builder } from "../builder";
import { connectionType, toConnection } from "./connection";

export const CallbackDeliveryStatus = builder.enumType("CallbackDeliveryStatus", {
  values: {
    PENDING: { description: "due at nextAttemptAt" },
    DELIVERED: { description: "a 2xx answer came" },
    DEAD: { description: "retries ran out (24 h after the first attempt); redeliverSnapshotCallback sends it again" },
  },
});

export const CallbackDelivery = builder.objectRef<CallbackDeliveryRow>("CallbackDelivery").implement({
  description: "One snapshot's POST to one callback, with what its attempts got",
  fields: (t) => ({
    id: t.exposeID("id"),
    webhookId: t.exposeString("webhookId", { description: "The webhook-id header: the same on every attempt" }),
    snapshotId: t.exposeID("snapshotId"),
    status: t.expose("status", { type: CallbackDeliveryStatus }),
    attempts: t.exposeInt("attempts"),
    lastStatusCode: t.exposeInt("lastStatusCode", { nullable: true, description: "null: no HTTP answer (refused, timed out, unreachable)" }),
    lastError: t.exposeString("lastError", { nullable: true }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "null unless PENDING",
      resolve: (d) => (d.status === "PENDING" ? d.nextAttemptAt : null),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
  }),
});

const CallbackDeliveryConnection = connectionType("CallbackDelivery", CallbackDelivery);

builder.queryFields((t) => ({
  snapshotCallbackDeliveries: t.field({
    type: CallbackDeliveryConnection,
    description: "Newest first",
    args: {
      callbackId: t.arg.id({ required: true }),
      status: t.arg({ type: CallbackDeliveryStatus }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_, args, ctx) => toConnection(await listCallbackDeliveries(ctx.db, ctx.viewer, args)),
  }),
}));

builder.mutationFields((t) => ({
  redeliverSnapshotCallback: t.field({
    type: CallbackDelivery,
    description: "Back to PENDING, due now, with a fresh day of retries; also a DEAD or DELIVERED one",
    args: { deliveryId: t.arg.id({ required: true }) },
    resolve: async (_, args, ctx) => {
      const row = await redeliverCallbackDelivery(ctx.db, ctx.viewer, args.deliveryId);
      ctx.services.wakeCallbackDeliveries?.();
      return row;
    },
  }),
}));
