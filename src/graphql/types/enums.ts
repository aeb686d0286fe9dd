import { builder } from "../builder";

export const Role = builder.enumType("Role", {
  values: { ADMIN: { description: "read and write the account's objects" }, READER: { description: "read only" } },
});
export const SnapshotFormat = builder.enumType("SnapshotFormat", { values: ["JPG", "PNG"] as const });
export const FillMode = builder.enumType("FillMode", {
  description: "How a snapshot fills the template's size when its aspect ratio differs from the source",
  values: {
    STRETCH: { description: "scale to exactly width x height, distorting" },
    PAD_BLACK: { description: "fit inside, pad with black" },
    PAD_WHITE: { description: "fit inside, pad with white" },
    BLUR: { description: "fit inside, over a blurred copy of the frame" },
  },
});
export const StorageMode = builder.enumType("StorageMode", {
  values: {
    COVERAGE: { description: "one object per stream, overwritten by each snapshot" },
    SEQUENCE: { description: "one object per snapshot" },
  },
});
export const BindingLevel = builder.enumType("BindingLevel", { values: ["DOMAIN", "APP", "STREAM"] as const });
export const LiveStreamStatus = builder.enumType("LiveStreamStatus", { values: ["LIVE", "ENDED"] as const });
export const PushAuthMode = builder.enumType("PushAuthMode", {
  values: {
    REQUIRED: { description: "a publish needs a valid auth_key (see Query.pushUrl); the default for new groups" },
    OFF: { description: "any publish to the domain is accepted, for trusted networks" },
  },
});
