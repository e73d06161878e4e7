/**
 * Names that are not UTF-8 are refused, never changed on the way in (#18, case 4): Deno gives
 * bindlink U+FFFD for argument bytes that are not UTF-8, and a name read back from the kernel
 * that is not UTF-8 could not be named again. Every case: `invalid-path`, nothing changed.
 */
import assert from "node:assert/strict";
import { BindLinkError } from "../../lib/errors.ts";
import {
  api,
  cli,
  denoRunArgs,
  files,
  filesBelow,
  fresh,
  mountsBelow,
  runCli,
  scratch,
  sh,
  stateDir,
} from "./e2e_support.ts";

/** Runs `sh -c script` with `$0` the folder and `$@` the CLI's command line. */
function cliThroughShell(dir: string, script: string, args: string[]) {
  const out = new Deno.Command("sh", {
    args: ["-c", script, dir, Deno.execPath(), ...denoRunArgs(cli, args)],
    env: { NO_COLOR: "1", DENO_DIR: `${scratch}/.deno` },
  }).outputSync();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** The raw names in `dir`, as bytes in hex (Deno's own names would hide the difference). */
function rawNames(dir: string): string {
  const out = new Deno.Command("sh", {
    args: ["-c", 'cd "$0" && find . | LC_ALL=C sort | od -An -tx1 | tr -d " \\n"', dir],
  }).outputSync();
  return new TextDecoder().decode(out.stdout);
}

function assertInvalidPath(out: { code: number; stdout: string; stderr: string }): void {
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const { error } = JSON.parse(out.stdout);
  assert.equal(error.code, "invalid-path", error.message);
  assert.match(error.message, /bindlink handles only UTF-8 names on Linux/);
}

const records = () => filesBelow("/run/bindlink").filter((f) => !f.endsWith("/lock"));

Deno.test("a command-line name that is not UTF-8 is refused; nothing is made or mounted", () => {
  const dir = fresh("u");
  files(dir, ["Bar/Cow.txt"]);
  sh("sh", "-c", 'mkdir "$(printf "%s/v\\377" "$0")"', dir);
  const before = rawNames(dir);
  const out = cliThroughShell(dir, 'exec "$@" "$(printf "%s/v\\377" "$0")" "$0/Bar" --json', [
    "create",
  ]);
  assertInvalidPath(out);
  assert.equal(rawNames(dir), before, "no folder v<U+FFFD> was made");
  assert.deepEqual(mountsBelow(dir), []);
});

Deno.test("a parent reached through a symlink and named with byte 0xfd is refused, unrecorded", async () => {
  const dir = fresh("u");
  files(dir, ["Bar/Cow.txt"]);
  sh("sh", "-c", 'mkdir "$(printf "%s/p\\375" "$0")" && ln -s "$(printf "p\\375")" "$0/link"', dir);
  // An unrelated empty folder with the name the lossy reading would have recorded.
  Deno.mkdirSync(`${dir}/p\uFFFD/new`, { recursive: true });
  const before = rawNames(dir);
  const recordsBefore = records();
  assertInvalidPath(runCli(["create", `${dir}/link/new`, `${dir}/Bar`, "--json"]));
  assert.equal(rawNames(dir), before, "no mount point was made");
  assert.deepEqual(mountsBelow(dir), []);
  assert.deepEqual(records(), recordsBefore, "nothing was recorded");
  // The library says the same, and removing the lossy name deletes nothing of the user's.
  const libraryError = await api.createBindLink(`${dir}/link/new`, `${dir}/Bar`).then(
    () => undefined,
    (error) => error,
  );
  assert.ok(libraryError instanceof BindLinkError);
  assert.equal(libraryError.code, "invalid-path");
  assert.match(
    libraryError.message,
    /-> .*\/Bar: the path a symlink leads to is ".*\/p\\xfd", which is not UTF-8/,
  );
  assert.equal(runCli(["remove", `${dir}/p\uFFFD/new`, "--json"]).code, 1);
  assert.equal(rawNames(dir), before, "the unrelated folder is still there");
  assert.deepEqual(filesBelow(stateDir).filter((f) => !f.endsWith("/lock")), []);
});

Deno.test("a manifest path with a lone surrogate is refused before anything changes", () => {
  const dir = fresh("u");
  files(dir, ["Bar/Cow.txt"]);
  const manifest = `${dir}/bindlink.json`;
  // JSON's own escape: the file is plain ASCII, the parsed path holds U+D800 alone.
  Deno.writeTextFileSync(
    manifest,
    `{"links": [{"virtual": "${dir}/a\\ud800", "backing": "${dir}/Bar"}]}`,
  );
  const before = rawNames(dir);
  assertInvalidPath(runCli(["apply", "-f", manifest, "--json"]));
  assert.equal(rawNames(dir), before, "no folder a<U+FFFD> was made");
  assert.deepEqual(mountsBelow(dir), []);
});
