/** The words every message uses for a link's kind. */
import assert from "node:assert/strict";
import { linkTraits } from "../lib/link_traits.ts";

Deno.test("a link's traits: read-only before merged, and none for a plain link", () => {
  assert.deepEqual(linkTraits({ readOnly: true, merged: true }), ["read-only", "merged"]);
  assert.deepEqual(linkTraits({ readOnly: true, merged: false }), ["read-only"]);
  assert.deepEqual(linkTraits({ readOnly: false, merged: true }), ["merged"]);
  assert.deepEqual(linkTraits({ readOnly: false, merged: false }), []);
});
