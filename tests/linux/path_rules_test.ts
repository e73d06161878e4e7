/** The Linux path rules refuse what cannot name a file's bytes (#18, case 4). */
import assert from "node:assert/strict";
import { kernelName, NotUtf8NameError } from "../../lib/linux/kernel_names.ts";
import { linuxPathRules } from "../../lib/linux/path_rules.ts";

Deno.test("a path with U+FFFD or a lone surrogate is refused as not UTF-8; pairs are fine", () => {
  for (const input of ["/srv/v\uFFFD", "/srv/a\ud800", "/srv/\udc00b", "rel/\ud83d"]) {
    const resolved = linuxPathRules.resolve(input, "virtual path", "/home");
    assert.ok(resolved.problem, `${JSON.stringify(input)} is refused`);
    assert.match(resolved.problem.hint, /^bindlink handles only UTF-8 names on Linux/);
  }
  const emoji = linuxPathRules.resolve("/srv/\ud83d\ude00", "virtual path", "/");
  assert.equal(emoji.text, "/srv/\ud83d\ude00");
});

Deno.test("a name from the kernel is decoded strictly; the refusal shows its bytes", () => {
  assert.equal(kernelName(new TextEncoder().encode("/srv/é"), "a mount point"), "/srv/é");
  const bytes = new Uint8Array([...new TextEncoder().encode("/t/p"), 0xfd, 0x2f, 0xc3, 0xa9]);
  assert.throws(() => kernelName(bytes, "a mount point"), (error) => {
    assert.ok(error instanceof NotUtf8NameError);
    assert.equal(error.code, "invalid-path");
    assert.match(error.message, /a mount point is "\/t\/p\\xfd\/é", which is not UTF-8/);
    return true;
  });
});
