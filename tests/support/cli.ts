/** The CLI run in-process against the native double, with its output captured. */
import { main } from "../../cli.ts";
import type { Double } from "./double.ts";

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bindlink <args>` against `double`'s platform, which stays open afterwards. */
export async function runCli(double: Double, ...args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => stdout += t,
    stderr: (t) => stderr += t,
    platform: double.api.platform,
  });
  return { code, stdout, stderr };
}
