/**
 * Makes `count` links, then removes them all, through the library, in one process:
 * `many_links.ts <dir> <stateDir> <count>` links `<dir>/v<i>` (which must exist) to
 * `<dir>/backing`. Exits 1 with the error on the first failure.
 *
 * @module
 */
import { BindLinkApi, linuxPlatform } from "../../mod.ts";

const [dir, stateDir, countText] = Deno.args;
const count = Number(countText);
using api = new BindLinkApi(linuxPlatform({ stateDir }));
try {
  for (let i = 0; i < count; i++) api.createBindLinkSync(`${dir}/v${i}`, `${dir}/backing`);
  for (let i = count - 1; i >= 0; i--) api.removeBindLinkSync(`${dir}/v${i}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  Deno.exit(1);
}
