/**
 * bindlink's records of the Windows links it made with exceptions: kept through kernel32 on
 * Windows (under Wine here) and through Deno's file API for the double off Windows, believed
 * only while the listing shows the link exactly as recorded.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { BindLinkError } from "../../mod.ts";
import { Double } from "../support/double.ts";

async function setUp() {
  const dir = await Deno.makeTempDir({ prefix: "bindlink-records-" });
  const recordsFolder = path.join(dir, "links");
  const double = new Double({ recordsFolder });
  double.addExisting("C:\\Deps");
  return {
    double,
    recordsFolder,
    records: () => {
      try {
        return [...Deno.readDirSync(recordsFolder)].map((e) => e.name);
      } catch {
        return [];
      }
    },
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const DEPS = { merged: true, exceptions: ["C:\\Deps\\local", "C:\\Deps\\cache"] };

Deno.test("a link made with exceptions lists them; removing it forgets them", async () => {
  await using t = await setUp();
  const api = t.double.api;
  assert.equal(api.platform.reportsExceptions, true);
  await api.createBindLink("C:\\Deps", "D:\\Deps\\v42", DEPS);
  assert.equal(t.records().length, 1);
  const [listed] = await api.listBindLinks();
  assert.deepEqual(listed.exceptions, DEPS.exceptions);
  assert.deepEqual(api.listBindLinksSync()[0].exceptions, DEPS.exceptions);
  await api.removeBindLink("C:\\Deps");
  assert.deepEqual(t.records(), []);
  // A link without exceptions needs no record.
  api.createBindLinkSync("C:\\Plain", "D:\\Data");
  assert.deepEqual(t.records(), []);
  assert.deepEqual(api.listBindLinksSync()[0].exceptions, []);
});

Deno.test("a record is believed only while the listing shows its link exactly", async () => {
  await using t = await setUp();
  const api = t.double.api;
  await api.createBindLink("C:\\Deps", "D:\\Deps\\v42", DEPS);
  // Someone removes the link past bindlink and makes another there: the record is stale.
  assert.equal(t.double.rawRemove("C:\\Deps"), 0);
  assert.equal(t.double.rawCreate("C:\\Deps", "D:\\Deps\\v43", 2 /* merged */), 0);
  assert.deepEqual((await api.listBindLinks())[0].exceptions, [], "other backing: unknown");
  assert.equal(t.double.rawRemove("C:\\Deps"), 0);
  assert.equal(t.double.rawCreate("C:\\Deps", "D:\\Deps\\v42", 0 /* not merged */), 0);
  assert.deepEqual((await api.listBindLinks())[0].exceptions, [], "other flags: unknown");
  // A torn record is not believed either.
  assert.equal(t.double.rawRemove("C:\\Deps"), 0);
  await api.createBindLink("C:\\Deps", "D:\\Deps\\v42", DEPS);
  const [name] = t.records();
  Deno.writeTextFileSync(path.join(t.recordsFolder, name), '{"version": 1, "virtualPa');
  assert.deepEqual((await api.listBindLinks())[0].exceptions, []);
});

Deno.test("a create whose record cannot be written is undone: no link without its record", async () => {
  await using t = await setUp();
  Deno.writeTextFileSync(t.recordsFolder, "a file where the folder should be");
  const error = await t.double.api.createBindLink("C:\\Deps", "D:\\Deps\\v42", DEPS)
    .catch((e) => e);
  assert.ok(error instanceof BindLinkError, String(error));
  assert.match(error.message, /record of the link's exceptions/);
  assert.equal(t.double.linkCount(), 0, "the link was taken away again");
  assert.deepEqual(
    t.double.linkCalls().map((c) => c.fn),
    ["CreateBindLink", "RemoveBindLink"],
  );
});

Deno.test("without a records folder (a libraryPath, none given), exceptions read back as unknown", () => {
  using double = new Double();
  double.addExisting("C:\\Deps");
  assert.equal(double.api.platform.reportsExceptions, false);
  double.api.createBindLinkSync("C:\\Deps", "D:\\Deps\\v42", DEPS);
  assert.deepEqual(double.api.listBindLinksSync()[0].exceptions, []);
});
