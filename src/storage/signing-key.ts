import { randomBytes } from "node:crypto";
import { loadOrCreateDataDirFile } from "../data-dir-file";

export const SIGNING_KEY_FILE = "url-signing.key";

/**
 * The key that signs fs-driver URLs, kept in the data directory so URLs handed out before a
 * restart stay valid after it; processes starting at once on one directory agree on one key.
 */
export function loadOrCreateSigningKey(dataDir: string): Promise<Buffer> {
  return loadOrCreateDataDirFile(dataDir, {
    name: SIGNING_KEY_FILE,
    mode: 0o600,
    create: () => randomBytes(32).toString("hex"),
    parse: (hex, file) => {
      if (!/^[0-9a-f]{64,}$/.test(hex) || hex.length % 2 !== 0) {
        throw new Error(
          `URL signing key ${file} is not a hex key of at least 32 bytes; delete it to create a new one (URLs already handed out stop working)`,
        );
      }
      return Buffer.from(hex, "hex");
    },
  });
}
