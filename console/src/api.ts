import { createClient, type Client } from "graphql-ws/client";
import type { TypedDocumentString } from "./gql/graphql";

interface WireError {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** What the API refused, with each BAD_USER_INPUT message keyed by the field it names. */
export class ApiError extends Error {
  readonly code: string | undefined;
  readonly fields: Record<string, string>;

  constructor(errors: readonly WireError[]) {
    super(errors.map((e) => e.message).join("; ") || "the request failed");
    this.name = "ApiError";
    this.code = errors[0]?.extensions?.code;
    this.fields = {};
    for (const e of errors) {
      const field = e.extensions?.field;
      // Fields may come as a path ("input.name"); forms know only the last part.
      if (field) this.fields[field.split(".").pop()!] = e.message;
    }
  }
}

/** One signed-in session: HTTP for queries and mutations, one WebSocket for every subscription. */
export class Api {
  private readonly ws: Client;

  constructor(readonly token: string) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.ws = createClient({
      url: `${scheme}://${location.host}/graphql`,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: Infinity,
      // A refused token or a rate limit will not heal by reconnecting; a restart or a network drop will.
      shouldRetry: (e) => !(e instanceof CloseEvent && [4401, 4403, 4429].includes(e.code)),
    });
  }

  async request<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
    let response: Response;
    try {
      response = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      });
    } catch {
      throw new ApiError([{ message: "livesnap did not answer: is it running?" }]);
    }
    let body: { data?: R | null; errors?: WireError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ApiError([{ message: `livesnap answered HTTP ${response.status} without a GraphQL result` }]);
    }
    if (body.errors?.length) throw new ApiError(body.errors);
    if (!body.data) throw new ApiError([{ message: `livesnap answered HTTP ${response.status} without data` }]);
    return body.data;
  }

  /** Calls `next` for each event until the returned function is called; `error` gets every failure. */
  subscribe<R, V>(document: TypedDocumentString<R, V>, next: (data: R) => void, error: (e: ApiError) => void): () => void {
    return this.ws.subscribe<R>(
      { query: document.toString() },
      {
        next: (result) => {
          if (result.errors?.length) error(new ApiError(result.errors));
          else if (result.data) next(result.data);
        },
        error: (e) => error(new ApiError([{ message: describeSocketError(e) }])),
        complete: () => undefined,
      },
    );
  }

  close() {
    void this.ws.dispose();
  }
}

function describeSocketError(e: unknown): string {
  if (Array.isArray(e)) return e.map((x: WireError) => x.message).join("; ");
  if (e instanceof CloseEvent) return `live updates closed (${e.code}${e.reason ? `: ${e.reason}` : ""})`;
  return e instanceof Error ? e.message : "live updates failed";
}
