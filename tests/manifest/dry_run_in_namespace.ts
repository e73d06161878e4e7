/**
 * End-to-end tests of `apply --dry-run` on Linux: it fails where apply fails, with the same
 * error code, and changes nothing. Run only by ./linux_e2e_test.ts, as root inside
 * `unshare -m --propagation private`.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMountInfo } from "../support/mountinfo.ts";
import { readableCli } from "../support/readable_checkout.ts";

if (Deno.env.get("BINDLINK_E2E_IN_PRIVATE_NAMESPACE") !== "1") {
  throw new Error(
    "run tests/manifest/linux_e2e_test.ts, which starts this file in a private namespace",
  );
}

const cli = fileURLToPath(new URL("../../cli.ts", import.meta.url));
const scratch = Deno.env.get("BINDLINK_E2E_SCRATCH")!;
const FLAGS = ["--allow-ffi", "--allow-read", "--allow-write"];
const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];
const decoder = new TextDecoder();

function sh(cmd: string, ...args: string[]): void {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
}

sh("mount", "-t", "tmpfs", "bindlink-dry-run", scratch);
sh("mount", "-t", "tmpfs", "bindlink-dry-run-run", "/run");
Deno.chmodSync(scratch, 0o755);
let counter = 0;

/** `bindlink <args> --json` as a separate process (as uid 65534 with `nobody`). */
function bindlink(args: string[], nobody = false): { code: number; error?: string; text: string } {
  // The checkout may be readable by root only: uid 65534 runs a world-readable copy.
  const script = nobody ? readableCli(scratch) : cli;
  const deno = [Deno.execPath(), "run", "--no-config", ...FLAGS, script, ...args, "--json"];
  const [cmd, ...rest] = nobody ? ["setpriv", ...NOBODY, ...deno] : deno;
  const home = path.join(scratch, nobody ? ".deno-nobody" : ".deno");
  Deno.mkdirSync(home, { recursive: true, mode: 0o777 });
  Deno.chmodSync(home, 0o777);
  const out = new Deno.Command(cmd, { args: rest, env: { NO_COLOR: "1", DENO_DIR: home } })
    .outputSync();
  const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
  let error: string | undefined;
  try {
    error = JSON.parse(decoder.decode(out.stdout)).error?.code;
  } catch { /* not JSON: the text says why */ }
  return { code: out.code, error, text };
}

/** A folder with data/{a,b} (a file each), data/file, and v/{a,b,c}; paths world-readable. */
function fresh(): string {
  const dir = path.join(scratch, `t${++counter}`);
  for (const name of ["a", "b"]) {
    Deno.mkdirSync(path.join(dir, "data", name), { recursive: true });
    Deno.writeTextFileSync(path.join(dir, "data", name, `${name}.txt`), name);
  }
  for (const name of ["a", "b", "c"]) {
    Deno.mkdirSync(path.join(dir, "v", name), { recursive: true });
  }
  Deno.writeTextFileSync(path.join(dir, "data", "file"), "a file");
  return dir;
}

function manifest(dir: string, links: unknown[]): string {
  const file = path.join(dir, "bindlink.json");
  Deno.writeTextFileSync(file, JSON.stringify({ links }));
  Deno.chmodSync(file, 0o644);
  return file;
}

function mountsBelow(dir: string): string[] {
  return readMountInfo().map((m) => m.mountPoint).filter((p) => p.startsWith(dir + "/"));
}

const GOOD = [{ virtual: "v/a", backing: "data/a" }, { virtual: "v/b", backing: "data/b" }];

const CASES: { name: string; bad: Record<string, unknown>; code: string }[] = [
  {
    name: "a missing backing path",
    bad: { virtual: "v/c", backing: "data/gone" },
    code: "not-found",
  },
  {
    name: "a file over a folder",
    bad: { virtual: "v/c", backing: "data/file" },
    code: "invalid-path",
  },
  {
    name: "a merged link's backing path inside its virtual path",
    bad: { virtual: "v/c", backing: "v/c/inner", merged: true },
    code: "invalid-argument",
  },
];

for (const c of CASES) {
  Deno.test(`apply --dry-run fails like apply for ${c.name}, and changes nothing`, () => {
    const dir = fresh();
    Deno.mkdirSync(path.join(dir, "v", "c", "inner"));
    const file = manifest(dir, [...GOOD, c.bad]);
    const dry = bindlink(["apply", "-f", file, "--dry-run"]);
    assert.equal(dry.code, 1, dry.text);
    assert.equal(dry.error, c.code, dry.text);
    assert.match(dry.text, /links\[2\]/, "the dry run names the link");
    assert.deepEqual(mountsBelow(dir), [], "the dry run changed nothing");
    const real = bindlink(["apply", "-f", file]);
    assert.equal(real.code, 1, real.text);
    assert.equal(real.error, dry.error, "apply fails with the same code");
    assert.deepEqual(mountsBelow(dir), []);
  });
}

Deno.test("apply --dry-run as an unelevated user fails like apply: access-denied", () => {
  const dir = fresh();
  const file = manifest(dir, GOOD);
  const dry = bindlink(["apply", "-f", file, "--dry-run"], true);
  assert.equal(dry.code, 1, dry.text);
  assert.equal(dry.error, "access-denied", dry.text);
  const real = bindlink(["apply", "-f", file], true);
  assert.equal(real.code, 1, real.text);
  assert.equal(real.error, "access-denied", real.text);
  assert.deepEqual(mountsBelow(dir), []);
});

Deno.test("apply --dry-run passes a manifest apply makes, links inside links included", () => {
  const dir = fresh();
  // v/a/sub exists only once v/a shows data/a: the dry run cannot check it beforehand.
  Deno.mkdirSync(path.join(dir, "data", "a", "sub"));
  const file = manifest(dir, [...GOOD, { virtual: "v/a/sub", backing: "data/b" }]);
  const dry = bindlink(["apply", "-f", file, "--dry-run"]);
  assert.equal(dry.code, 0, dry.text);
  assert.deepEqual(mountsBelow(dir), []);
  const real = bindlink(["apply", "-f", file]);
  assert.equal(real.code, 0, real.text);
  assert.equal(bindlink(["down", "-f", file]).code, 0);
});
