import { test } from "node:test";
import assert from "node:assert/strict";
import { birdProtocols, calicoNodeBirdProtocols, parseBirdProtocols, type BirdProtocol } from "./bird.js";
import { FakeRunner, fixture } from "./fake-runner.js";
import { ProbeError } from "./probe.js";

const COMMAND = "birdc show protocols all";
const result = (stdout: string, exitCode = 0) => ({ command: ["birdc"], exitCode, stdout, stderr: "", durationMs: 1 });

function bgpOf(protocols: readonly BirdProtocol[]): BirdProtocol {
  const found = protocols.find((p) => p.proto === "BGP");
  assert.ok(found, "no BGP protocol");
  return found;
}

test("birdProtocols: k8s-node-l1-1 has one BGP session, with leaf1 10.0.101.1 in AS 65101, Established", async () => {
  const { value } = await birdProtocols(new FakeRunner("k8s-node-l1-1", { [COMMAND]: { stdout: fixture("bird-2.0.12-protocols-k8s-node-l1-1-established.txt") } }));
  assert.deepEqual(value.map((p) => [p.name, p.proto, p.table ?? "---", p.state]), [
    ["static1", "Static", "master4", "up"],
    ["kernel1", "Kernel", "master4", "up"],
    ["device1", "Device", "---", "up"],
    ["direct1", "Direct", "---", "up"],
    ["Node_10_0_101_1", "BGP", "---", "up"],
  ]);
  const bgp = bgpOf(value);
  assert.equal(bgp.description, "leaf1");
  assert.deepEqual(bgp.bgp, {
    state: "Established",
    neighborAddress: "10.0.101.1",
    neighborAs: 65101,
    localAs: 65101,
    neighborId: "172.16.255.101",
    lastError: undefined,
    sourceAddress: "10.0.101.101",
    session: "internal multihop AS4",
  });
  assert.equal(bgp.channels[0]?.name, "ipv4");
  assert.equal(bgp.channels[0]?.state, "UP");
  assert.equal(typeof bgp.channels[0]?.routes.exported, "number");
});

test("parseBirdProtocols: a node speaking the wrong AS is Active, with BIRD's last error", () => {
  const bgp = bgpOf(parseBirdProtocols(result(fixture("bird-2.0.12-protocols-k8s-node-l2-1-wrong-local-as.txt"))));
  assert.equal(bgp.state, "start");
  assert.equal(bgp.info, "Active        Received: Bad peer AS");
  assert.deepEqual(
    { state: bgp.bgp?.state, localAs: bgp.bgp?.localAs, neighborAs: bgp.bgp?.neighborAs, lastError: bgp.bgp?.lastError, neighborId: bgp.bgp?.neighborId },
    { state: "Active", localAs: 64512, neighborAs: 65102, lastError: "Received: Bad peer AS", neighborId: undefined },
  );
  assert.equal(bgp.channels[0]?.state, "DOWN");
});

test("birdProtocols: no BIRD on the node is a ProbeError that says so", async () => {
  const runner = new FakeRunner("k8s-node-l2-2", { [COMMAND]: { stderr: fixture("bird-2.0.12-no-bird-running.stderr"), exitCode: 1 } });
  await assert.rejects(birdProtocols(runner), (error: unknown) => {
    assert.ok(error instanceof ProbeError);
    assert.match(error.message, /^k8s-node-l2-2: `birdc show protocols all` could not reach BIRD: Unable to connect to server control socket \(.*\): No such file or directory$/);
    return true;
  });
});

test("parseBirdProtocols: output without the protocol table is rejected with what it printed", () => {
  assert.throws(() => parseBirdProtocols(result("BIRD 2.0.12 ready.\nsyntax error, unexpected CF_SYM_UNDEFINED\n")), /printed no protocol table: BIRD 2\.0\.12 ready\./);
});

test("calicoNodeBirdProtocols: calico-node's own birdcl on Calico's socket, through kubectl exec", async () => {
  const EXEC = "kubectl exec --namespace kube-system calico-node-4x2j --container calico-node -- birdcl -s /var/run/calico/bird.ctl show protocols all";
  const kubectl = new FakeRunner("kubectl", { [EXEC]: { stdout: fixture("bird-2.0.12-protocols-k8s-node-l1-1-established.txt") } });
  const { value } = await calicoNodeBirdProtocols(kubectl, "calico-node-4x2j");
  assert.equal(bgpOf(value).bgp?.neighborAddress, "10.0.101.1");
  // kubectl itself failing is a ProbeError (the lab broken), with kubectl's words.
  const refused = new FakeRunner("kubectl", { [EXEC]: { stderr: 'Error from server (NotFound): pods "calico-node-4x2j" not found\n', exitCode: 1 } });
  await assert.rejects(calicoNodeBirdProtocols(refused, "calico-node-4x2j"), (e: unknown) => e instanceof ProbeError && /failed with exit code 1: Error from server \(NotFound\)/.test(e.message));
});

test("parseBirdProtocols (BIRD 1.6.8): lower-case header, no channels, the local AS from an internal session", () => {
  const protocols = parseBirdProtocols(result(fixture("bird-1.6.8-protocols-all-established.txt")));
  assert.deepEqual(protocols.map((p) => [p.name, p.proto, p.table ?? "---", p.state]), [
    ["device1", "Device", "master", "up"],
    ["kernel1", "Kernel", "master", "up"],
    ["direct1", "Direct", "master", "up"],
    ["Global_10_99_0_2", "BGP", "master", "up"],
  ]);
  const bgp = bgpOf(protocols);
  assert.equal(bgp.description, "Connection to BGP peer");
  assert.deepEqual(bgp.bgp, {
    state: "Established",
    neighborAddress: "10.99.0.2",
    neighborAs: 65101,
    localAs: 65101,
    neighborId: "10.99.0.2",
    lastError: undefined,
    sourceAddress: "10.99.0.1",
    session: "internal multihop AS4",
  });
  assert.deepEqual(bgp.channels, []);
  assert.deepEqual(bgp.routes, { imported: 0, exported: 0, preferred: 0 });
});

test("parseBirdProtocols (BIRD 1.6.8): the summary table alone (`show protocols`) has the session's state", () => {
  const bgp = bgpOf(parseBirdProtocols(result(fixture("bird-1.6.8-protocols-established.txt"))));
  assert.equal(bgp.info, "Established");
  assert.equal(bgp.bgp?.state, "Established");
  assert.equal(bgp.bgp?.neighborAddress, undefined);
});

test("parseBirdProtocols (BIRD 1.6.8): a node in the wrong AS is Idle with the peer's notification; no local AS is printed", () => {
  const wrong = bgpOf(parseBirdProtocols(result(fixture("bird-1.6.8-protocols-all-wrong-local-as.txt"))));
  assert.deepEqual(
    { state: wrong.bgp?.state, localAs: wrong.bgp?.localAs, neighborAs: wrong.bgp?.neighborAs, lastError: wrong.bgp?.lastError, session: wrong.bgp?.session },
    { state: "Idle", localAs: undefined, neighborAs: 65101, lastError: "Received: Bad peer AS", session: undefined },
  );
  const refused = bgpOf(parseBirdProtocols(result(fixture("bird-1.6.8-protocols-all-bad-peer-as.txt"))));
  assert.equal(refused.bgp?.state, "Active");
  assert.equal(refused.bgp?.lastError, "Socket: Connection reset by peer");
});

test("parseBirdProtocols (Calico's birdcl table, from calicoctl's own test): Mesh_, Global_ and Node_ peers", () => {
  const protocols = parseBirdProtocols(result(fixture("calico-birdcl-show-protocols-from-calicoctl-test.txt")));
  assert.deepEqual(
    protocols.filter((p) => p.proto === "BGP").map((p) => [p.name, p.state, p.bgp?.state, p.info]),
    [
      ["Mesh_172_17_8_102", "up", "Established", "Established"],
      ["Global_172_17_8_103", "up", "Established", "Established"],
      ["Node_172_17_8_104", "down", "Failed", "Failed  Socket: error"],
    ],
  );
});

test("birdProtocols (BIRD 1.6.8): no BIRD behind the socket is a ProbeError that says so", async () => {
  const runner = new FakeRunner("k8s-node-l2-2", { [COMMAND]: { stderr: fixture("bird-1.6.8-no-bird-running.stderr"), exitCode: 1 } });
  await assert.rejects(birdProtocols(runner), (error: unknown) => error instanceof ProbeError && /could not reach BIRD: Unable to connect to server control socket/.test(error.message));
});
