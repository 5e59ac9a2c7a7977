#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_voter
short_description: Add a caught-up controller to, or remove one from, a dynamic KRaft quorum
version_added: 0.3.0
description:
  - Changes the voter set of a dynamic controller quorum (KIP-853, C(kraft.version) 1) over the
    Kafka protocol, one voter at a time, and only while it is safe. A voter is a pair (node ID,
    directory ID); a controller whose metadata disk was replaced is a new replica with the same
    node ID and a new directory ID.
  - O(state=present) makes (O(node_id), O(directory_id)) a voter (AddRaftVoter, API key 80). The
    controller must already run, fetching the metadata log as an observer, and be within O(max_lag)
    of the leader. A voter with the same node ID and another directory ID (the node before its
    disk was lost) is removed first (RemoveRaftVoter, API key 81), as a voter set holds a node
    ID once.
  - O(state=absent) removes every voter with O(node_id) (and O(directory_id) when given), refusing
    to leave fewer than O(min_voters). When the voter removed is the leader, Kafka moves the
    leadership once the change is committed. With O(unregister), the controller's registration is
    then removed too (UnregisterController, API key 94, Kafka 4.4 and later).
  - Every change waits, up to O(wait) seconds, until a leader is elected, the new voter has caught
    up and the voters that stay are a caught-up majority (within O(max_lag)); if that does not
    happen the module fails naming what is missing, having changed nothing further. After each
    change it waits for the quorum to show it, with a leader elected.
  - The requests go to O(bootstrap_servers), controllers (only the leader accepts them, and the
    others are tried in turn) or brokers (which forward them to the active controller).
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description:
      - Reads the quorum and reports the voters that would be removed and added, without waiting
        and without changing anything. A controller not started yet (check mode on a new host) is
        reported as to be added.
    support: full
  diff_mode:
    description: Shows the voter set (C(id:directoryId) per line) before and after.
    support: full
options:
  node_id:
    description: Node ID of the controller.
    type: int
    required: true
  directory_id:
    description:
      - Directory ID of its metadata directory (C(directory.id) in meta.properties; 22 characters).
      - With O(state=present), when not given, the one directory the node is observed with.
      - With O(state=absent), when not given, every voter with O(node_id).
    type: str
  state:
    description: Whether (O(node_id), O(directory_id)) is a voter.
    type: str
    choices: [present, absent]
    default: present
  host:
    description: Host name or address of the controller's listener, which the voters will reach it on. Required with O(state=present).
    type: str
  port:
    description: Port of the controller's listener. Required with O(state=present).
    type: int
  listener_name:
    description: Name of the controller listener (the first of C(controller.listener.names)).
    type: str
    default: CONTROLLER
  cluster_id:
    description: The cluster ID; when given, Kafka refuses the change if it is another cluster's.
    type: str
  max_lag:
    description: Largest lag, in offsets of the metadata log, with which a replica counts as caught up.
    type: int
    default: 100
  min_voters:
    description: Fewest voters O(state=absent) may leave.
    type: int
    default: 3
  wait:
    description: Seconds to wait for the conditions of a change, and then for the quorum to show it.
    type: float
    default: 120
  unregister:
    description:
      - With O(state=absent), also remove the controller's registration once it is no longer a voter.
        Stop the controller first, or it registers again. Kafka before 4.4 lacks the request;
        RV(unregistered) is then false with the reason in RV(unregister_error).
    type: bool
    default: false
seealso:
  - module: kafkaops.kraft.kraft_quorum_info
  - name: KIP-853 KRaft Controller Membership Changes
    description: The dynamic quorum, its voters and the requests this module sends.
    link: https://cwiki.apache.org/confluence/display/KAFKA/KIP-853%3A+KRaft+Controller+Membership+Changes
'''

EXAMPLES = r'''
- name: Make controller 2, formatted anew with --no-initial-controllers and started, a voter again
  kafkaops.kraft.kraft_voter:
    bootstrap_servers: ["kraft-controller-1:9093", "kraft-controller-3:9093"]
    node_id: 2
    directory_id: gphqQFZ3ggTe22nJf_Jj0Q
    host: kraft-controller-2
    port: 9093
    wait: 300
  delegate_to: localhost
  run_once: true

- name: Remove controller 5 from the quorum
  kafkaops.kraft.kraft_voter:
    bootstrap_servers: ["kraft-controller-1:9093", "kraft-controller-2:9093", "kraft-controller-3:9093"]
    node_id: 5
    state: absent
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
voters_before:
  description: The voter set seen before any change, as C(id:directoryId).
  type: list
  elements: str
  returned: when the quorum answered
  sample: ["1:Ga77ft73n_BQn6RH_Qk8FA", "2:wTx1rBEUPB0fyOVAwqpmqQ", "3:cYFqVr_dVGamYbntAlQ0Vw"]
voters:
  description: The voter set after the changes (in check mode, the one they would make).
  type: list
  elements: str
  returned: when the quorum answered
  sample: ["1:Ga77ft73n_BQn6RH_Qk8FA", "2:gphqQFZ3ggTe22nJf_Jj0Q", "3:cYFqVr_dVGamYbntAlQ0Vw"]
removed:
  description: Voters removed (or that would be).
  type: list
  elements: str
  returned: always
  sample: ["2:wTx1rBEUPB0fyOVAwqpmqQ"]
added:
  description: Voters added (or that would be).
  type: list
  elements: str
  returned: always
  sample: ["2:gphqQFZ3ggTe22nJf_Jj0Q"]
leader_id:
  description: The quorum leader at the end.
  type: int
  returned: when the quorum answered
  sample: 1
unregistered:
  description: Whether the controller is no longer registered (O(unregister)); removing a registration that was not there is no change.
  type: bool
  returned: with O(unregister) and O(state=absent)
unregister_error:
  description: Why the registration could not be removed.
  type: str
  returned: when unregistering failed
waiting:
  description: The conditions that still did not hold when O(wait) ran out.
  type: list
  elements: str
  returned: on failure
  sample: ["observer 2:gphqQFZ3ggTe22nJf_Jj0Q lags the leader by 5210 offsets (max_lag 100)"]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import (
    KafkaRefused,
    add_raft_voter,
    fail_unavailable,
    remove_raft_voter,
    unregister_controller,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KAFKA_COMMON_REQUIRED_IF,
    KAFKA_COMMON_REQUIRED_TOGETHER,
    KafkaUnavailable,
    check_kafka_python,
    describe_quorum,
    kafka_common_argument_spec,
    poll,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import (
    shape_quorum,
    voter_key,
    voter_plan,
)

SUBJECT = 'KRaft voters'


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        node_id=dict(type='int', required=True),
        directory_id=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        host=dict(type='str'),
        port=dict(type='int'),
        listener_name=dict(type='str', default='CONTROLLER'),
        cluster_id=dict(type='str'),
        max_lag=dict(type='int', default=100),
        min_voters=dict(type='int', default=3),
        wait=dict(type='float', default=120),
        unregister=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER,
                           required_if=KAFKA_COMMON_REQUIRED_IF + [('state', 'present', ('host', 'port'))])
    check_kafka_python(module)
    params = module.params
    node_id, state = params['node_id'], params['state']
    empty = dict(removed=[], added=[])

    def look():
        return shape_quorum(describe_quorum(params))

    def planned():
        quorum = look()
        plan = voter_plan(quorum, node_id, state, params['directory_id'], params['max_lag'], params['min_voters'])
        # A refusal ends the wait at once: a later look would not change it.
        return (quorum, plan), [] if plan['refused'] else plan['waiting']

    # In check mode nothing waits: the quorum as it is now says what would be done.
    try:
        found, problems, error, attempts = poll(planned, 0 if module.check_mode else params['wait'])
    except ValueError as exc:
        module.fail_json(msg='Unexpected DescribeQuorum answer: %s' % exc, changed=False, **empty)
    if error is not None:
        fail_unavailable(module, SUBJECT, KafkaUnavailable(error), empty)
    quorum, plan = found
    before = [voter_key(v) for v in quorum['voters']]
    result = dict(voters_before=before, leader_id=quorum['leader_id'], **empty)
    if plan['refused']:
        module.fail_json(msg='%s: refused, nothing was changed: %s' % (SUBJECT, '; '.join(plan['refused'])),
                         changed=False, **result)

    if module.check_mode:
        removed = [voter_key(v) for v in plan['remove']]
        added = [voter_key(plan['add'])] if plan['add'] else []
        if state == 'present' and plan['pending']:
            # Not fetching yet (a controller this run has not started): it would join once caught up.
            added = ['%s:%s' % (node_id, params['directory_id'] or '(the directory it will be observed with)')]
        after = [key for key in before if key not in removed] + added
        finish(module, dict(result, removed=removed, added=added, voters=after, changed=bool(removed or added),
                            waiting=plan['waiting']), before, after)

    if problems:
        module.fail_json(msg='%s: not changed after %s attempt(s) over %ss, as these conditions did not hold: %s'
                         % (SUBJECT, attempts, params['wait'], '; '.join(problems)),
                         changed=False, waiting=problems, **result)

    def shows(voter, present):
        def check():
            now = look()
            keys = [voter_key(v) for v in now['voters']]
            missing = []
            if now['leader_id'] is None:
                missing.append('no quorum leader is elected (epoch %s)' % now['leader_epoch'])
            if (voter_key(voter) in keys) != present:
                missing.append('voter set %s %s %s yet' % (keys, 'lacks' if present else 'still holds',
                                                           voter_key(voter)))
            return now, missing
        now, missing, error, tries = poll(check, params['wait'])
        if missing or error:
            module.fail_json(msg='%s: the change of %s was accepted, but the quorum did not show it within %ss: %s'
                             % (SUBJECT, voter_key(voter), params['wait'], error or '; '.join(missing)),
                             changed=True, **result)
        return now

    try:
        for voter in plan['remove']:
            remove_raft_voter(params, voter['replica_id'], voter['directory_id'])
            result['removed'].append(voter_key(voter))
            quorum = shows(voter, False)
        if plan['add']:
            voter = plan['add']
            add_raft_voter(params, voter['replica_id'], voter['directory_id'], params['listener_name'],
                           params['host'], params['port'])
            result['added'].append(voter_key(voter))
            quorum = shows(voter, True)
    except (KafkaUnavailable, KafkaRefused) as exc:
        # What was done before stays done (a voter removed): reported as a change either way.
        changed = bool(result['removed'] or result['added'])
        message = '%s: %s%s: %s' % (SUBJECT, 'stopped after removing %s, ' % ', '.join(result['removed'])
                                    if changed else '', type(exc).__name__, str(exc).rstrip('.'))
        if isinstance(exc, KafkaRefused) or params['fail_on_unavailable']:
            module.fail_json(msg=message + '. Run again once the cause is fixed: it carries on from here.',
                             changed=changed, available=isinstance(exc, KafkaRefused), **result)
        module.exit_json(changed=changed, available=False, error=message, **result)
    result.update(voters=[voter_key(v) for v in quorum['voters']], leader_id=quorum['leader_id'],
                  changed=bool(result['removed'] or result['added']))
    if state == 'absent' and params['unregister']:
        try:
            # False: it was not registered (any more), which is no change.
            if unregister_controller(params, node_id):
                result['changed'] = True
            result['unregistered'] = True
        except (KafkaUnavailable, KafkaRefused) as exc:
            result.update(unregistered=False, unregister_error=str(exc))
    finish(module, result, before, result['voters'])


def finish(module, result, before, after):
    if module._diff:
        result['diff'] = dict(before=''.join(key + '\n' for key in before), after=''.join(key + '\n' for key in after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
