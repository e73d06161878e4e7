/**
 * Validates bindlink.dsc.resource.json against DSC's published v3 resource manifest schema,
 * and the example configuration documents against its configuration document schema, when
 * the steering folder's copy of those schemas (../shared/dsc/) is beside the checkout. A
 * user's clone has no such folder: then this says so and passes. Run by `deno task check`.
 *
 * Usage: deno run --allow-read --allow-env tools/check_dsc_manifest.ts
 */
import Ajv2020 from "npm:ajv@8.17.1/dist/2020.js";
import { parse } from "npm:yaml@2.8.1";

const repo = new URL("../", import.meta.url);
const shared = new URL("../../shared/dsc/", import.meta.url);

function readJson(url: URL): unknown {
  return JSON.parse(Deno.readTextFileSync(url));
}

try {
  Deno.statSync(shared);
} catch {
  console.log("check_dsc_manifest: ../shared/dsc/ is not here; nothing to validate against");
  Deno.exit(0);
}

// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
let failed = false;
function validate(schemaFile: string, value: unknown, what: string): void {
  let check = compiled.get(schemaFile);
  if (!check) {
    check = ajv.compile(readJson(new URL(schemaFile, shared)));
    compiled.set(schemaFile, check);
  }
  if (check(value)) {
    console.log(`check_dsc_manifest: ${what} is valid against ${schemaFile}`);
  } else {
    failed = true;
    console.error(`check_dsc_manifest: ${what}: ${ajv.errorsText(check.errors)}`);
  }
}

validate(
  "manifest.bundled.json",
  readJson(new URL("bindlink.dsc.resource.json", repo)),
  "bindlink.dsc.resource.json",
);
for (const os of ["linux", "windows"]) {
  const file = `examples/links.${os}.dsc.yaml`;
  validate("config.document.bundled.json", parse(Deno.readTextFileSync(new URL(file, repo))), file);
}
if (failed) Deno.exit(1);
