/**
 * The C baseline's pairs, for counting their system calls next to the library's
 * (`deno task bench --syscalls`): `c_pair_loop.ts <library.so> <dir> <variant> <pairs>`.
 *
 * @module
 */
import { CBaseline } from "../c_baseline.ts";
import { makeFixture, type Variant } from "../fixtures.ts";

const [library, dir, variant, pairsText] = Deno.args;
const pairs = Number(pairsText);
using baseline = new CBaseline(library, `${dir}/state`);
if (pairs > 0) {
  const fixture = makeFixture(`${dir}/pair`, variant as Variant);
  const link = baseline.link("pair", fixture.virtualPath, fixture.backingPath, {
    merged: fixture.merged,
    work: fixture.merged ? `${dir}/pair/.work` : "",
    exceptions: fixture.relativeExceptions,
  });
  for (let i = 0; i < pairs; i++) {
    baseline.create(link);
    baseline.remove(link);
  }
}
