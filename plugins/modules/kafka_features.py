#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_features
short_description: Report the feature levels of a KRaft cluster and finalize the ones named
version_added: 0.3.0
description:
  - Asks a node for its features (ApiVersions, API key 18, version 3 or later) and reports, for
    every feature, the range of levels that node supports (C(supported_min), C(supported_max)) and
    the level finalized for the whole cluster (C(finalized)), with the epoch of those finalized
    levels.
  - The bootstrap addresses are asked in turn until one answers; they may be brokers or
    controllers. With O(all_nodes=true) every address is asked, and the range every one of them
    supports is returned in RV(supported_everywhere), the range a finalization may move a feature
    within.
  - With O(features), finalizes each feature named at the level given (UpdateFeatures, API key 57),
    sending only those whose finalized level differs. A raise is an C(UPGRADE). A lowering needs
    O(allow_downgrade=true) and is then a C(SAFE_DOWNGRADE), which Kafka refuses when it would lose
    metadata; an unsafe (lossy) downgrade is never sent.
  - Only the features named in O(features) are ever changed. In particular C(kraft.version), whose
    raise turns a static controller quorum into a dynamic one (KIP-853) and which Kafka does not
    lower again, is never raised unless O(features) names it, however far the nodes support it.
    (C(kafka-features.sh upgrade --release-version) may raise every feature of a release at once;
    this module does not.)
  - Feature levels are reported and taken as numbers (for example C(metadata.version) level 25 is
    Kafka 4.0-IV3); the module holds no table of release names.
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description:
      - Asks the active controller whether the change would be accepted (UpdateFeatures with
        C(validate_only)) without applying it, and reports the levels it would set.
    support: full
  diff_mode:
    description: Shows the finalized levels of every feature before and after.
    support: full
options:
  features:
    description:
      - Feature name to the level to finalize it at, for example C(metadata.version) to V(27).
      - Features not named are never touched. Level V(0) means not finalized.
      - When not given, the module only reports.
    type: dict
  allow_downgrade:
    description:
      - Allow O(features) to lower a finalized level (a C(SAFE_DOWNGRADE)). Without it the module
        fails naming the feature, its level and the one wanted, before sending anything.
    type: bool
    default: false
  all_nodes:
    description:
      - Ask every address of O(bootstrap_servers), not only the first that answers, and return
        RV(nodes) and RV(supported_everywhere). Every address must answer.
      - List every broker and controller to learn what a finalization may raise a feature to; the
        active controller checks that itself before it accepts a change.
    type: bool
    default: false
  wait:
    description:
      - Seconds to keep asking until the nodes answer and know the finalized levels (a node that is
        still loading the metadata log reports none). The change itself is sent once.
    type: float
    default: 0
notes:
  - The finalized levels are those the answering node knows; right after a change, a node may
    report the previous level for a moment (compare RV(finalized_epoch), or each node in
    RV(nodes)).
  - The active controller refuses a level that a registered broker or controller does not support,
    or that another finalized feature does not allow; the module fails naming the feature and
    Kafka's reason.
  - With authorization on, the principal needs Alter on the cluster to change a level.
  - A node that answers ApiVersions only up to version 3 (older Kafka) leaves out the features whose
    lowest supported level is 0; Kafka 4 answers version 4, which lists them.
seealso:
  - module: kafkaops.kraft.kraft_quorum_info
  - module: kafkaops.kraft.kafka_broker_info
'''

EXAMPLES = r'''
- name: Report the features of the cluster
  kafkaops.kraft.kafka_features:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
  register: features
  delegate_to: localhost
  run_once: true

- name: Check that every node supports metadata.version 27 before finalizing it
  kafkaops.kraft.kafka_features:
    bootstrap_servers:
      - kraft-controller-1:9093
      - kraft-controller-2:9093
      - kraft-controller-3:9093
      - broker-1:9092
      - broker-2:9092
      - broker-3:9092
    all_nodes: true
  register: everywhere
  delegate_to: localhost
  run_once: true

- name: Stop before finalizing a level some node does not support
  ansible.builtin.assert:
    that: everywhere.supported_everywhere['metadata.version'].max >= 27
    fail_msg: >-
      metadata.version 27 is not supported by every node (common range
      {{ everywhere.supported_everywhere['metadata.version'] }}); finish the rolling upgrade first
  run_once: true

- name: After the rolling upgrade, finalize metadata.version 27 (kraft.version stays where it is)
  kafkaops.kraft.kafka_features:
    bootstrap_servers: ["kraft-controller-1:9093", "kraft-controller-2:9093", "kraft-controller-3:9093"]
    features:
      metadata.version: 27
  delegate_to: localhost
  run_once: true

- name: Move a static quorum to a dynamic one, explicitly
  kafkaops.kraft.kafka_features:
    bootstrap_servers: ["broker-1:9092"]
    features:
      kraft.version: 1
  delegate_to: localhost
  run_once: true

- name: Go back to metadata.version 25, if Kafka can do so without losing metadata
  kafkaops.kraft.kafka_features:
    bootstrap_servers: ["broker-1:9092"]
    features:
      metadata.version: 25
    allow_downgrade: true
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
features:
  description:
    - Every feature the answering node supports or the cluster has finalized.
    - With O(features), C(finalized) is the level after the run (in check mode, the level it would be).
  type: dict
  returned: when a node answered
  contains:
    supported_min:
      description: Lowest level the answering node supports; null for a feature it does not know.
      type: int
    supported_max:
      description: Highest level the answering node supports; null for a feature it does not know.
      type: int
    finalized:
      description: Level finalized for the whole cluster; null when the feature is not finalized (level 0).
      type: int
  sample:
    metadata.version: {supported_min: 7, supported_max: 27, finalized: 25}
    kraft.version: {supported_min: 0, supported_max: 1, finalized: null}
    group.version: {supported_min: 0, supported_max: 1, finalized: 1}
finalized_epoch:
  description:
    - Epoch of the finalized levels the answering node knows (the metadata log offset of the last
      change, as Kafka reports it), read before any change the module made.
  type: int
  returned: when a node answered
  sample: 3120
node:
  description: The address of O(bootstrap_servers) that answered (with O(all_nodes), the first one).
  type: str
  returned: when a node answered
  sample: broker-1:9092
nodes:
  description:
    - Each address of O(bootstrap_servers) with the features it supports and the finalized levels
      it knows, shaped as RV(features), and its RV(finalized_epoch).
  type: dict
  returned: with O(all_nodes=true), when every node answered
  sample:
    broker-1:9092:
      features:
        metadata.version: {supported_min: 7, supported_max: 27, finalized: 25}
      finalized_epoch: 3120
supported_everywhere:
  description:
    - Each feature every node of RV(nodes) supports, with the range of levels all of them support.
      A feature some node does not know is left out.
  type: dict
  returned: with O(all_nodes=true), when every node answered
  sample:
    metadata.version: {min: 7, max: 27}
    kraft.version: {min: 0, max: 1}
changes:
  description: The features finalized at a new level (or, in check mode, that would be).
  type: dict
  returned: with O(features)
  contains:
    before:
      description: Level before; null when the feature was not finalized.
      type: int
    after:
      description: Level after; 0 when the feature is no longer finalized.
      type: int
    upgrade_type:
      description: How Kafka was asked to move it.
      type: str
      choices: [UPGRADE, SAFE_DOWNGRADE]
  sample:
    metadata.version: {before: 25, after: 27, upgrade_type: UPGRADE}
available:
  description: Whether the nodes asked answered and knew the finalized levels.
  type: bool
  returned: always
  sample: true
problems:
  description: Nodes that answered without knowing the finalized levels yet, on the last attempt.
  type: list
  elements: str
  returned: when the nodes were asked
  sample: ["broker-1:9092 does not know the finalized feature levels yet (epoch -1)"]
error:
  description: Why no node answered (or, with O(all_nodes), which ones did not), naming each address and step.
  type: str
  returned: when the cluster did not answer
attempts:
  description: How many times the nodes were asked for their features.
  type: int
  returned: when the nodes were asked
  sample: 1
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import (
    KafkaRefused,
    fail_refused,
    fail_unavailable,
    feature_levels,
    feature_plan,
    update_features,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KAFKA_COMMON_REQUIRED_IF,
    KAFKA_COMMON_REQUIRED_TOGETHER,
    KafkaUnavailable,
    check_kafka_python,
    describe_features,
    describe_features_everywhere,
    exit_with_facts,
    kafka_common_argument_spec,
    poll,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import (
    feature_problems,
    features_everywhere,
    shape_features,
)

SUBJECT = 'Kafka features'


def collect_features(params):
    """(facts, problems) of one attempt: the first node that answers, or every node."""
    if params['all_nodes']:
        nodes = dict((address, shape_features(response))
                     for address, response in describe_features_everywhere(params).items())
        node = params['bootstrap_servers'][0]
        facts = dict(nodes[node], node=node, nodes=nodes, supported_everywhere=features_everywhere(nodes))
    else:
        node, response = describe_features(params)
        nodes = {node: shape_features(response)}
        facts = dict(nodes[node], node=node)
    return facts, feature_problems(nodes)


def finalized_text(levels):
    return ''.join('%s=%s\n' % (name, level) for name, level in sorted(levels.items()))


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        features=dict(type='dict'),
        allow_downgrade=dict(type='bool', default=False),
        all_nodes=dict(type='bool', default=False),
        wait=dict(type='float', default=0),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    try:
        wanted = feature_levels(params['features']) if params['features'] is not None else None
    except ValueError as exc:
        module.fail_json(msg='features: %s' % exc)

    try:
        facts, problems, error, attempts = poll(lambda: collect_features(params), params['wait'])
    except ValueError as exc:
        module.fail_json(msg='Unexpected ApiVersions answer: %s' % exc, changed=False)
    if wanted is None or error is not None or problems:
        if wanted is not None:
            facts = dict(facts or {}, changes={})
        exit_with_facts(module, SUBJECT, facts, problems, error, attempts)

    # A copy: with all_nodes the answering node's entry in nodes keeps the levels it reported.
    features = dict((name, dict(entry)) for name, entry in facts['features'].items())
    before = dict((name, f['finalized']) for name, f in features.items() if f['finalized'] is not None)
    try:
        plan = feature_plan(wanted, before, params['allow_downgrade'])
    except ValueError as exc:
        module.fail_json(msg='features: %s' % exc, changed=False, available=True, changes={}, attempts=attempts,
                         problems=problems, **facts)
    try:
        if plan:
            update_features(params, plan, validate_only=module.check_mode)
    except KafkaUnavailable as exc:
        fail_unavailable(module, SUBJECT, exc, dict(facts, changes={}, attempts=attempts, problems=problems))
    except KafkaRefused as exc:
        fail_refused(module, SUBJECT, exc, dict(facts, changes={}, attempts=attempts, problems=problems))

    after = dict(before)
    for name, (level_before, level, upgrade) in plan.items():
        entry = features.setdefault(name, dict(supported_min=None, supported_max=None, finalized=None))
        entry['finalized'] = level or None
        after.pop(name, None)
        if level:
            after[name] = level
    result = dict(facts, features=features, changed=bool(plan), available=True, attempts=attempts, problems=problems,
                  changes=dict((name, dict(before=level_before, after=level, upgrade_type=upgrade))
                               for name, (level_before, level, upgrade) in plan.items()))
    if module._diff:
        result['diff'] = dict(before=finalized_text(before), after=finalized_text(after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
