import { randomBytes } from "node:crypto";

/**
 * A livesnap instance's stable name (INSTANCE_ID, or the one kept in DATA_DIR): letters, digits,
 * `.`, `_`, `-`, 1..64, starting with a letter or digit. No `/`, which ends it in a worker id.
 */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const INSTANCE_ID_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

export function isValidInstanceId(value: string): boolean {
  return INSTANCE_ID_PATTERN.test(value);
}

/** A fresh instance id: random, so two machines never pick the same one. */
export function generateInstanceId(): string {
  return randomBytes(6).toString("hex");
}

/** Who holds LIVE rows: one run (process) of one instance, as `<instance>/<run>`. */
export interface StreamOwner {
  instanceId: string;
  workerId: string;
}

/** The owner for a new run of the instance; each start gets a run id of its own. */
export function newRunOwner(instanceId: string, runId = randomBytes(4).toString("hex")): StreamOwner {
  if (!isValidInstanceId(instanceId)) throw new Error(`instance id ${JSON.stringify(instanceId)} must be ${INSTANCE_ID_RULE}`);
  return { instanceId, workerId: `${instanceId}/${runId}` };
}

/** The prefix every worker id of this instance starts with, whichever run it was. */
export function instancePrefix(instanceId: string): string {
  return `${instanceId}/`;
}
