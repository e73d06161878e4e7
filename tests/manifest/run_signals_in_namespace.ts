/**
 * End-to-end tests of `bindlink run`'s signals: Ctrl+C through a real pseudo-terminal
 * (`script` of util-linux), `kill -INT` without a terminal, and `kill -9` of either bindlink.
 * The command counts the SIGINTs it gets into a file. Run only by ./linux_e2e_test.ts, as
 * root inside `unshare -m --propagation private`.
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
/** The documented flags of `run`. */
const FLAGS = ["--allow-ffi", "--allow-read", "--allow-write", "--allow-run"];
const env = { NO_COLOR: "1", DENO_DIR: path.join(scratch, ".deno") };

function sh(cmd: string, ...args: string[]): void {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

sh("mount", "-t", "tmpfs", "bindlink-run-signals", scratch);
sh("mount", "-t", "tmpfs", "bindlink-run-signals-run", "/run");

let counter = 0;
/**
 * A folder with data/x (holding x.txt), an empty v/, and cmd.sh: it writes its pid, counts
 * each SIGINT as a line of `ints`, and ends when `go` appears; it exits 3 if it could not see
 * the link v -> data/x.
 */
function fresh(): string {
  const dir = path.join(scratch, `t${++counter}`);
  Deno.mkdirSync(path.join(dir, "data", "x"), { recursive: true });
  Deno.mkdirSync(path.join(dir, "v"));
  Deno.writeTextFileSync(path.join(dir, "data", "x", "x.txt"), "x");
  Deno.writeTextFileSync(
    path.join(dir, "cmd.sh"),
    `#!/bin/sh\ncd ${dir}\ntest -f v/x.txt || exit 3\ntrap 'echo int >> ints' INT\n` +
      `echo $$ > pid\nwhile [ ! -e go ]; do sleep 0.05; done\n`,
  );
  Deno.chmodSync(path.join(dir, "cmd.sh"), 0o755);
  return dir;
}

/** The command line of `bindlink run --link v=data/x -- ./cmd.sh`. */
function runLine(): string[] {
  return [Deno.execPath(), "run", "--no-config", ...FLAGS, cli, "run", "--link", "v=data/x", "--"]
    .concat("./cmd.sh");
}

async function waitFor(file: string, what: string): Promise<void> {
  for (let i = 0; i < 3000 && !exists(file); i++) await delay(10);
  if (!exists(file)) throw new Error(`${what} never happened`);
}

function ints(dir: string): number {
  return exists(`${dir}/ints`) ? Deno.readTextFileSync(`${dir}/ints`).split("\n").length - 1 : 0;
}

function mountsBelow(dir: string): string[] {
  return readMountInfo().map((m) => m.mountPoint).filter((p) => p.startsWith(dir + "/"));
}

function parentOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function isRunning(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The processes in the mount namespace `ns` (as /proc/<pid>/ns/mnt reads). */
function processesIn(ns: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readLinkSync(`/proc/${entry.name}/ns/mnt`) === ns) pids.push(Number(entry.name));
    } catch { /* ended meanwhile */ }
  }
  return pids.filter(isRunning);
}

async function waitGone(pid: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 100 && isRunning(pid); i++) await delay(10);
  return !isRunning(pid);
}

for (const presses of [1, 2]) {
  Deno.test(`run through a terminal: ${presses} Ctrl+C give the command ${presses} SIGINT`, async () => {
    const dir = fresh();
    // script gives the run a pseudo-terminal as its controlling terminal and standard input;
    // a \x03 written to script's input is the Ctrl+C a user types, sent by the terminal to
    // its foreground process group.
    const quoted = runLine().map((a) => `'${a}'`).join(" ");
    const child = new Deno.Command("script", {
      args: ["-qfec", `exec ${quoted}`, "/dev/null"],
      cwd: dir,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const screen = new Response(child.stdout).text();
    const keyboard = child.stdin.getWriter();
    try {
      await waitFor(`${dir}/pid`, "the command's start");
      for (let i = 0; i < presses; i++) {
        await keyboard.write(new Uint8Array([3])).catch(async (error) => {
          throw new Error(`the run ended after ${i} Ctrl+C (${error}): ${await screen}`);
        });
        // Long enough for any copy bindlink passed on to arrive as a signal of its own.
        await delay(800);
      }
      Deno.writeTextFileSync(`${dir}/go`, "");
      const status = await child.status;
      assert.equal(status.code, 0, `the command ended by itself: ${await screen}`);
      assert.equal(ints(dir), presses, "each Ctrl+C reached the command once");
      assert.deepEqual(mountsBelow(dir), []);
    } finally {
      Deno.writeTextFileSync(`${dir}/go`, "");
      await keyboard.close().catch(() => {});
    }
  });
}

/** bindlink run started in `dir` with no terminal and its output dropped. */
function spawnQuiet(dir: string): Deno.ChildProcess {
  const [exe, ...args] = runLine();
  return new Deno.Command(exe, {
    args,
    cwd: dir,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

Deno.test("run without a terminal: kill -INT of bindlink alone reaches the command once", async () => {
  const dir = fresh();
  const child = spawnQuiet(dir);
  try {
    await waitFor(`${dir}/pid`, "the command's start");
    Deno.kill(child.pid, "SIGINT");
    await delay(800);
    Deno.writeTextFileSync(`${dir}/go`, "");
    assert.equal((await child.status).code, 0);
    assert.equal(ints(dir), 1, "passed on once, by the outer bindlink and then the inner");
  } finally {
    Deno.writeTextFileSync(`${dir}/go`, "");
  }
});

for (const victim of ["outer", "inner"] as const) {
  Deno.test(`run: kill -9 of the ${victim} bindlink ends the command, and no mount is left`, async () => {
    const dir = fresh();
    const child = spawnQuiet(dir);
    let pid = 0;
    try {
      await waitFor(`${dir}/pid`, "the command's start");
      pid = Number(Deno.readTextFileSync(`${dir}/pid`).trim());
      const inner = parentOf(pid);
      assert.equal(parentOf(inner), child.pid, "the inner bindlink is the outer one's child");
      const ns = Deno.readLinkSync(`/proc/${pid}/ns/mnt`);
      const linked = Deno.readTextFileSync(`/proc/${pid}/mountinfo`).split("\n")
        .filter((line) => line.split(" ")[4] === `${dir}/v`);
      assert.equal(linked.length, 1, "the command's namespace has the link");
      Deno.kill(victim === "outer" ? child.pid : inner, "SIGKILL");
      assert.ok(await waitGone(pid, 5), "the command ended within 5 seconds");
      assert.ok(await waitGone(inner, 5), "and the inner bindlink with it");
      await child.status;
      assert.deepEqual(mountsBelow(dir), [], "no mount is left here");
      // The command's last `sleep 0.05` may outlive it by a moment.
      for (let i = 0; i < 300 && processesIn(ns).length; i++) await delay(10);
      assert.deepEqual(processesIn(ns), [], "nor in the run's namespace: nothing holds it");
    } finally {
      Deno.writeTextFileSync(`${dir}/go`, "");
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
    }
  });
}
