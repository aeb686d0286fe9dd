/** Display rules, kept pure so the pages stay declarative. */

export const ALL = "ALL";

export const orAll = (name: string | null | undefined): string => name ?? ALL;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export function formatAge(from: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(from)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

export const formatTime = (iso: string): string => new Date(iso).toLocaleString();

export const streamPath = (s: { domain: string; appName: string; streamName: string }) => `${s.domain}/${s.appName}/${s.streamName}`;

/** An <input type="datetime-local"> value (local time) as an ISO instant; empty stays unset. */
export const localToIso = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);
