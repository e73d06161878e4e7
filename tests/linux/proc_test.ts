/**
 * /proc and the uid through libc, libc found by fixed path: what the documented flags need.
 * Run in this suite with broad flags; the check that nothing else is needed is the CLI run
 * by the end-to-end suite with exactly --allow-ffi --allow-read --allow-write.
 */
import assert from "node:assert/strict";
import { libcPath } from "../../lib/linux/libc_ffi.ts";
import { effectiveUid, readProcFile } from "../../lib/linux/proc.ts";
import { parseProcStat } from "../../lib/linux/process.ts";
import { factsAt, hasUniqueMountIds } from "../../lib/linux/mount_facts.ts";
import { mountNamespaceId } from "../../lib/linux/mount_tree.ts";
import { openAbsolute, openPath, pathOfFd } from "../../lib/linux/paths.ts";
import { closeFd, SystemCallError } from "../../lib/linux/syscall.ts";

const linux = Deno.build.os === "linux";

Deno.test("libc is found by absolute path from the fixed list, never a bare name", () => {
  if (linux) assert.match(libcPath(), /^\/.*\/libc\.so\.6$/);
  assert.throws(
    () => libcPath("sparc"),
    /glibc was not found .* for sparc: \(no list for this CPU\)/,
  );
});

Deno.test("/proc/<pid>/stat: the start time is field 22, even with a ) in the name", () => {
  const text = "4242 (a) b) c) S 1 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 1 2 3";
  assert.deepEqual(parseProcStat(text), { state: "S", start: "987654" });
  assert.equal(parseProcStat("garbage"), undefined);
});

Deno.test({ name: "readProcFile and geteuid through libc", ignore: !linux }, () => {
  const status = readProcFile("/proc/self/status");
  assert.match(status ?? "", /^Uid:/m);
  const uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status!)![1]);
  assert.equal(effectiveUid(), uid);
  assert.equal(readProcFile("/proc/self/no-such-file"), undefined);
  assert.equal(readProcFile("/proc/999999999/stat"), undefined, "a process that is gone");
});

Deno.test({
  name: "readProcFile: a file past the first 4 KiB buffer is read whole",
  ignore: !linux,
}, () => {
  const dir = Deno.makeTempDirSync();
  try {
    // Lines that all differ, so a chunk read twice or skipped changes the text.
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} of the file`);
    const big = lines.join("\n") + "\n";
    assert.ok(big.length > 8 * 4096, "several doublings of the first buffer");
    Deno.writeTextFileSync(`${dir}/big`, big);
    assert.equal(readProcFile(`${dir}/big`), big);
    // Exactly one buffer full: the buffer grows before the read that finds the end.
    const exact = "x".repeat(4095) + "\n";
    Deno.writeTextFileSync(`${dir}/exact`, exact);
    assert.equal(readProcFile(`${dir}/exact`), exact);
    // The shared buffer keeps nothing of an earlier, longer read.
    Deno.writeTextFileSync(`${dir}/small`, "small\n");
    assert.equal(readProcFile(`${dir}/small`), "small\n");
    // A /proc file (size 0 to stat) past one buffer: every line of it, up to the last newline.
    const maps = readProcFile("/proc/self/maps")!;
    assert.ok(maps.length > 4096, `this process's memory map is ${maps.length} bytes`);
    assert.ok(maps.endsWith("\n"));
    for (const line of maps.trimEnd().split("\n")) assert.match(line, /^[0-9a-f]+-[0-9a-f]+ /);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test(
  { name: "mount facts: the root's facts and the namespace's 64-bit ID", ignore: !linux },
  () => {
    const root = factsAt("/")!;
    assert.equal(root.kind, "directory");
    assert.ok(root.isMountRoot);
    assert.match(mountNamespaceId(), /^i?\d+$/);
    assert.equal(factsAt("/no/such/path"), undefined);
  },
);

const uniqueIds = linux && hasUniqueMountIds();

Deno.test({
  name: "mount facts: unique mount IDs (skipped: this kernel has none, they came in Linux 6.8)",
  ignore: !uniqueIds,
}, () => {
  assert.match(factsAt("/")!.mountId, /^u\d+$/);
});

Deno.test({
  name: "mount facts: the fallback mount ID (skipped: this kernel has unique mount IDs)",
  ignore: !linux || uniqueIds,
}, () => {
  assert.match(factsAt("/")!.mountId, /^r\d+\.\d+:\d+$/);
});

Deno.test({
  name: "openPath: symlinks followed once, magic links and escapes refused",
  ignore: !linux,
}, () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync());
  Deno.mkdirSync(`${dir}/real/in`, { recursive: true });
  Deno.symlinkSync(`${dir}/real`, `${dir}/link`);
  Deno.symlinkSync("/etc", `${dir}/real/out`);
  const fd = openAbsolute(`${dir}/link/in`)!;
  assert.equal(pathOfFd(fd), `${dir}/real/in`, "resolved once, to where it leads");
  const base = openAbsolute(`${dir}/real`)!;
  assert.throws(
    () => openPath(base, "out/passwd", { beneath: true }),
    (e) => e instanceof SystemCallError && e.errno === 18, // EXDEV: it would leave
  );
  assert.throws(
    () => openAbsolute(`/proc/self/fd/${fd}`),
    (e) => e instanceof SystemCallError && e.errno === 40, // ELOOP: no magic links
  );
  assert.equal(openAbsolute(`${dir}/nothing`), undefined);
  closeFd(fd);
  closeFd(base);
  Deno.removeSync(dir, { recursive: true });
});
