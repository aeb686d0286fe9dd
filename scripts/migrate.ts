/** Applies the committed migrations to DATABASE_URL, or to the embedded database in DATA_DIR. */
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";

const config = loadConfig(process.env);
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
await handle.migrate();
await handle.close();
console.log(`migrations applied (${handle.driver})`);
