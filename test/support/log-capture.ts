import { pino } from "pino";
import type { Logger } from "../../src/logger";

export interface LogLine {
  level: number;
  msg?: string;
  requestId?: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept for the test to read. */
export function capturingLogger(level = "trace"): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** pino's numeric levels. */
export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 } as const;
