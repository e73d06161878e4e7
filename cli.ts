/**
 * The `bindlink` command line tool.
 *
 * ```sh
 * bindlink create C:\Foo C:\Bar --read-only
 * bindlink remove C:\Foo
 * ```
 *
 * Run it with `deno run --allow-ffi jsr:@bindlink/bindlink/cli`, or compile it to one
 * executable with `deno task compile:windows`.
 *
 * @example Run the CLI from a script, capturing its output
 * ```ts
 * import { main } from "@bindlink/bindlink/cli";
 *
 * const code = await main(["remove", "C:\\Foo", "--json"], { stdout: (t) => console.log(t) });
 * ```
 *
 * @module
 */
export { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, main } from "./lib/cli/main.ts";
import { main } from "./lib/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
