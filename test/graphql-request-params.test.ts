import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./support/api";

interface Answer {
  status: number;
  errors?: { message: string; extensions?: { code?: string } }[];
  data?: unknown;
}

describe("request parameters that are not JSON", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  const send = async (search: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await api.yoga.fetch(`http://livesnap.test/graphql${search}`, { headers: { accept: "application/json" }, ...init });
    return { status: response.status, ...((await response.json()) as Omit<Answer, "status">) };
  };
  const query = encodeURIComponent("{ __typename }");

  it.each(["variables", "extensions"])("are a 400 naming %s in a GET query string", async (name) => {
    const answer = await send(`?query=${query}&${name}=%7B`);
    expect(answer.status).toBe(400);
    expect(answer.errors).toEqual([{ message: `the ${name} parameter is not valid JSON`, extensions: { code: "BAD_REQUEST" } }]);
  });

  it("are a 400 naming the parameter in a url-encoded form", async () => {
    const answer = await send("", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: `query=${query}&variables=nope`,
    });
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toBe("the variables parameter is not valid JSON");
  });

  it("are a 400 with a code in a multipart form", async () => {
    const answer = await send("", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=b", accept: "application/json" },
      body: '--b\r\ncontent-disposition: form-data; name="operations"\r\n\r\n{\r\n--b--\r\n',
    });
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    expect(answer.errors?.[0]?.message).toMatch(/operations/);
  });

  it("leave well-formed GET and form requests working, variables included", async () => {
    const variables = encodeURIComponent(JSON.stringify({ skip: true }));
    const q = encodeURIComponent("query($skip: Boolean!) { __typename @skip(if: $skip) }");
    expect(await send(`?query=${q}&variables=${variables}`)).toEqual({ status: 200, data: {} });
    const form = await send("", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: `query=${q}&variables=${encodeURIComponent(JSON.stringify({ skip: false }))}`,
    });
    expect(form).toEqual({ status: 200, data: { __typename: "Query" } });
  });
});
