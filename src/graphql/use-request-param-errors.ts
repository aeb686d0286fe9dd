import { GraphQLError } from "graphql";
import type { GraphQLParams, Plugin } from "graphql-yoga";

const JSON_PARAMS = ["variables", "extensions"] as const;

function badRequest(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code: extensions.code ?? "BAD_REQUEST", http: { status: 400 } } });
}

/**
 * The JSON parameters of a GET query string or a url-encoded form, each named when it does not
 * parse. Yoga checks their shape (an object, not an array) after this.
 */
export function parseJsonParams(params: URLSearchParams): Pick<GraphQLParams, (typeof JSON_PARAMS)[number]> {
  const parsed: Pick<GraphQLParams, (typeof JSON_PARAMS)[number]> = {};
  for (const name of JSON_PARAMS) {
    const raw = params.get(name);
    if (!raw) continue;
    try {
      parsed[name] = JSON.parse(raw);
    } catch {
      throw badRequest(`the ${name} parameter is not valid JSON`);
    }
  }
  return parsed;
}

function isFormRequest(request: Request): boolean {
  return request.method === "POST" && /^application\/x-www-form-urlencoded(;|$)/i.test(request.headers.get("content-type") ?? "");
}

/**
 * Yoga parses the `variables` and `extensions` of GET requests and url-encoded forms with a bare
 * JSON.parse, so `?variables={` became a masked 500. This plugin parses those itself and answers
 * 400 with a GraphQL error naming the parameter; other parsers' refusals (a multipart
 * `operations` field that is not JSON, say) get a 400 and a code as well.
 */
export function useRequestParamErrors(): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser }) {
      if (request.method === "GET" || isFormRequest(request)) {
        setRequestParser(async () => {
          const params = request.method === "GET" ? url.searchParams : new URLSearchParams(await request.text());
          const parsed: GraphQLParams = {
            operationName: params.get("operationName") || undefined,
            query: params.get("query") || undefined,
            ...parseJsonParams(params),
          };
          return parsed;
        });
        return;
      }
      if (!requestParser) return;
      setRequestParser(async (req) => {
        try {
          return await requestParser(req);
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.http === undefined) throw badRequest(error.message, error.extensions);
          throw error;
        }
      });
    },
  };
}
