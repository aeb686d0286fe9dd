import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents generated from the committed schema: the tests' operations (document nodes)
 * and the console's (plain strings, so the browser bundle needs no GraphQL parser).
 */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  ignoreNoDocuments: true,
  generates: {
    "test/gql/": {
      documents: ["test/**/*.ts", "!test/gql/**"],
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, scalars: { DateTime: "string" }, enumsAsTypes: true },
    },
    "console/src/gql/": {
      documents: ["console/src/**/*.{ts,tsx}", "!console/src/gql/**"],
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, scalars: { DateTime: "string" }, enumsAsTypes: true, documentMode: "string" },
    },
  },
};

export default config;
