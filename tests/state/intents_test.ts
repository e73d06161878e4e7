/** IntentStore with scripted process facts: owners judged, temporary files recognized. */
import assert from "node:assert/strict";
import { IntentStore } from "../../lib/state/intents.ts";
import type { ProcessFacts } from "../../lib/state/process_facts.ts";
import { linuxProcessFacts } from "../../lib/linux/process.ts";

function facts(boot: string, pid: number, start: string, running: Set<string>): ProcessFacts {
  return {
    bootId: () => boot,
    self: () => ({ pid, start }),
    isRunning: (p, s) => running.has(`${p}/${s}`),
  };
}

Deno.test("a record is whole on disk before begin returns, updated atomically, gone at finish", () => {
  const dir = Deno.makeTempDirSync() + "/intents";
  const running = new Set(["10/500"]);
  const store = new IntentStore(dir, facts("bootA", 10, "500", running));
  const intent = store.begin("create", { make: ["/a"] }, "/a");
  const [pending] = store.list<{ make: string[] }>();
  assert.equal(pending.owner, "running");
  assert.equal(pending.partial, false);
  assert.deepEqual(pending.record?.steps, { make: ["/a"] });
  assert.equal(pending.record?.operation, "create");
  assert.equal(pending.record?.subject, "/a");
  assert.equal(pending.record?.pid, 10);
  assert.equal(pending.record?.bootId, "bootA");
  intent.update({ make: ["/a", "/b"] });
  assert.deepEqual(store.list<{ make: string[] }>()[0].record?.steps.make, ["/a", "/b"]);
  assert.deepEqual([...Deno.readDirSync(dir)].length, 1, "no temporary file is left");
  intent.finish();
  assert.deepEqual(store.list(), []);
});

Deno.test("owners: running, dead (pid gone or reused), earlier boot", () => {
  const dir = Deno.makeTempDirSync();
  const running = new Set(["1/100", "2/200", "3/300"]);
  new IntentStore(dir, facts("boot1", 1, "100", running)).begin("create", 1);
  new IntentStore(dir, facts("boot1", 2, "200", running)).begin("remove", 2);
  new IntentStore(dir, facts("boot0", 3, "300", running)).begin("apply", 3);
  running.delete("2/200");
  running.add("2/999"); // pid 2 reused by a later process
  const judged = new IntentStore(dir, facts("boot1", 9, "900", running)).list<number>()
    .map((p) => `${p.record?.steps}:${p.owner}`).sort();
  assert.deepEqual(judged, ["1:running", "2:dead", "3:earlier boot"]);
});

Deno.test("a record torn by a kill during its write is partial, and its owner read from the name", () => {
  const dir = Deno.makeTempDirSync();
  const running = new Set(["7/70"]);
  const store = new IntentStore(dir, facts("b", 7, "70", running), { prefix: "ns1." });
  Deno.writeTextFileSync(`${dir}/ns1.7.70.1.x.intent.tmp`, '{"version":1,"id":');
  Deno.writeTextFileSync(`${dir}/ns1.8.80.1.y.intent.json`, '{"vers');
  Deno.writeTextFileSync(`${dir}/ns2.8.80.1.z.intent.json`, "{}"); // another store's
  Deno.writeTextFileSync(`${dir}/unrelated.txt`, "");
  const found = store.list().map((p) => `${p.file.slice(dir.length + 1)}:${p.partial}:${p.owner}`)
    .sort();
  assert.deepEqual(found, [
    "ns1.7.70.1.x.intent.tmp:true:running",
    "ns1.8.80.1.y.intent.json:true:dead",
  ]);
  for (const pending of store.list()) if (pending.owner === "dead") store.discard(pending);
  assert.deepEqual(store.names(), ["ns1.7.70.1.x.intent.tmp"]);
});

Deno.test("a missing folder lists nothing and is made by the first record", () => {
  const dir = Deno.makeTempDirSync() + "/not/yet";
  const store = new IntentStore(dir, facts("b", 1, "1", new Set()));
  assert.deepEqual(store.list(), []);
  store.begin("create", null).finish();
  assert.ok(Deno.statSync(dir).isDirectory);
});

Deno.test({
  name: "Linux process facts: this process runs, a finished one does not, boot ID is stable",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const linux = linuxProcessFacts();
    const me = linux.self();
    assert.equal(me.pid, Deno.pid);
    assert.match(me.start, /^\d+$/);
    assert.ok(linux.isRunning(me.pid, me.start));
    assert.ok(!linux.isRunning(me.pid, String(Number(me.start) + 1)), "another start time");
    assert.match(linux.bootId(), /^[0-9a-f]{32}$/);
    const child = new Deno.Command("true").spawn();
    await child.status;
    assert.ok(!linux.isRunning(child.pid, "0"));
  },
});

Deno.test("a record moved out by moveTo can be claimed back as an intent of another process", () => {
  const dir = Deno.makeTempDirSync();
  const running = new Set(["1/100", "2/200"]);
  const maker = new IntentStore(dir, facts("b", 1, "100", running), { prefix: "k." });
  const intent = maker.begin("create", { link: "/a" }, "/a");
  const recordFile = `${dir}/record.json`;
  intent.moveTo(recordFile);
  assert.deepEqual(maker.list(), [], "a finished record is no intent");
  const record = JSON.parse(Deno.readTextFileSync(recordFile));
  const remover = new IntentStore(dir, facts("b", 2, "200", running), { prefix: "k." });
  const claimed = remover.claim(recordFile, record)!;
  assert.throws(() => Deno.statSync(recordFile), Deno.errors.NotFound, "one rename: moved");
  running.delete("2/200"); // the remover is killed
  const [pending] = maker.list<{ link: string }>();
  assert.equal(pending.owner, "dead", "judged by the claimer named in the file name");
  assert.equal(pending.record?.id, claimed.record.id, "the id is the file's");
  assert.deepEqual(pending.record?.steps, { link: "/a" });
  maker.adopt(pending.record!).moveTo(recordFile); // put back, as recovery does
  assert.deepEqual(maker.list(), []);
  assert.equal(remover.claim(`${dir}/gone.json`, record), undefined);
});
