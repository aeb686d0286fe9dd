import { useEffect, useState } from "preact/hooks";

export const PAGES = [
  { id: "live", title: "Live" },
  { id: "snapshots", title: "Snapshots" },
  { id: "domains", title: "Domain groups" },
  { id: "templates", title: "Templates" },
  { id: "bindings", title: "Bindings" },
] as const;

export type PageId = (typeof PAGES)[number]["id"];

export interface Route {
  page: PageId;
  params: URLSearchParams;
}

/** Routes live in the hash (#/snapshots?domain=...), so the server serves one index for all. */
export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?");
  const page = PAGES.find((p) => p.id === path)?.id ?? "live";
  return { page, params: new URLSearchParams(query) };
}

export const href = (page: PageId, params?: Record<string, string>) =>
  `#/${page}${params ? `?${new URLSearchParams(params).toString()}` : ""}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}
