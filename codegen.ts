import type { CodegenConfig } from "@graphql-codegen/cli";

/** Typed documents for the tests' operations, generated from the committed schema. */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["test/**/*.ts", "!test/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "test/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, scalars: { DateTime: "string" }, enumsAsTypes: true },
    },
  },
};

export default config;
