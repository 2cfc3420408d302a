/** The fabricspec command's usage text: in a module of its own, so that --help loads nothing else. */

export const EXPORT_USAGE = "export containerlab FILE.clab.yml [--switch-image IMAGE] [--host-image IMAGE] [--mgmt-subnet CIDR]";

export const TOPOLOGY_USAGE = "topology expand FILE";

export const USAGE = `usage: fabricspec lab up | down | plan | status [--json] [--svg FILE] | exec NODE -- CMD...
       fabricspec ${EXPORT_USAGE}
       fabricspec ${TOPOLOGY_USAGE}

  lab up       build the lab and leave it running (npm test then reuses it)
  lab down     remove the lab, and anything an interrupted run left behind
  lab plan     print what lab up would do, per machine and in order (commands, files with
               their content), running nothing; for Vagrant it needs no hypervisor
  lab status   what is running; --json for tools (exit 0 when up, 1 otherwise); --svg FILE
               writes the fabric as a picture, each session coloured by its observed state
  lab exec     run CMD on NODE and return its exit code
               e.g. fabricspec lab exec leaf1 -- vtysh -c "show bgp summary"
  export containerlab  write the topology as a containerlab lab (FILE, a folder of FRR
               configs and SSH keys beside it) and its inventory; see docs/containerlab.md
  topology expand  print FILE in the full form (a compact file's every switch, link and
               host), validated; see docs/topology.md

environment: FABRICSPEC_TOPOLOGY (topology file, default the blog lab),
             FABRICSPEC_DRIVER (netns, or inventory with FABRICSPEC_INVENTORY=FILE),
             FABRICSPEC_TRANSPORT (netns: ssh runs commands through each node's sshd),
             FABRICSPEC_PROVISION (netns: ssh brings the switches up bare and provisions them over SSH)`;
