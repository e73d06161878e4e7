/** How the CLI prints names it did not choose: escaped, and long lists cut short. */
import assert from "node:assert/strict";
import path from "node:path";
import { main } from "../../cli.ts";
import { table } from "../../lib/cli/list.ts";
import { givenAndActual, LIST_LIMIT, pathLines } from "../../lib/cli/text.ts";
import { printable } from "../../lib/printable.ts";
import { Journal } from "../../lib/manifest/journal.ts";
import { deadFacts } from "../manifest/support.ts";
import { Double } from "../support/double.ts";

Deno.test("printable escapes C0, DEL, C1 and the Unicode line separators, and nothing else", () => {
  assert.equal(printable("/a\nb\tc\rd"), "/a\\nb\\tc\\rd");
  assert.equal(printable("\x00\x1b[31m\x7f\x85\x9f"), "\\x00\\x1b[31m\\x7f\\x85\\x9f");
  assert.equal(printable("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
  assert.equal(printable("C:\\Foo\\été ✓ \u00a0x"), "C:\\Foo\\été ✓ \u00a0x");
});

Deno.test("a path with a newline keeps the list table one row per link", () => {
  const text = table([{
    virtualPath: "/srv/a\nb",
    backingPath: "/data/\x1b[2Jx",
    readOnly: false,
    merged: false,
    exceptions: ["/srv/a\nb/\u2028"],
  }]);
  assert.equal(text.split("\n").length, 3, text);
  assert.equal(
    text.split("\n")[1],
    "/srv/a\\nb     /data/\\x1b[2Jx  1 exception: /srv/a\\nb/\\u2028",
  );
});

Deno.test("lists of paths: one per line, and past the limit a count and where to see them all", () => {
  assert.equal(pathLines(["/a", "/b\n"], "  ", "x --json"), "  /a\n  /b\\n\n");
  const many = Array.from({ length: 276 }, (_, i) => `/v/${i}`);
  const lines = pathLines(many, "  ", "bindlink status --json").split("\n").filter(Boolean);
  assert.equal(lines.length, LIST_LIMIT + 1);
  assert.equal(lines[0], "  /v/0");
  assert.equal(
    lines.at(-1),
    `  ... and ${276 - LIST_LIMIT} more (bindlink status --json lists them all)`,
  );
  // One more than the limit is shown whole: a line saying "1 more" would save nothing.
  assert.equal(
    pathLines(many.slice(0, LIST_LIMIT + 1), "", "x").split("\n").length,
    LIST_LIMIT + 2,
  );
  assert.equal(givenAndActual("/srv/vl", "/srv/v"), "/srv/vl (-> /srv/v)");
  assert.equal(givenAndActual("/srv/v\n", undefined), "/srv/v\\n");
});

Deno.test("list, prune --dry-run and prune print a killed run's 30 links one per line, cut at 20", async () => {
  using double = new Double();
  const dir = await Deno.makeTempDir({ prefix: "bindlink-cli-text-" });
  try {
    const stateDir = path.join(dir, "state");
    const cli = async (...args: string[]) => {
      let stdout = "";
      const code = await main(args, {
        stdout: (t) => stdout += t,
        stderr: () => {},
        platform: double.api.platform,
        stateDir,
      });
      return { code, stdout };
    };
    const links = Array.from({ length: 30 }, (_, i) => ({
      virtualPath: `C:\\Left${i}`,
      backingPath: "C:\\Bar",
      readOnly: false,
      merged: false,
      exceptions: [],
    }));
    new Journal(stateDir, await deadFacts()).begin("run", { removes: [], creates: links });
    for (const link of links) await double.api.platform.create(link);
    for (
      const [args, seeAll] of [
        [["list"], "bindlink list --json"],
        [["prune", "--dry-run"], "bindlink prune --dry-run --json"],
        [["prune"], "bindlink prune --json"],
      ] as const
    ) {
      const { code, stdout } = await cli(...args);
      assert.equal(code, 0, stdout);
      const shown = stdout.split("\n").filter((l) => /^ +C:\\Left\d+$/.test(l));
      assert.equal(shown.length, LIST_LIMIT, `${args.join(" ")}:\n${stdout}`);
      assert.ok(stdout.includes(`... and 10 more (${seeAll} lists them all)`), stdout);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an error about a path with a newline is printed on one line, escaped", async () => {
  using double = new Double();
  for (const args of [["create", "C:\\Fo\no", "C:\\Bar\x1b"], ["remove", "C:\\Fo\no"]]) {
    let stderr = "";
    const code = await main(args, {
      stdout: () => {},
      stderr: (t) => stderr += t,
      platform: double.api.platform,
    });
    assert.equal(code, 1, stderr);
    assert.match(stderr, /^bindlink: [^\n]*C:\\Fo\\no[^\n]*\n$/);
  }
});
