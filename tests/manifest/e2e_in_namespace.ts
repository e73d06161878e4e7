/**
 * End-to-end tests of manifests on Linux: the CLI as a user runs it (exactly the documented
 * permissions), down to the kernel. Run only by ./linux_e2e_test.ts, as root inside
 * `unshare -m --propagation private`: every mount made here, the scratch tmpfs and the tmpfs
 * over /run included, dies with that namespace.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMountInfo } from "../support/mountinfo.ts";
import { delay, exists } from "../support/waiting.ts";

if (Deno.env.get("BINDLINK_E2E_IN_PRIVATE_NAMESPACE") !== "1") {
  throw new Error(
    "run tests/manifest/linux_e2e_test.ts, which starts this file in a private namespace",
  );
}

const cli = fileURLToPath(new URL("../../cli.ts", import.meta.url));
const scratch = Deno.env.get("BINDLINK_E2E_SCRATCH")!;
const STATE = "/run/bindlink";
const FLAGS = ["--allow-ffi", "--allow-read", "--allow-write"];
const decoder = new TextDecoder();

function sh(cmd: string, ...args: string[]): void {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
}

sh("mount", "-t", "tmpfs", "bindlink-manifest-e2e", scratch);
sh("mount", "-t", "tmpfs", "bindlink-manifest-e2e-run", "/run");
const env = { NO_COLOR: "1", DENO_DIR: path.join(scratch, ".deno") };
let counter = 0;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `bindlink <args>` as a separate process, with the documented flags (+ extra ones). */
function bindlink(args: string[], extra: string[] = [], cwd?: string): Result {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", ...FLAGS, ...extra, cli, ...args],
    env,
    cwd,
  }).outputSync();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/**
 * `bindlink <args>` started in its own session (so its process group can get Ctrl+C). Its
 * output goes nowhere: a pipe would stay open as long as a command it started runs, and a
 * test waiting for the pipe's end would wait for that command.
 */
function spawnBindlink(args: string[], extra: string[] = []): Deno.ChildProcess {
  return new Deno.Command("setsid", {
    args: [Deno.execPath(), "run", "--no-config", ...FLAGS, ...extra, cli, ...args],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** A fresh folder with backing folders a..f holding a file each, and the virtual places. */
function fresh(): string {
  const dir = path.join(scratch, `t${++counter}`);
  for (const name of ["a", "b", "c", "d", "e", "f"]) {
    Deno.mkdirSync(path.join(dir, "data", name, "sub"), { recursive: true });
    Deno.writeTextFileSync(path.join(dir, "data", name, `${name}.txt`), name);
    Deno.mkdirSync(path.join(dir, "v", name), { recursive: true });
    Deno.writeTextFileSync(path.join(dir, "v", name, "own.txt"), `own ${name}`);
  }
  return dir;
}

/** Writes a manifest (paths relative to its folder) and returns its path. */
function manifest(dir: string, links: unknown[], name = "bindlink.json"): string {
  const file = path.join(dir, name);
  Deno.writeTextFileSync(file, JSON.stringify({ links }, null, 2));
  return file;
}

/** Three links out of order: v/a/sub lies inside v/a, view shows v/a. */
const THREE = [
  { virtual: "v/a/sub", backing: "data/b" },
  { virtual: "v/a", backing: "data/a", readOnly: true },
  { virtual: "v/c", backing: "v/a" },
];

function mountsBelow(dir: string): string[] {
  return readMountInfo().filter((m) => m.mountPoint.startsWith(dir + "/"))
    .map((m) => `${m.mountPoint} ${m.root} ${m.fsType ?? ""}`).sort();
}

function countAt(mountPoint: string): number {
  return readMountInfo().filter((m) => m.mountPoint === mountPoint).length;
}

/** Every file and folder below `dir` with its contents (files), mount points not followed. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const entry of Deno.readDirSync(at)) {
      const full = path.join(at, entry.name);
      const relative = prefix + entry.name;
      if (entry.isDirectory) {
        out.push(relative + "/");
        walk(full, relative + "/");
      } else {
        out.push(`${relative}=${entry.isFile ? Deno.readTextFileSync(full) : "?"}`);
      }
    }
  };
  walk(dir, "");
  return out.sort();
}

/** bindlink's operation records (not the namespace's own folders and locks). */
function operationRecords(): string[] {
  try {
    return [...Deno.readDirSync(STATE)].map((e) => e.name).filter((n) =>
      n.startsWith("operation.")
    );
  } catch {
    return [];
  }
}

/** What the machine looks like: mounts below `dir`, its files, and bindlink's records. */
function machine(dir: string) {
  return { mounts: mountsBelow(dir), files: tree(dir), records: operationRecords() };
}

Deno.test("apply makes the links in order; a second apply changes nothing and says so", () => {
  const dir = fresh();
  const file = manifest(dir, THREE);
  const first = bindlink(["apply", "-f", file]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Created 3, replaced 0, 0 unchanged/);
  assert.deepEqual(
    [...Deno.readDirSync(`${dir}/v/a`)].map((e) => e.name).sort(),
    ["a.txt", "sub"],
    "v/a shows data/a",
  );
  assert.equal(Deno.readTextFileSync(`${dir}/v/a/sub/b.txt`), "b", "v/a/sub shows data/b");
  assert.equal(Deno.readTextFileSync(`${dir}/v/c/sub/b.txt`), "b", "v/c shows v/a, with its sub");
  assert.throws(() => Deno.writeTextFileSync(`${dir}/v/a/new.txt`, "x"), /Read-only/);
  const after = machine(dir);
  const second = bindlink(["apply", "-f", file, "--json"]);
  assert.equal(second.code, 0, second.stderr);
  const json = JSON.parse(second.stdout);
  assert.equal(json.changed, false);
  assert.deepEqual(json.links.map((l: { action: string }) => l.action), [
    "unchanged",
    "unchanged",
    "unchanged",
  ]);
  assert.deepEqual(machine(dir), after, "the second apply changed nothing");
  const third = bindlink(["apply", "-f", file]);
  assert.match(third.stdout, /Nothing to do: all 3 links are live as described/);
  assert.equal(bindlink(["down", "-f", file]).code, 0);
  assert.deepEqual(mountsBelow(dir), []);
});

Deno.test("a manifest whose link k fails leaves the machine exactly as before", () => {
  const dir = fresh();
  const file = manifest(dir, [...THREE, { virtual: "v/d", backing: "data/missing" }]);
  bindlink(["status", "-f", file]); // the namespace's state folder exists before and after
  const before = machine(dir);
  const failed = bindlink(["apply", "-f", file]);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /links\[3\] .*\/v\/d -> .*\/data\/missing failed while making it: /);
  assert.match(failed.stderr, /so nothing was changed/);
  assert.deepEqual(machine(dir), before);
});

Deno.test("status after a link is removed by hand; apply puts it back; down removes all", () => {
  const dir = fresh();
  const file = manifest(dir, THREE);
  assert.equal(bindlink(["apply", "-f", file]).code, 0);
  assert.equal(bindlink(["status", "-f", file]).code, 0);
  sh("umount", "-R", `${dir}/v/c`); // v/c/sub came with it (a recursive bind)
  const status = bindlink(["status", "-f", file]);
  assert.equal(status.code, 1);
  assert.match(status.stdout, /^ {2}missing +.*\/v\/c -> .*\/v\/a$/m);
  assert.match(status.stdout, /^ {2}ok +.*\/v\/a -> .*\/data\/a \(read-only\)$/m);
  const again = bindlink(["apply", "-f", file]);
  assert.match(again.stdout, /Created 1, replaced 0, 2 unchanged/);
  const down = bindlink(["down", "-f", file]);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /Removed 3 links/);
  assert.deepEqual(mountsBelow(dir), []);
  const pristine = tree(fresh()).filter((f) => f.startsWith("v/") && f !== "v/");
  assert.deepEqual(tree(`${dir}/v`), pristine.map((f) => f.slice(2)), "v shows its own files");
  assert.match(bindlink(["down", "-f", file]).stdout, /Nothing to remove/);
});

Deno.test("elevated, a manifest other users can change is refused unless --allow-untrusted-manifest", () => {
  const dir = fresh();
  const file = manifest(dir, THREE);
  Deno.chmodSync(file, 0o666);
  const refused = bindlink(["apply", "-f", file]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not trusted/);
  assert.deepEqual(mountsBelow(dir), []);
  assert.equal(bindlink(["apply", "-f", file, "--allow-untrusted-manifest"]).code, 0);
  assert.equal(bindlink(["down", "-f", file, "--allow-untrusted-manifest"]).code, 0);
});

Deno.test("run: the links exist for the command only, in its own namespace; its exit code comes back", () => {
  const dir = fresh();
  const file = manifest(dir, THREE);
  const before = machine(dir);
  const ok = bindlink(
    ["run", "-f", file, "--link", "v/e=data/e,ro", "--", "sh", "-c", "cat v/a/sub/b.txt v/e/e.txt"],
    ["--allow-run"],
    dir,
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, "be");
  assert.deepEqual(machine(dir), before, "nothing of the run is left, nor was it ever here");
  const failed = bindlink(["run", "-f", file, "--", "sh", "-c", "exit 3"], ["--allow-run"]);
  assert.equal(failed.code, 3);
  assert.deepEqual(machine(dir), before);
  const refused = bindlink(["run", "-f", file, "--", "true"]);
  assert.equal(refused.code, 1, "without --allow-run, run says what it needs");
  assert.match(refused.stderr, /--allow-run/);
});

/** Starts a run whose command writes its pid, then waits for `go`; returns both pids. */
async function startWaitingRun(dir: string, file: string) {
  const script = `echo $$ > ${dir}/pid; trap 'exit 130' INT; ` +
    `while [ ! -e ${dir}/go ]; do sleep 0.02; done; test -f v/a/a.txt`;
  const child = spawnBindlink(["run", "-f", file, "--", "sh", "-c", `cd ${dir} && ${script}`], [
    "--allow-run",
  ]);
  for (let i = 0; i < 3000 && !exists(`${dir}/pid`); i++) await delay(10);
  if (!exists(`${dir}/pid`)) {
    Deno.kill(child.pid, "SIGKILL");
    await child.status;
    throw new Error("the command of bindlink run never started");
  }
  const pid = Number(Deno.readTextFileSync(`${dir}/pid`).trim());
  return { child, pid };
}

function mountPointsOf(pid: number, dir: string): string[] {
  return Deno.readTextFileSync(`/proc/${pid}/mountinfo`).split("\n")
    .map((line) => line.split(" ")[4]).filter((p) => p?.startsWith(dir + "/")).sort();
}

Deno.test("run: Ctrl+C reaches the command; the links go and the exit code is the command's", async () => {
  const dir = fresh();
  const file = manifest(dir, THREE);
  const before = machine(dir);
  const { child, pid } = await startWaitingRun(dir, file);
  try {
    assert.deepEqual(mountPointsOf(pid, dir), [
      `${dir}/v/a`,
      `${dir}/v/a/sub`,
      `${dir}/v/c`,
      `${dir}/v/c/sub`,
    ]);
    assert.deepEqual(mountsBelow(dir), [], "the links are invisible outside the run");
    Deno.kill(-child.pid, "SIGINT"); // the terminal sends Ctrl+C to the whole foreground group
    const status = await child.status;
    assert.equal(status.code, 130);
  } finally {
    release(dir, child);
  }
  Deno.removeSync(`${dir}/go`);
  Deno.removeSync(`${dir}/pid`);
  assert.deepEqual(machine(dir), before);
});

/** Lets a waiting command end (whatever a failed assertion left running). */
function release(dir: string, child: Deno.ChildProcess): void {
  Deno.writeTextFileSync(`${dir}/go`, "");
  try {
    Deno.kill(-child.pid, "SIGTERM");
  } catch { /* gone */ }
}

Deno.test("SIGKILL in the middle of an apply: status says what is half done; the next apply or down cleans up", async () => {
  const dir = fresh();
  const links = ["a", "b", "c", "d", "e", "f"].map((n, i) => ({
    virtual: `v/${n}`,
    backing: `data/${n}`,
    readOnly: i % 2 === 0,
  }));
  const file = manifest(dir, links);
  const points = links.map((l) => path.join(dir, l.virtual));
  const before = machine(dir);
  let halfDone = 0;
  for (let round = 0; round < 8; round++) {
    const child = spawnBindlink(["apply", "-f", file]);
    // Wait until the apply has written its record (it is about to change links), then kill
    // it a moment later: somewhere between its first change and its last.
    let seen = false;
    for (let i = 0; i < 5000 && !seen; i++) {
      seen = operationRecords().length > 0;
      if (!seen) await delay(1);
    }
    await delay(round % 4);
    try {
      Deno.kill(child.pid, "SIGKILL");
    } catch { /* it had finished */ }
    await child.status;
    for (const p of points) assert.ok(countAt(p) <= 1, `never two mounts at ${p}`);
    const status = bindlink(["status", "-f", file]);
    // A record its writer was killed writing (a .tmp) is no operation yet: nothing changed.
    if (operationRecords().some((n) => n.endsWith(".intent.json"))) {
      halfDone++;
      assert.equal(status.code, 1);
      assert.match(status.stdout, /half done +apply of .* by process \d+ .*rolls it back/);
    }
    const next = round % 2 === 0 ? "apply" : "down";
    const done = bindlink([next, "-f", file]);
    assert.equal(done.code, 0, done.stderr);
    if (next === "apply") {
      for (const p of points) assert.equal(countAt(p), 1, `round ${round}: ${p} linked once`);
      assert.equal(bindlink(["status", "-f", file]).code, 0);
      assert.equal(bindlink(["down", "-f", file]).code, 0);
    }
    assert.deepEqual(machine(dir), before, `round ${round}: after ${next} and down, as before`);
  }
  console.log(`  ${halfDone} of 8 rounds were killed half way`);
});

Deno.test("two applies at once, and an apply racing a down, never leave a manifest half applied", async () => {
  const dir = fresh();
  const links = ["a", "b", "c", "d"].map((n) => ({ virtual: `v/${n}`, backing: `data/${n}` }));
  const file = manifest(dir, links);
  const points = links.map((l) => path.join(dir, l.virtual));
  const before = machine(dir);
  const run = (command: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", ...FLAGS, cli, command, "-f", file],
      env,
      stdout: "null",
      stderr: "piped",
    }).output();
  for (let round = 0; round < 4; round++) {
    const [one, two] = await Promise.all([run("apply"), run("apply")]);
    assert.equal(one.code, 0, decoder.decode(one.stderr));
    assert.equal(two.code, 0, decoder.decode(two.stderr));
    for (const p of points) assert.equal(countAt(p), 1, `round ${round}: ${p} linked once`);
    const [up, down] = await Promise.all([run("apply"), run("down")]);
    assert.equal(up.code, 0, decoder.decode(up.stderr));
    assert.equal(down.code, 0, decoder.decode(down.stderr));
    const counts = points.map(countAt);
    assert.ok(
      counts.every((c) => c === 0) || counts.every((c) => c === 1),
      `round ${round}: all or none, got ${counts}`,
    );
    assert.equal(bindlink(["down", "-f", file]).code, 0);
    assert.deepEqual(machine(dir), before);
  }
});

Deno.test("withBindLinks in a script: the links go on SIGTERM, and the exit code says so", async () => {
  const dir = fresh();
  const mod = new URL("../../mod.ts", import.meta.url).href;
  const script = path.join(dir, "script.ts");
  Deno.writeTextFileSync(
    script,
    `import { withBindLinks } from ${JSON.stringify(mod)};\n` +
      `await withBindLinks([{ virtual: "v/a", backing: "data/a" }], async () => {\n` +
      `  Deno.writeTextFileSync("ready", "");\n` +
      `  await new Promise(() => {});\n` +
      `});\n`,
  );
  const before = machine(dir);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", ...FLAGS, script],
    cwd: dir,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 3000 && !exists(`${dir}/ready`); i++) await delay(10);
  try {
    assert.ok(exists(`${dir}/ready`), "the script's function ran");
    assert.equal(countAt(`${dir}/v/a`), 1, "the link lives while the function runs");
  } finally {
    Deno.kill(child.pid, "SIGTERM");
  }
  const status = await child.output();
  assert.equal(status.code, 143, decoder.decode(status.stderr));
  Deno.removeSync(`${dir}/ready`);
  assert.deepEqual(machine(dir), before);
});
