"""Bad inventories are refused by site.yml's preflight, with one message naming every problem,
before any host is contacted. The hosts here are docker containers that do not exist: had the
run gone past preflight, the discover step would fail on them (and no traffic leaves the machine)."""
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
GOOD_ID = 'rWv8QX9zTW67DOWKpX0XiA'


def inventory(controllers, brokers, **all_vars):
    groups = {}
    for group, hosts in (('kraft_controllers', controllers), ('kafka_brokers', brokers)):
        groups[group] = {'hosts': dict((name, dict(hostvars)) for name, hostvars in hosts)}
    all_vars.setdefault('ansible_connection', 'community.docker.docker')
    return {'all': {'vars': all_vars, 'children': groups}}


def run_site(tmp_path, inv):
    path = tmp_path / 'hosts.yml'
    path.write_text(yaml.safe_dump(inv))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_NOCOLOR='1')
    bindir = os.path.dirname(sys.executable)
    proc = subprocess.run([os.path.join(bindir, 'ansible-playbook'), '-i', str(path),
                           os.path.join(ROOT, 'playbooks', 'site.yml')],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def nodes(prefix, first_id, count):
    return [('%s-%d' % (prefix, i + 1), {'kafka_node_id': first_id + i}) for i in range(count)]


CASES = {
    'two controllers': (
        inventory(nodes('c', 1, 2), nodes('b', 4, 3)),
        ['group kraft_controllers has 2 host(s)', 'even number of hosts (2)']),
    'four controllers': (
        inventory(nodes('c', 1, 4), nodes('b', 5, 3)),
        ['even number of hosts (4)']),
    'node id used twice': (
        inventory(nodes('c', 1, 3), [('b-1', {'kafka_node_id': 3}), ('b-2', {'kafka_node_id': 5})]),
        ['kafka_node_id 3 is used by both c-3 and b-1']),
    'host in both groups': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 2) + [('c-3', {'kafka_node_id': 3})]),
        ['host c-3 is in both kraft_controllers and kafka_brokers']),
    'missing node id': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 2) + [('b-3', {})]),
        ['host b-3: kafka_node_id is not set']),
    'malformed cluster id': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_cluster_id='-not-a-valid-id'),
        ["kafka_cluster_id '-not-a-valid-id' must be 22 characters"]),
    'broker port equals controller port': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_broker_port=9093, kafka_controller_port=9093),
        ['host b-1: kafka_broker_port and kafka_controller_port share port 9093']),
    # Set on the brokers only: the controllers' port is the role default, which hostvars lack.
    'broker port on the brokers equals the default controller port': (
        inventory(nodes('c', 1, 3), [(name, dict(v, kafka_broker_port=9093)) for name, v in nodes('b', 4, 3)]),
        ['host b-1: kafka_broker_port and kafka_controller_port share port 9093']),
    'reformat opt-in naming an unknown host': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_reformat_hosts=['b-9']),
        ["kafka_reformat_hosts names 'b-9', which is in neither"]),
    'reformat opt-in naming two hosts': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_reformat_hosts=['b-1', 'b-2']),
        ["kafka_reformat_hosts names 2 hosts ['b-1', 'b-2']; reformat one node per run"]),
    'min.insync.replicas equal to the replication factor': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_min_insync_replicas=3),
        ['kafka_min_insync_replicas is 3 with kafka_default_replication_factor 3']),
    'replication factor above the broker count': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 2)),
        ['kafka_default_replication_factor is 3 but kafka_brokers has 2 host(s)']),
    'a variable under its 0.1.0 name': (
        inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_broker_min_insync_replicas=2),
        ['host c-1: kafka_broker_min_insync_replicas was renamed kafka_min_insync_replicas']),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_inventory_is_refused_before_any_host(tmp_path, case):
    inv, expected = CASES[case]
    rc, output = run_site(tmp_path, inv)
    assert rc != 0, output
    assert 'The inventory breaks' in output, output
    for fragment in expected:
        assert fragment in output, output
    assert 'Read meta.properties' not in output, output


def test_good_inventory_passes_preflight_then_reaches_for_the_hosts(tmp_path):
    # The control case: the same harness with a good inventory gets as far as the hosts.
    rc, output = run_site(tmp_path, inventory(nodes('c', 1, 3), nodes('b', 4, 3), kafka_cluster_id=GOOD_ID))
    assert rc != 0
    assert 'The inventory breaks' not in output, output
    assert 'Read meta.properties' in output, output
