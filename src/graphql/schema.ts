import { builder } from "./builder";
import "./types/account";
import "./types/domain-group";
import "./types/snapshot-template";
import "./types/snapshot-config";
import "./types/effective-template";
import "./types/snapshot";
import "./types/snapshot-stat";
import "./types/live-stream";
import "./types/push-url";
import "./types/viewer";
import "./types/snapshot-callback";
import "./types/callback-delivery";

export const schema = builder.toSchema();
