/**
 * How the CLI words links and what apply, down and prune did: exact lines, escaped names, and
 * the JSON line's fields.
 */
import assert from "node:assert/strict";
import {
  changeJson,
  describeDeleted,
  describeLink,
  describeRecovered,
  linkJson,
} from "../../lib/cli/link_text.ts";
import { spec } from "../support/fake_platform.ts";

Deno.test("describeLink: the paths, then the traits and exceptions in brackets when there are any", () => {
  assert.equal(describeLink(spec("/a", "/b")), "/a -> /b");
  assert.equal(
    describeLink(spec("/a", "/b", { readOnly: true, merged: true, exceptions: ["/a/x", "/a/y"] })),
    "/a -> /b (read-only, merged; exceptions: /a/x, /a/y)",
  );
  assert.equal(
    describeLink(spec("/a", "/b", { exceptions: ["/a/x"] })),
    "/a -> /b (exceptions: /a/x)",
  );
  assert.equal(
    describeLink(spec("/a\nb", "/c\x1b", { merged: true, exceptions: ["/a\nb/\t"] })),
    "/a\\nb -> /c\\x1b (merged; exceptions: /a\\nb/\\t)",
  );
});

Deno.test("linkJson and changeJson: the link's fields as given, one JSON line with what changed", () => {
  const link = spec("/a\nb", "/b", { readOnly: true, exceptions: ["/a\nb/x"] });
  assert.deepEqual(linkJson(link), {
    virtualPath: "/a\nb",
    backingPath: "/b",
    readOnly: true,
    merged: false,
    exceptions: ["/a\nb/x"],
  });
  const line = changeJson(
    "apply",
    "/m.json",
    { changed: true, links: [{ index: 2, action: "created", link }], recovered: [] },
    false,
    () => ({ previous: null }),
  );
  assert.ok(line.endsWith("}\n"));
  assert.deepEqual(JSON.parse(line), {
    ok: true,
    operation: "apply",
    file: "/m.json",
    changed: true,
    dryRun: false,
    links: [{ index: 2, action: "created", ...linkJson(link), previous: null }],
    recovered: [],
  });
});

Deno.test("describeRecovered: a line per cleaned-up operation, then the links it removed and made again", () => {
  assert.equal(describeRecovered([]), "");
  assert.equal(
    describeRecovered([
      {
        operation: "apply",
        pid: 7,
        outcome: "rolled back",
        removed: ["/v", "/w"],
        restored: ["/u"],
      },
      { operation: "down", pid: 8, outcome: "completed", removed: [], restored: [] },
    ]),
    "Cleaned up an interrupted apply of process 7: rolled back\n" +
      "  links removed (2):\n    /v\n    /w\n" +
      "  links made again (1):\n    /u\n" +
      "Cleaned up an interrupted down of process 8: completed\n",
  );
  const many = Array.from({ length: 22 }, (_, i) => `/v${i}`);
  const text = describeRecovered(
    [{ operation: "run", pid: 9, outcome: "rolled back", removed: many, restored: [] }],
    "prune --json",
  );
  assert.ok(text.endsWith("    /v19\n    ... and 2 more (prune --json lists them all)\n"), text);
});

Deno.test("describeDeleted: grouped by why, with the count, as done or as would be done", () => {
  const deleted = [
    { path: "/v/.a", why: "left by apply of process 7" },
    { path: "/v/.b", why: "left by apply of process 7" },
    { path: "/w/.c", why: "left by run\nof process 8" },
  ];
  const done = "Deleted 2 paths left by apply of process 7:\n  /v/.a\n  /v/.b\n" +
    "Deleted 1 path left by run\\nof process 8:\n  /w/.c\n";
  assert.equal(describeDeleted(deleted, "x"), done);
  assert.equal(describeDeleted(deleted, "x", true), done.replaceAll("Deleted", "Would delete"));
  assert.equal(describeDeleted([], "x"), "");
});
