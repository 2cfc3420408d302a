@calico @peering
Feature: Calico peers with the fabric, one AS per rack
  This is this project's reading of parts 3 and 4 of the blog, whose text could not be retrieved:
  Calico's recommended model for an IP fabric. The node-to-node mesh is off; every Kubernetes node
  speaks iBGP with its leaf in the leaf's AS; the leaf reflects the nodes' pod blocks to each other
  and hands them to the spines over eBGP. Pods become first-class citizens of the fabric: a pod in
  one rack reaches a pod in another through leaf and spine, with no encapsulation.
  The Calico resources are lab/calico/<topology>/peering.yaml, the same file the Vagrant lab
  applies; on the embedded lab every node runs BIRD with the configuration generated from them.

  Background:
    Given the lab is up
    And Calico is deployed in peering mode

  Rule: every node peers with its leaf, and every leaf with its spines and its nodes

    Scenario: every Kubernetes node has one BGP session, with its leaf
      Then every Kubernetes node peers with its leaf only, in its leaf's AS

    @topology:blog
    Scenario Outline: <node> peers with <leaf> in AS <AS>
      Then <node>'s only BGP session is with <gateway> in AS <AS>

      Examples:
        | node            | leaf  | gateway    | AS    |
        | k8s-master-l1-1 | leaf1 | 10.0.101.1 | 65101 |
        | k8s-node-l1-1   | leaf1 | 10.0.101.1 | 65101 |
        | k8s-node-l1-2   | leaf1 | 10.0.101.1 | 65101 |
        | k8s-node-l2-1   | leaf2 | 10.0.102.1 | 65102 |
        | k8s-node-l2-2   | leaf2 | 10.0.102.1 | 65102 |

    Scenario: every leaf peers with its spines and with the nodes of its rack
      Then every leaf peers with every spine and with every node in its rack

    @topology:blog
    Scenario: leaf1 peers with both spines and its three nodes
      Then leaf1 has exactly these established BGP sessions:
        | neighbor     | hostname        | remote AS |
        | 172.16.0.0   | spine1          | 65001     |
        | 172.16.0.4   | spine2          | 65002     |
        | 10.0.101.10  | k8s-master-l1-1 | 65101     |
        | 10.0.101.101 | k8s-node-l1-1   | 65101     |
        | 10.0.101.102 | k8s-node-l1-2   | 65101     |

    Scenario: every node is ready as calico-node judges it
      Then every Kubernetes node is ready as calico-node judges it: its BGP sessions Established, its routes programmed

  Rule: every pod block is routed through the fabric

    Scenario: the leaves reflect every pod block to the nodes
      Then every Kubernetes node learns every other node's pod block, its rack's directly and the others' through its leaf

    Scenario: every spine learns every node's pod block from that node's leaf
      Then every spine routes every pod block to the leaf of its rack

    Scenario: every leaf reaches the other racks' pod blocks over all spines
      Then every leaf routes its own rack's pod blocks to their nodes and the other racks' over all spines

  Rule: pods reach each other across racks, through the fabric

    Scenario: a pod reaches the pods in the other racks through leaf and spine
      When every pod pings every pod in the other racks
      Then every ping is answered
      And every pod's path to the other racks goes through its node, its leaf, the spines, the other leaf and the other node
