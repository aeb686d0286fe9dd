/** Prints the schema, sorted, to schema/schema.graphql; with --check, fails when the file is stale. */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "../src/graphql/schema";

const target = fileURLToPath(new URL("../schema/schema.graphql", import.meta.url));
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    // a missing file is stale too
  }
  if (committed !== printed) {
    console.error("schema/schema.graphql is stale: run `npm run schema:print` and commit the result");
    process.exit(1);
  }
  console.log("schema/schema.graphql is up to date");
} else {
  writeFileSync(target, printed);
  console.log(`wrote ${target}`);
}
