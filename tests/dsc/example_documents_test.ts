import assert from "node:assert/strict";
import { dependencyOrder } from "./harness.ts";
import { exampleDocument } from "./example_documents.ts";

for (const os of ["linux", "windows"] as const) {
  Deno.test(`examples/links.${os}.dsc.yaml: a v3 document of BindLink/Link resources, elevated`, () => {
    const document = exampleDocument(os);
    assert.equal(document.$schema, "https://aka.ms/dsc/schemas/v3/bundled/config/document.json");
    assert.equal(document.metadata?.["Microsoft.DSC"]?.securityContext, "elevated");
    assert.ok(document.resources.length >= 2 && document.resources.length <= 3);
    for (const r of document.resources) {
      assert.equal(r.type, "BindLink/Link");
      assert.match(r.name, /^[A-Za-z0-9 ]+$/, "dsc allows letters, digits and spaces");
    }
    const order = dependencyOrder(document.resources).map((r) => r.name);
    const dependent = document.resources.find((r) => r.dependsOn?.length);
    assert.ok(dependent, "one resource depends on another");
    const target = /'([^']+)'\)\]$/.exec(dependent.dependsOn![0])![1];
    assert.ok(order.indexOf(target) < order.indexOf(dependent.name));
  });
}
