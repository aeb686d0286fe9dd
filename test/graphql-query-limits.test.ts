import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERY_LIMITS, QUERY_TOO_COMPLEX } from "../src/graphql/yoga";
import { createTestApi, type TestApi } from "./support/api";

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe("query limits", () => {
  let api: TestApi;
  let token: string;
  beforeAll(async () => {
    api = await createTestApi();
    token = (await api.tenant("limits")).adminToken;
  });
  afterAll(() => api.close());

  async function post(query: string): Promise<Answer> {
    const response = await api.yoga.fetch("http://livesnap.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  }

  const nest = (levels: number, inner: string) => {
    let nested = inner;
    for (let i = 0; i < levels; i++) nested = `ofType { ${nested} }`;
    return nested;
  };

  const refusals: [string, string, RegExp][] = [
    ["depth", `{ __type(name: "Query") { ${nest(QUERY_LIMITS.maxDepth, "name")} } }`, /depth limit of 15/],
    ["depth under __schema", `{ __schema { types { ${nest(QUERY_LIMITS.maxDepth, "name")} } } }`, /depth limit of 15/],
    [
      "cost",
      `{ ${Array.from({ length: 20 }, (_, i) => `l${i}: liveStreams(first: 100) { edges { node { lastSnapshot { id key url } template { id name } } } }`).join(" ")} }`,
      /Cost limit of 20000/,
    ],
    ["aliases", `{ ${Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: domainGroups { pageInfo { hasNextPage } }`).join(" ")} }`, /Aliases limit of 30 exceeded, found 31/],
    ["aliases of __typename", `{ ${Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `t${i}: __typename`).join(" ")} }`, /Aliases limit of 30 exceeded, found 31/],
    ["tokens", `{ ${"__typename ".repeat(QUERY_LIMITS.maxTokens)}}`, /Token limit of 5000/],
    ["directives", `{ __typename ${"@skip(if: false) ".repeat(QUERY_LIMITS.maxDirectives + 1)}}`, /Directives limit of 50/],
  ];

  it.each(refusals)("refuses a document over the %s limit with code QUERY_TOO_COMPLEX and nothing run", async (_, query, message) => {
    const answer = await post(query);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]!.message).toMatch(message);
    expect(answer.body.errors![0]!.message).not.toMatch(/^Syntax Error/);
    expect(answer.body.errors![0]!.extensions?.code).toBe(QUERY_TOO_COMPLEX);
  });

  it("runs documents at each limit", async () => {
    const atAliases = await post(`{ ${Array.from({ length: QUERY_LIMITS.maxAliases }, (_, i) => `t${i}: __typename`).join(" ")} }`);
    expect(atAliases.body.errors).toBeUndefined();
    expect(Object.keys(atAliases.body.data!)).toHaveLength(QUERY_LIMITS.maxAliases);
    // __type is 1 and ofType's innermost name is one more level than the ofTypes around it.
    const atDepth = await post(`{ __type(name: "Query") { ${nest(QUERY_LIMITS.maxDepth - 2, "name")} } }`);
    expect(atDepth.body.errors).toBeUndefined();
    expect(atDepth.body.data!.__type).toEqual({ ofType: null });
  });

  it("answers the introspection query GraphiQL sends, with every option it uses", async () => {
    const answer = await post(
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      }),
    );
    expect(answer.body.errors).toBeUndefined();
    const types = (answer.body.data!.__schema as { types: { name: string }[] }).types.map((t) => t.name);
    expect(types).toEqual(expect.arrayContaining(["Query", "Mutation", "Subscription", "Snapshot", "DateTime"]));
  });
});
