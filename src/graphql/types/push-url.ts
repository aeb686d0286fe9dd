import { createPushUrl, PUSH_URL_EXPIRY, type PushUrl as PushUrlShape } from "../../domain/push-urls";
import { builder } from "../builder";

const PushUrl = builder.objectRef<PushUrlShape>("PushUrl").implement({
  description: "A signed publish URL: ffmpeg publishes to url; OBS takes server and streamKey",
  fields: (t) => ({
    url: t.exposeString("url", { description: 'server + "/" + streamKey' }),
    server: t.exposeString("server", { description: "rtmp://host[:port]/app" }),
    streamKey: t.exposeString("streamKey", { description: "The stream name with its auth_key" }),
    expiresAt: t.expose("expiresAt", {
      type: "DateTime",
      description: "A publish must start before this; a stream already live is not cut off",
    }),
  }),
});

const { defaultSeconds, minSeconds, maxSeconds } = PUSH_URL_EXPIRY;

builder.queryFields((t) => ({
  pushUrl: t.field({
    type: PushUrl,
    description: "A publish URL for one of your streams, signed with the domain group's primary key (ADMIN)",
    args: {
      domain: t.arg.string({ required: true }),
      app: t.arg.string({ required: true }),
      stream: t.arg.string({ required: true }),
      expiresInSeconds: t.arg.int({ description: `${minSeconds}..${maxSeconds} (30 days); default ${defaultSeconds} (one day)` }),
    },
    resolve: (_, args, ctx) => createPushUrl(ctx.db, ctx.viewer, args, { base: ctx.services.pushUrlBase(), now: new Date() }),
  }),
}));
