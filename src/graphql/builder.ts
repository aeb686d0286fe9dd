import SchemaBuilder from "@pothos/core";
import { DateTimeResolver } from "graphql-scalars";
import type { GraphQLContext } from "./context";

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });

builder.addScalarType("DateTime", DateTimeResolver);
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
