/**
 * The resource manifest as dsc reads it: the fields the published v3 manifest schema has, the
 * version of deno.json, each method calling `bindlink dsc <operation>` on stdin, and the
 * embedded instance schema equal to what `bindlink dsc schema` prints.
 */
import assert from "node:assert/strict";
import { main } from "../../cli.ts";
import { INSTANCE_SCHEMA } from "../../lib/dsc/schema.ts";

const manifest = JSON.parse(
  Deno.readTextFileSync(new URL("../../bindlink.dsc.resource.json", import.meta.url)),
);
const denoJson = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));

Deno.test("the DSC manifest: type, version, kind and the four methods on stdin", () => {
  assert.equal(manifest.$schema, "https://aka.ms/dsc/schemas/v3/bundled/resource/manifest.json");
  assert.equal(manifest.type, "BindLink/Link");
  assert.equal(manifest.version, denoJson.version);
  assert.equal(manifest.kind, "resource");
  for (const operation of ["get", "set", "test", "export"]) {
    assert.deepEqual(
      { executable: manifest[operation].executable, args: manifest[operation].args },
      { executable: "bindlink", args: ["dsc", operation] },
    );
    assert.equal(manifest[operation].input, "stdin");
  }
  assert.equal(manifest.set.return, "state");
  assert.equal(manifest.set.handlesExist, true);
  assert.deepEqual(Object.keys(manifest.exitCodes), ["0", "1", "2"]);
  // Only fields of the published v3 bundled schema (whatIfArg and friends are newer).
  const known = [
    "$schema",
    "type",
    "version",
    "description",
    "kind",
    "tags",
    "get",
    "set",
    "test",
    "export",
    "exitCodes",
    "schema",
  ];
  for (const key of Object.keys(manifest)) assert.ok(known.includes(key), key);
});

Deno.test("the embedded instance schema is the one bindlink dsc schema prints", async () => {
  assert.deepEqual(manifest.schema.embedded, INSTANCE_SCHEMA);
  let stdout = "";
  const code = await main(["dsc", "schema"], { stdout: (t) => stdout += t });
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), manifest.schema.embedded);
  // DSC's canonical properties are references and nothing else.
  assert.deepEqual(Object.keys(INSTANCE_SCHEMA.properties._exist), ["$ref"]);
  assert.deepEqual(Object.keys(INSTANCE_SCHEMA.properties._inDesiredState), ["$ref"]);
  assert.equal(INSTANCE_SCHEMA.additionalProperties, false);
});

Deno.test("dsc: a missing or unknown operation is a usage error", async () => {
  for (const args of [["dsc"], ["dsc", "delete"], ["dsc", "get", "/x"]]) {
    let stderr = "";
    const code = await main(args, { stderr: (t) => stderr += t, stdout: () => {} });
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, /dsc/);
  }
});
