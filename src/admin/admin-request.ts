import { z } from "zod";

/** One request per connection, one line of JSON: nothing else gets through the admin socket. */
export const MAX_ADMIN_REQUEST_BYTES = 1024;

const adminRequestSchema = z.strictObject({
  command: z.literal("token.create"),
  account: z.string().min(1).max(63),
  role: z.enum(["ADMIN", "READER"]),
  operator: z.boolean(),
});

export type AdminRequest = z.infer<typeof adminRequestSchema>;

export type AdminResponse = { ok: true; token: string } | { ok: false; error: string };

/** The request in one line, or why it is not one. */
export function parseAdminRequest(line: string): AdminRequest | { error: string } {
  if (Buffer.byteLength(line) > MAX_ADMIN_REQUEST_BYTES) return { error: `request larger than ${MAX_ADMIN_REQUEST_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: "request is not JSON" };
  }
  const parsed = adminRequestSchema.safeParse(value);
  if (!parsed.success) {
    return { error: `invalid request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`).join("; ")}` };
  }
  return parsed.data;
}

export function parseAdminResponse(line: string): AdminResponse {
  const value = JSON.parse(line) as Partial<{ ok: boolean; token: string; error: string }>;
  if (value.ok === true && typeof value.token === "string") return { ok: true, token: value.token };
  if (value.ok === false && typeof value.error === "string") return { ok: false, error: value.error };
  throw new Error("the admin socket answered something that is not a livesnap admin response");
}
