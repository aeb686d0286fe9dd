import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { Api } from "./api";
import { ViewerQuery } from "./operations";

export interface Session {
  api: Api;
  role: "ADMIN" | "READER";
  accountName: string;
  /** May the token change anything? Controls that need it are disabled otherwise. */
  admin: boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in console");
  return session;
}

/** Checks a token by asking who it is; the API's refusal is the sign-in error. */
export async function openSession(token: string): Promise<Session> {
  const api = new Api(token);
  try {
    const { viewer } = await api.request(ViewerQuery);
    return { api, role: viewer.role, accountName: viewer.account.name, admin: viewer.role === "ADMIN" };
  } catch (e) {
    api.close();
    throw e;
  }
}
