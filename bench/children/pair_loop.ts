/**
 * A loop of library create+remove pairs to profile (`deno task bench --profile <variant>`):
 * `pair_loop.ts <dir> <variant> <pairs> [live]` makes the variant's folders in `<dir>`,
 * optionally `live` other links first, then runs `pairs` pairs (none: it only fills).
 *
 * @module
 */
import { BindLinkApi, linuxPlatform } from "../../mod.ts";
import { makeFixture, type Variant } from "../fixtures.ts";

const [dir, variant, pairsText, liveText] = Deno.args;
const pairs = Number(pairsText);
const live = Number(liveText ?? 0);
using api = new BindLinkApi(linuxPlatform({ stateDir: `${dir}/state` }));
Deno.mkdirSync(`${dir}/fill-backing`, { recursive: true });
for (let i = 0; i < live; i++) {
  Deno.mkdirSync(`${dir}/fill/v${i}`, { recursive: true });
  api.createBindLinkSync(`${dir}/fill/v${i}`, `${dir}/fill-backing`);
}
if (pairs === 0) Deno.exit(0); // only filling, for a profile of the loop alone
const fixture = makeFixture(`${dir}/pair`, variant as Variant);
const options = { merged: fixture.merged, exceptions: [...fixture.exceptions] };
const start = performance.now();
for (let i = 0; i < pairs; i++) {
  api.createBindLinkSync(fixture.virtualPath, fixture.backingPath, options);
  api.removeBindLinkSync(fixture.virtualPath);
}
const ms = performance.now() - start;
console.log(
  `${pairs} ${variant} pairs: ${(ms / pairs * 1000).toFixed(1)} us per pair`,
);
