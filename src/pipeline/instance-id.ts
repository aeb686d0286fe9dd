import { loadOrCreateDataDirFile } from "../data-dir-file";
import { generateInstanceId, INSTANCE_ID_RULE, isValidInstanceId } from "../domain/workers";

export const INSTANCE_ID_FILE = "instance-id";

/**
 * This instance's name, kept in the data directory so that the next start (after a crash too)
 * knows which LIVE rows were its own; processes starting at once agree on one id.
 */
export function loadOrCreateInstanceId(dataDir: string): Promise<string> {
  return loadOrCreateDataDirFile(dataDir, {
    name: INSTANCE_ID_FILE,
    create: generateInstanceId,
    parse: (id, file) => {
      if (!isValidInstanceId(id)) {
        throw new Error(`instance id file ${file} must hold ${INSTANCE_ID_RULE}; fix it, or delete it to get a new id (set INSTANCE_ID to choose one)`);
      }
      return id;
    },
  });
}
