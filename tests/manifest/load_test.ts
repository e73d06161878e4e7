/**
 * Loading and validating manifests: every refusal names the file, the link's index and what
 * is wrong, and relative paths resolve against the manifest's folder. Pure: nothing is
 * linked, so this runs the same on Linux and under Windows Deno.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { linuxPlatform, type Platform, windowsPlatform } from "../../mod.ts";
import { loadManifest, loadManifestSync } from "../../lib/manifest/load.ts";
import { parseManifest, resolveLinks } from "../../lib/manifest/validate.ts";
import { ManifestError } from "../../lib/manifest/manifest_error.ts";

const isWindows = Deno.build.os === "windows";
const posix = linuxPlatform();
const windows = windowsPlatform();
const FILE = "/srv/app/bindlink.json";

function refused(
  document: unknown,
  platform: Platform = posix,
  folder = "/srv/app",
): ManifestError {
  try {
    parseManifest(document, platform, { file: FILE, folder, operation: "apply" });
  } catch (error) {
    assert.ok(error instanceof ManifestError, `expected a ManifestError, got ${error}`);
    return error;
  }
  assert.fail("the manifest was accepted");
}

const link = (extra: Record<string, unknown> = {}) => ({ virtual: "v", backing: "b", ...extra });

Deno.test("a good manifest: relative paths against the manifest's folder, defaults filled in", () => {
  const manifest = parseManifest(
    {
      $schema: "./bindlink.schema.json",
      links: [
        link({ readOnly: true }),
        { virtual: "/abs/w", backing: "../shared", merged: true, exceptions: ["/abs/w/keep"] },
      ],
    },
    posix,
    { file: FILE, folder: "/srv/app", operation: "apply" },
  );
  assert.equal(manifest.file, FILE);
  assert.deepEqual(manifest.links, [
    {
      virtualPath: "/srv/app/v",
      backingPath: "/srv/app/b",
      readOnly: true,
      merged: false,
      exceptions: [],
    },
    {
      virtualPath: "/abs/w",
      backingPath: "/srv/shared",
      readOnly: false,
      merged: true,
      exceptions: ["/abs/w/keep"],
    },
  ]);
});

Deno.test("the top level: not an object, unknown key, no links, links not an array, $schema", () => {
  const cases: [unknown, string, string | undefined][] = [
    [[], `${FILE}: a manifest must be a JSON object with a "links" array, not an array`, undefined],
    [null, `${FILE}: a manifest must be a JSON object with a "links" array, not null`, undefined],
    [
      { links: [], version: 2 },
      `${FILE}: unknown key "version"; the keys are $schema, links`,
      undefined,
    ],
    [
      { Links: [] },
      `${FILE}: unknown key "Links" (did you mean "links"?); the keys are $schema, links`,
      undefined,
    ],
    [{}, `${FILE}: "links" is missing (an array of links)`, undefined],
    [{ links: {} }, `${FILE}, "links": must be an array of links, not an object`, "links"],
    [
      { links: [], $schema: 1 },
      `${FILE}, "$schema": must be a string, not the number 1`,
      "$schema",
    ],
  ];
  for (const [document, summary, key] of cases) {
    const error = refused(document);
    assert.equal(error.summary, summary);
    assert.equal(error.code, "invalid-argument");
    assert.equal(error.file, FILE);
    assert.equal(error.key, key);
    assert.equal(error.linkIndex, undefined);
    assert.match(error.message, /^bindlink apply failed: .*Fix the manifest/);
  }
});

Deno.test("each link: wrong shape, unknown key, missing or mistyped keys, with index and key", () => {
  const at = (i: number, key?: string) => `${FILE}, links[${i}]${key ? `.${key}` : ""}: `;
  const cases: [unknown, number, string | undefined, string][] = [
    [
      "v=b",
      0,
      undefined,
      'a link must be an object with "virtual" and "backing", not the string "v=b"',
    ],
    [
      link({ readonly: true }),
      0,
      undefined,
      'unknown key "readonly" (did you mean "readOnly"?); the keys are virtual, backing, readOnly, merged, exceptions',
    ],
    [{ backing: "b" }, 0, undefined, '"virtual" is missing (a path, as a string)'],
    [{ virtual: "v" }, 0, undefined, '"backing" is missing (a path, as a string)'],
    [link({ virtual: 7 }), 0, "virtual", "must be a path (a string), not the number 7"],
    [link({ backing: null }), 0, "backing", "must be a path (a string), not null"],
    [
      link({ readOnly: "yes" }),
      0,
      "readOnly",
      'must be true or false (a boolean), not the string "yes"',
    ],
    [link({ merged: 1 }), 0, "merged", "must be true or false (a boolean), not the number 1"],
    [
      link({ exceptions: "v/x" }),
      0,
      "exceptions",
      'must be an array of paths (strings), not the string "v/x"',
    ],
    [
      link({ exceptions: ["v/x", false] }),
      0,
      "exceptions[1]",
      "must be a path (a string), not the boolean false",
    ],
  ];
  for (const [bad, i, key, what] of cases) {
    const error = refused({ links: [link({ virtual: "first" }), bad].slice(1 - i) });
    assert.equal(error.summary, at(i, key) + what);
    assert.equal(error.linkIndex, i);
    assert.equal(error.code, "invalid-argument");
  }
  const second = refused({ links: [link({ virtual: "a" }), link({ virtual: "b", merged: "no" })] });
  assert.equal(second.linkIndex, 1);
  assert.equal(second.key, "merged");
  assert.equal(second.toJSON().linkIndex, 1, "JSON output carries the index");
});

Deno.test("paths that fail validation are refused with the key and the path's problem", () => {
  const empty = refused({ links: [link({ backing: " " })] });
  assert.equal(empty.summary, `${FILE}, links[0].backing: the backing path is empty`);
  assert.equal(empty.code, "invalid-path");
  const nul = refused({ links: [link({ virtual: "a\0b" })] });
  assert.equal(nul.summary, `${FILE}, links[0].virtual: the virtual path contains a NUL character`);
  const forbidden = refused({ links: [link({ virtual: "C:\\app\\a|b" })] }, windows, "C:\\app");
  assert.equal(forbidden.key, "virtual");
  assert.match(forbidden.summary, /^\/srv\/app\/bindlink\.json, links\[0\]\.virtual: .*\|/);
  const same = refused({ links: [link({ virtual: "x", backing: "./x" })] });
  // The words after the colon are the library's own (lib/prepare.ts).
  assert.ok(
    same.summary.startsWith(
      `${FILE}, links[0]: the virtual path and the backing path are the same place`,
    ),
    same.summary,
  );
  const outside = refused({ links: [link({ exceptions: ["/elsewhere"] })] });
  assert.equal(outside.key, "exceptions");
  assert.equal(
    outside.summary,
    `${FILE}, links[0].exceptions: the exception path /elsewhere is not below the virtual path`,
  );
  assert.equal(outside.virtualPath, "/srv/app/v");
});

Deno.test("a virtual path given twice is found by path identity, not by spelling", () => {
  const twice = refused({ links: [link({ virtual: "a" }), link({ virtual: "./b/../a/" })] });
  assert.equal(twice.linkIndex, 1);
  assert.equal(twice.key, "virtual");
  assert.equal(
    twice.summary,
    `${FILE}, links[1].virtual: the virtual path /srv/app/a is the same place as links[0]'s ` +
      "(/srv/app/a); a place can show only one link",
  );
  // Windows compares case-insensitively: C:\App\Data and c:\app\DATA are one place.
  const windowsTwice = refused(
    { links: [link({ virtual: "C:\\App\\Data" }), link({ virtual: "c:\\app\\DATA" })] },
    windows,
    "C:\\work",
  );
  assert.equal(windowsTwice.linkIndex, 1);
  // On Linux those are two places.
  const specs = resolveLinks(
    [link({ virtual: "/App" }), link({ virtual: "/app" })],
    posix,
    { folder: "/", operation: "run" },
  );
  assert.equal(specs.length, 2);
});

Deno.test("loadManifest reads the file, resolves against its folder, and names it in errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bindlink-manifest-" });
  try {
    const file = path.join(dir, "bindlink.json");
    await Deno.writeTextFile(file, JSON.stringify({ links: [link({ backing: "../data" })] }));
    const platform = isWindows ? windows : posix;
    const folder = platform.cwd();
    for (const loaded of [await loadManifest(file, platform), loadManifestSync(file, platform)]) {
      assert.equal(loaded.file, file);
      assert.ok(platform.paths.same(loaded.links[0].virtualPath, path.join(dir, "v")));
      assert.ok(platform.paths.same(loaded.links[0].backingPath, path.join(dir, "..", "data")));
    }
    assert.equal(platform.cwd(), folder, "the current directory plays no part");

    await Deno.writeTextFile(file, '{ "links": [ }');
    const broken = await loadManifest(file, platform).then(() => undefined, (e) => e);
    assert.ok(broken instanceof ManifestError);
    assert.equal(broken.code, "invalid-argument");
    assert.match(broken.summary, new RegExp(`^${RegExp.escape(file)} is not valid JSON \\(`));

    const missing = path.join(dir, "nope.json");
    const gone = await loadManifest(missing, platform, { operation: "status" }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(gone instanceof ManifestError);
    assert.equal(gone.code, "not-found");
    assert.equal(gone.operation, "status");
    assert.equal(gone.summary, `the manifest ${missing} does not exist`);

    // readFrom: the checked real file is read, the given name is reported.
    await Deno.writeTextFile(file, JSON.stringify({ links: [{ virtual: 1, backing: "b" }] }));
    const named = loadManifestSync("shown.json", platform, { readFrom: file });
    assert.fail(`expected a refusal, got ${JSON.stringify(named)}`);
  } catch (error) {
    if (!(error instanceof ManifestError) || error.file !== "shown.json") throw error;
    assert.equal(
      error.summary,
      "shown.json, links[0].virtual: must be a path (a string), not the number 1",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the schema shipped at the root is the one in lib/manifest, and it lists every key", () => {
  const read = (p: string) =>
    JSON.parse(Deno.readTextFileSync(fileURLToPath(new URL(p, import.meta.url))));
  const schema = read("../../lib/manifest/schema.json");
  assert.deepEqual(read("../../bindlink.schema.json"), schema);
  assert.deepEqual(Object.keys(schema.properties).sort(), ["$schema", "links"]);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(Object.keys(schema.$defs.link.properties).sort(), [
    "backing",
    "exceptions",
    "merged",
    "readOnly",
    "virtual",
  ]);
  assert.deepEqual(schema.$defs.link.required, ["virtual", "backing"]);
  assert.equal(schema.$defs.link.additionalProperties, false);
});
