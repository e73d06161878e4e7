/**
 * What every section of the bench is given: the scratch tmpfs, the library's state folder,
 * the C baseline, and where the repository and Deno are.
 *
 * @module
 */
import type { CBaseline } from "./c_baseline.ts";

/** Shared by every section. */
export interface BenchContext {
  /** A tmpfs mounted in the bench's private mount namespace; everything is made below it. */
  readonly scratch: string;
  /** The C baseline, loaded in this process. */
  readonly baseline: CBaseline;
  /** The repository's root folder (where cli.ts is). */
  readonly repo: string;
  /** This Deno's executable. */
  readonly deno: string;
  /** Smaller counts, for a quick look (BINDLINK_BENCH_QUICK=1). */
  readonly quick: boolean;
}

/** The message of whatever was thrown, on one line, with the scratch folder as <scratch>. */
export function errorText(error: unknown, scratch?: string): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (scratch) text = text.replaceAll(scratch, "<scratch>");
  return text.replace(/\s+/g, " ").slice(0, 500);
}
