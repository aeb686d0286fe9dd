/**
 * Administration without the API: `npm run cli -- token create --account NAME --role admin|reader [--operator]`.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { openDatabase } from "./db/client";
import { issueTokenForAccount } from "./domain/api-tokens";
import { LivesnapError } from "./errors";

const USAGE = "usage: npm run cli -- token create --account NAME --role admin|reader [--operator]";

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      account: { type: "string" },
      role: { type: "string" },
      operator: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== "token" || positionals[1] !== "create") {
    console.error(USAGE);
    return 2;
  }
  const role = values.role?.toUpperCase();
  if (!values.account || (role !== "ADMIN" && role !== "READER")) {
    console.error(`--account and --role admin|reader are required\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env);
  const handle = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await handle.migrate();
    const { token } = await issueTokenForAccount(handle.db, values.account, role, values.operator);
    console.log(token);
    return 0;
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof LivesnapError || error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
