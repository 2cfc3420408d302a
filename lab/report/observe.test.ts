import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeRunner, fixture } from "../probes/fake-runner.js";
import { BGP_SUMMARY_COMMAND } from "../probes/bgp.js";
import { KERNEL_ROUTES_COMMAND } from "../probes/routes.js";
import { loadTopology } from "../topology/load.js";
import { formatCommand } from "../transport/runner.js";
import { observeFabric } from "./observe.js";

const blog = loadTopology();

test("sessions by switch and neighbor, and a leaf's ECMP width, from outputs captured on the blog lab (fakes)", async () => {
  const summary = formatCommand(BGP_SUMMARY_COMMAND);
  const routes = formatCommand(KERNEL_ROUTES_COMMAND);
  const answers: Record<string, Record<string, { stdout: string }>> = {
    spine1: { [summary]: { stdout: fixture("frr-8.4-bgp-summary-spine1-established.json") }, [routes]: { stdout: fixture("iproute2-route-spine1.json") } },
    spine2: { [summary]: { stdout: fixture("frr-8.4-bgp-summary-spine1-established.json") }, [routes]: { stdout: fixture("iproute2-route-spine1.json") } },
    leaf1: { [summary]: { stdout: fixture("frr-8.4-bgp-summary-leaf1-established.json") }, [routes]: { stdout: fixture("iproute2-route-leaf1-ecmp.json") } },
    leaf2: { [summary]: { stdout: fixture("frr-8.4-bgp-summary-leaf2-neighbor-shutdown.json") }, [routes]: { stdout: "[]" } },
  };
  const observed = await observeFabric(blog, (n) => new FakeRunner(n, answers[n] ?? {}));
  assert.equal(observed.sessions?.get("leaf1")?.get("172.16.0.0"), "Established");
  assert.ok([...(observed.sessions?.get("leaf2")?.values() ?? [])].some((s) => s !== "Established"));
  assert.equal(observed.ecmpWidth?.get("leaf1"), 2);
  assert.equal(observed.ecmpWidth?.get("leaf2"), 0, "no route to the other rack: width 0");
});
