/**
 * The CLI for an unprivileged process: the checkout may be readable by root only (CI's is),
 * so uid 65534 gets a world-readable copy of what `cli.ts` loads, made once per scratch folder.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** The path of a world-readable copy of `cli.ts` (with mod.ts, deno.json, lib/) below `scratch`. */
export function readableCli(scratch: string): string {
  const copy = path.join(scratch, "readable-copy");
  const cli = path.join(copy, "cli.ts");
  try {
    Deno.statSync(cli);
    return cli;
  } catch { /* first use: made below */ }
  Deno.mkdirSync(copy, { recursive: true });
  for (const name of ["cli.ts", "mod.ts", "deno.json", "lib"]) {
    const out = new Deno.Command("cp", { args: ["-r", path.join(repo, name), copy] }).outputSync();
    if (!out.success) throw new Error(`cp ${name}: ${new TextDecoder().decode(out.stderr)}`);
  }
  new Deno.Command("chmod", { args: ["-R", "a+rX", copy] }).outputSync();
  // The unprivileged process must reach the copy through the scratch folder.
  Deno.chmodSync(scratch, 0o755);
  return cli;
}
