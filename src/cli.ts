/**
 * Administration without the API: `npm run cli -- token create --account NAME --role admin|reader [--operator]`.
 * While livesnap runs on its embedded database the command goes through the server's admin
 * socket (the database has room for one process); otherwise it runs on the database itself.
 */
import { parseArgs } from "node:util";
import { sendAdminRequest, AdminSocketUnavailable } from "./admin/admin-client";
import { runAdminCommand } from "./admin/admin-commands";
import type { AdminRequest, AdminResponse } from "./admin/admin-request";
import { adminSocketPath, socketPathFits } from "./admin/admin-socket";
import { loadConfig, type Config } from "./config";
import { openDatabase } from "./db/client";
import { DataDirInUseError } from "./db/data-dir-lock";
import { assertAccountName } from "./domain/accounts";
import { LivesnapError } from "./errors";

const USAGE = "usage: npm run cli -- token create --account NAME --role admin|reader [--operator]";
/** How long a server that holds the data directory may take to open its admin socket (first start included). */
const SERVER_STARTING_MS = 60_000;
const ANSWER_TIMEOUT_MS = 30_000;

async function onDatabase(config: Config, request: AdminRequest): Promise<AdminResponse> {
  const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await handle.migrate();
    return await runAdminCommand(handle.db, request);
  } finally {
    await handle.close();
  }
}

/** Through the running server when there is one, else on the embedded database, locked meanwhile. */
async function onEmbedded(config: Config, request: AdminRequest): Promise<AdminResponse> {
  const socketPath = adminSocketPath(config.dataDir);
  const deadline = Date.now() + SERVER_STARTING_MS;
  for (;;) {
    if (socketPathFits(socketPath)) {
      try {
        return await sendAdminRequest(socketPath, request, ANSWER_TIMEOUT_MS);
      } catch (error) {
        if (!(error instanceof AdminSocketUnavailable)) throw error;
      }
    }
    try {
      return await onDatabase(config, request);
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      if (Date.now() > deadline) {
        throw new Error(
          `livesnap (pid ${error.ownerPid}) holds DATA_DIR ${error.dataDir} but does not answer on ${socketPath}; stop it and run the command again`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

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
  assertAccountName(values.account);
  const config = loadConfig(process.env);
  const request: AdminRequest = { command: "token.create", account: values.account, role, operator: values.operator };
  const response = config.databaseUrl ? await onDatabase(config, request) : await onEmbedded(config, request);
  if (!response.ok) {
    console.error(response.error);
    return 1;
  }
  console.log(response.token);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof LivesnapError || error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
