import { readFileSync } from "node:fs";
import { lexicographicSortSchema, printSchema, type GraphQLObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/graphql/schema";

describe("printed schema", () => {
  it("matches the committed schema/schema.graphql (run npm run schema:print after changing types)", () => {
    const committed = readFileSync(new URL("../schema/schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
  });

  it("keeps the public contract's names and shapes", () => {
    const contract: Record<string, string> = {
      "Query.domainGroups": "(after: String, first: Int): DomainGroupConnection!",
      "Query.snapshotTemplate": "(id: ID!): SnapshotTemplate",
      "Query.snapshotTemplates": "(after: String, first: Int): SnapshotTemplateConnection!",
      "Query.snapshotConfigs": "(after: String, domain: String, first: Int): SnapshotConfigConnection!",
      "Query.effectiveTemplate": "(app: String!, domain: String!, stream: String!): EffectiveTemplate",
      "Query.liveStreams": "(after: String, domain: String, first: Int, status: LiveStreamStatus): LiveStreamConnection!",
      "Query.snapshots":
        "(after: String, app: String, domain: String!, first: Int, from: DateTime, stream: String, to: DateTime): SnapshotConnection!",
      "Mutation.createAccount": "(name: String!): Account!",
      "Mutation.createApiToken": "(accountId: ID!, role: Role!): CreatedApiToken!",
      "Mutation.revokeApiToken": "(id: ID!): ID!",
      "Mutation.createDomainGroup": "(input: CreateDomainGroupInput!): DomainGroup!",
      "Mutation.createSnapshotTemplate": "(input: CreateSnapshotTemplateInput!): SnapshotTemplate!",
      "Mutation.updateSnapshotTemplate": "(id: ID!, input: UpdateSnapshotTemplateInput!): SnapshotTemplate!",
      "Mutation.deleteSnapshotTemplate": "(id: ID!): ID!",
      "Mutation.createSnapshotConfig": "(input: CreateSnapshotConfigInput!): SnapshotConfig!",
      "Mutation.deleteSnapshotConfig": "(id: ID!): ID!",
      "Subscription.snapshotCreated": "(app: String, domain: String, stream: String): Snapshot!",
    };
    for (const [path, signature] of Object.entries(contract)) {
      const [typeName, fieldName] = path.split(".") as [string, string];
      const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName];
      const args = [...(field?.args ?? [])].map((a) => `${a.name}: ${String(a.type)}`).sort();
      expect(`${path}(${args.join(", ")}): ${String(field?.type)}`).toBe(`${path}${signature}`);
    }
    const fields = (name: string) => Object.keys((schema.getType(name) as GraphQLObjectType).getFields());
    expect(fields("DomainGroup")).toEqual(expect.arrayContaining(["id", "pushDomain", "playDomain", "sourceId", "createdAt"]));
    expect(fields("SnapshotTemplate")).toEqual(
      expect.arrayContaining(["id", "name", "format", "intervalSeconds", "width", "height", "fillMode", "storageMode", "bucket", "createdAt", "updatedAt"]),
    );
    expect(fields("SnapshotConfig")).toEqual(expect.arrayContaining(["id", "domain", "appName", "streamName", "level", "template", "createdAt"]));
    expect(fields("EffectiveTemplate")).toEqual(expect.arrayContaining(["template", "config", "level"]));
    expect(fields("LiveStream")).toEqual(
      expect.arrayContaining(["id", "domain", "appName", "streamName", "sourceId", "status", "startedAt", "endedAt", "template"]),
    );
    expect(fields("Snapshot")).toEqual(
      expect.arrayContaining(["id", "domain", "appName", "streamName", "sourceId", "key", "bucket", "format", "width", "height", "bytes", "capturedAt", "url", "urlExpiresAt"]),
    );
  });
});
