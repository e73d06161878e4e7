/**
 * Validates every workflow in .github/workflows/ against GitHub Actions' workflow schema with
 * action-validator (npm, dev tooling only), one file per run as its CLI takes them. Run by
 * `deno task check`.
 *
 *   deno run --allow-read --allow-run tools/release_check_workflows.ts
 */
const VALIDATOR = "npm:@action-validator/cli@0.6.0";
const folder = new URL("../.github/workflows/", import.meta.url);

const files = [...Deno.readDirSync(folder)]
  .filter((e) => e.isFile && /\.ya?ml$/.test(e.name))
  .map((e) => e.name)
  .sort();
if (files.length === 0) {
  console.error("release_check_workflows: .github/workflows/ has no workflow");
  Deno.exit(1);
}
let failed = false;
for (const name of files) {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", VALIDATOR, `.github/workflows/${name}`],
    cwd: new URL("../", import.meta.url),
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (result.success) {
    console.log(`release_check_workflows: .github/workflows/${name} is a valid workflow`);
  } else {
    failed = true;
    console.error(`release_check_workflows: .github/workflows/${name}:\n${out}`);
  }
}
if (failed) Deno.exit(1);
