import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseBoxList, parseMachineReadable, parsePlugins, parseSshConfig, parseStatus, upProgress, vagrantError } from "./machine-readable.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

test("parseStatus: the blog Vagrantfile's nine machines, not created (real vagrant 2.3.4, libvirt)", () => {
  const machines = parseStatus(parseMachineReadable(fixture("vagrant-2.3.4-status-blog-libvirt-not-created.txt")));
  assert.deepEqual(machines.map((m) => m.name), ["spine1", "spine2", "leaf1", "leaf2", "k8s-master-l1-1", "k8s-node-l1-1", "k8s-node-l1-2", "k8s-node-l2-1", "k8s-node-l2-2"]);
  assert.deepEqual(machines[0], { name: "spine1", provider: "libvirt", state: "not_created", description: "not created" });
});

test("vagrantError: VirtualBox not usable, commas and newlines unescaped", () => {
  const error = vagrantError(parseMachineReadable(fixture("vagrant-2.3.4-status-virtualbox-not-usable.txt")));
  assert.equal(error?.kind, "Vagrant::Errors::ProviderNotUsable");
  assert.match(error?.message ?? "", /^The provider 'virtualbox' that was requested to back the machine\n'spine1' is reporting that it isn't usable on this system\./);
  assert.match(error?.message ?? "", /VBoxManage` binary that ships with VirtualBox, and requires/);
});

test("parseBoxList, parsePlugins: real empty list, real plugin list", () => {
  assert.deepEqual(parseBoxList(parseMachineReadable(fixture("vagrant-2.3.4-box-list-no-boxes.txt"))), []);
  assert.deepEqual(parseBoxList(parseMachineReadable(fixture("vagrant-constructed-box-list-blog-libvirt.txt"))).map((b) => `${b.name} ${b.provider} ${b.version}`), [
    "CumulusCommunity/cumulus-vx libvirt 3.7.16",
    "ubuntu/jammy64 libvirt 20240301.0.0",
  ]);
  assert.deepEqual(parsePlugins(parseMachineReadable(fixture("vagrant-2.3.4-plugin-list-libvirt.txt"))), ["vagrant-libvirt"]);
});

test("upProgress: one line per phase of each machine", () => {
  const said = parseMachineReadable(fixture("vagrant-constructed-up-blog-libvirt.txt")).map(upProgress).filter((s) => s !== undefined);
  assert.deepEqual(said.slice(0, 4), ["Bringing machine 'spine1' up with 'libvirt' provider...", "spine1: starting", "spine1: Creating image (snapshot of base box volume).", "spine1: Creating domain with the following settings..."]);
});

test("parseSshConfig: endpoints for the SSH transport; an ssh-config error is Vagrant's SSHNotReady", () => {
  const endpoints = parseSshConfig(fixture("vagrant-constructed-ssh-config-blog-libvirt.txt"));
  assert.equal(endpoints.length, 9);
  assert.deepEqual(endpoints.at(-1), {
    node: "k8s-node-l2-2",
    host: "192.168.121.18",
    port: 22,
    user: "vagrant",
    identityFile: "/root/fabricspec/lab/vagrant/.vagrant/machines/k8s-node-l2-2/libvirt/private_key",
    insecureIgnoreHostKey: true,
    sudo: true,
  });
  assert.equal(vagrantError(parseMachineReadable(fixture("vagrant-2.3.4-ssh-config-not-created.txt")))?.kind, "Vagrant::Errors::SSHNotReady");
});
