import { test } from "node:test";
import assert from "node:assert/strict";
import { expandTokens } from "./endpoint.js";

test("proxy command tokens: %h host, %p port, %r user, %n node, %% percent", () => {
  assert.equal(expandTokens("fs-%n %h:%p %r 100%%", { node: "leaf1", host: "10.0.0.1", port: 2222, user: "cumulus" }), "fs-leaf1 10.0.0.1:2222 cumulus 100%");
});
