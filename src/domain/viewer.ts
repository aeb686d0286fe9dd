import { forbidden, unauthenticated } from "../errors";

/** Who is calling: the account a token belongs to and what it may do. */
export interface Viewer {
  tokenId: string;
  accountId: string;
  role: "ADMIN" | "READER";
  /** Operators manage accounts and tokens. */
  operator: boolean;
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function requireAdmin(viewer: Viewer | null): Viewer {
  const v = requireViewer(viewer);
  if (v.role !== "ADMIN") throw forbidden("this token is read-only (role READER); an ADMIN token is required");
  return v;
}

export function requireOperator(viewer: Viewer | null): Viewer {
  const v = requireViewer(viewer);
  if (!v.operator) throw forbidden("managing accounts and tokens needs an OPERATOR token");
  return v;
}
