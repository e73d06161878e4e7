/** `run --link virtual=backing[,ro][,merged]`. */
import assert from "node:assert/strict";
import { parseLinkOption } from "../../lib/cli/link_option.ts";
import { UsageError } from "../../lib/cli/usage_error.ts";
import { runCli } from "../support/cli.ts";
import { Double } from "../support/double.ts";

Deno.test("--link: virtual=backing with ro and merged at the end; commas in existing paths survive", () => {
  assert.deepEqual(parseLinkOption("C:\\a=D:\\b"), { virtual: "C:\\a", backing: "D:\\b" });
  assert.deepEqual(parseLinkOption("/a=/b,ro,merged"), {
    virtual: "/a",
    backing: "/b",
    readOnly: true,
    merged: true,
  });
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/b,c`);
    assert.deepEqual(parseLinkOption(`/a=${dir}/b,c`), { virtual: "/a", backing: `${dir}/b,c` });
    assert.deepEqual(parseLinkOption(`/a=${dir}/b,c,RO`), {
      virtual: "/a",
      backing: `${dir}/b,c`,
      readOnly: true,
    });
    // Only a word after the comma can be an option: a path part with a slash is a path.
    assert.deepEqual(parseLinkOption("/a=/x,y/z"), { virtual: "/a", backing: "/x,y/z" });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--link: an unknown option after a comma is a usage error that names it and the options", async () => {
  for (const text of ["nv=x,rw", "nv=x,rw,ro", "nv=x,Merge"]) {
    assert.throws(
      () => parseLinkOption(text),
      (error: unknown) =>
        error instanceof UsageError && error.topic === "run" &&
        /unknown option '(rw|Merge)' after a comma \(the options are ro and merged/.test(
          error.message,
        ),
      text,
    );
  }
  using double = new Double();
  const { code, stderr } = await runCli(double, "run", "--link", "C:\\nv=C:\\x,rw", "--", "true");
  assert.equal(code, 2, stderr);
  assert.equal(double.calls().length, 0);
  assert.match(stderr, /unknown option 'rw'/);
  assert.match(stderr, /Run "bindlink run --help" for usage/);
});
