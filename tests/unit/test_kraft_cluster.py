import base64

import pytest

from ansible_collections.kafkaops.kraft.plugins.plugin_utils import kraft_cluster as kc

GOOD = 'rWv8QX9zTW67DOWKpX0XiA'
OTHER = 'MkU3OEVBNTcwNTJENDM2Qg'


def hostvars(**ids):
    return {host: {'kafka_node_id': node_id} for host, node_id in ids.items()}


# A generated ID is made inside the test: a random parametrize ID differs between the
# processes of pytest-xdist (ansible-test units runs with -n auto).
@pytest.mark.parametrize('value', [GOOD, 'generated'])
def test_valid_cluster_ids(value):
    value = kc.new_cluster_id() if value == 'generated' else value
    assert kc.cluster_id_problem(value) is None


@pytest.mark.parametrize('value, fragment', [
    ('short', '22 characters'),
    ('rWv8QX9zTW67DOWKpX0XiA=', '22 characters'),
    ('rWv8QX9zTW67DOWKpX0Xi+', '22 characters'),
    ('-Wv8QX9zTW67DOWKpX0XiA', 'must not start'),
    ('rWv8QX9zTW67DOWKpX0XiB', '16 bytes'),  # trailing bits set: not a canonical 16-byte encoding
    (None, '22 characters'),
])
def test_invalid_cluster_ids(value, fragment):
    assert fragment in kc.cluster_id_problem(value)


def test_new_cluster_id_never_starts_with_dash():
    dash = base64.urlsafe_b64decode('-' + 'A' * 21 + '==')
    with pytest.raises(ValueError):
        kc.new_cluster_id(random_bytes=dash)
    assert kc.new_cluster_id(random_bytes=bytes(16)) == 'AAAAAAAAAAAAAAAAAAAAAA'


def test_parse_meta_properties():
    text = '#\n#Sat Nov 28 01:29:28 UTC 2026\nnode.id=1\ndirectory.id=8nE1X1zQKWRjFEA_E0QEyw\nversion=1\ncluster.id=%s\n' % GOOD
    assert kc.parse_properties(text) == {'node.id': '1', 'directory.id': '8nE1X1zQKWRjFEA_E0QEyw',
                                         'version': '1', 'cluster.id': GOOD}


def test_inventory_ok():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4, b2=5, b3=6)
    assert kc.inventory_problems(['c1', 'c2', 'c3'], ['b1', 'b2', 'b3'], hv) == []


def test_inventory_lists_every_problem_at_once():
    hv = hostvars(c1=1, c2=2, b1=2, b2='x')
    hv['c1']['kafka_cluster_id'] = 'nope'
    problems = kc.inventory_problems(['c1', 'c2'], ['b1', 'b2', 'c2', 'b3'], hv)
    text = '\n'.join(problems)
    assert 'has 2 host(s)' in text
    assert 'even number' in text
    assert 'host c2 is in both' in text
    assert 'kafka_node_id 2 is used by both c2 and b1' in text
    assert "host b2: kafka_node_id 'x' is not an integer" in text
    assert 'host b3: kafka_node_id is not set' in text
    assert "host c1: kafka_cluster_id 'nope'" in text


SINGLE = dict(kafka_default_replication_factor=1, kafka_min_insync_replicas=1)


def test_small_quorum_allowed_explicitly():
    hv = hostvars(c1=1, b1=2)
    assert kc.inventory_problems(['c1'], ['b1'], hv, allow_small_quorum=True, durability=SINGLE) == []


def test_durability_defaults_pass_with_three_brokers():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4, b2=5, b3=6)
    assert kc.durability_problems(list(hv), ['b1', 'b2', 'b3'], hv) == []


def test_durability_rules_name_variable_and_values():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4)
    text = '\n'.join(kc.inventory_problems(['c1', 'c2', 'c3'], ['b1'], hv))
    assert 'kafka_default_replication_factor is 3 but kafka_brokers has 1 host(s)' in text
    hv = hostvars(c1=1, b1=2, b2=3, b3=4)
    both = kc.durability_problems(['c1', 'b1', 'b2', 'b3'], ['b1', 'b2', 'b3'], hv,
                                  dict(kafka_min_insync_replicas=3, kafka_num_partitions=0))
    assert any('kafka_min_insync_replicas is 3 with kafka_default_replication_factor 3' in p for p in both)
    assert any('kafka_num_partitions is 0' in p for p in both)
    assert kc.durability_problems(['c1', 'b1'], ['b1'], hv, SINGLE, allow_small=True) == []


def test_durability_values_must_agree_between_controllers_and_brokers():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4, b2=5, b3=6)
    for host in ('b1', 'b2', 'b3'):
        hv[host]['kafka_min_insync_replicas'] = 1
    problems = kc.durability_problems(list(hv), ['b1', 'b2', 'b3'], hv)
    assert problems == ['kafka_min_insync_replicas must be the same on every node (set it in group_vars/all), '
                        'found 1 on b1, 2 on c1']


def test_renamed_variables_are_named_not_ignored():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4, b2=5, b3=6)
    hv['b2']['kafka_broker_min_insync_replicas'] = 2
    problems = kc.inventory_problems(['c1', 'c2', 'c3'], ['b1', 'b2', 'b3'], hv)
    assert problems == ['host b2: kafka_broker_min_insync_replicas was renamed kafka_min_insync_replicas '
                        '(cluster-wide, read by controllers and brokers); rename it in the inventory']


def test_reformat_opt_in_names_one_known_host():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4, b2=5, b3=6)
    brokers = ['b1', 'b2', 'b3']
    assert kc.inventory_problems(['c1', 'c2', 'c3'], brokers, hv, reformat_hosts=['b1']) == []
    unknown = kc.inventory_problems(['c1', 'c2', 'c3'], brokers, hv, reformat_hosts=['b9'])
    assert unknown and "kafka_reformat_hosts names 'b9', which is in neither" in unknown[0]
    two = kc.inventory_problems(['c1', 'c2', 'c3'], brokers, hv, reformat_hosts=['b1', 'c1'])
    assert two == ["kafka_reformat_hosts names 2 hosts ['b1', 'c1']; reformat one node per run, "
                   "and let it catch up before the next"]


def test_stale_dirs_are_only_those_that_disagree():
    dirs = [meta(GOOD, 4, '/d1'), meta(OTHER, 4, '/d2'), meta(GOOD, 7, '/d3')]
    assert kc.stale_dirs(dirs, GOOD, 4) == ['/d2', '/d3']
    assert kc.stale_dirs([meta(GOOD, 4)], GOOD, '4') == []
    assert kc.stale_dirs([], GOOD, 4) == []


def test_inventory_cluster_ids_must_agree():
    hv = hostvars(c1=1, c2=2, c3=3, b1=4)
    hv['c1']['kafka_cluster_id'] = GOOD
    hv['b1']['kafka_cluster_id'] = OTHER
    assert any('differs between hosts' in p for p in kc.inventory_problems(['c1', 'c2', 'c3'], ['b1'], hv))


def meta(cluster_id, node_id, path='/var/lib/kafka/data'):
    return {'cluster.id': cluster_id, 'node.id': str(node_id), 'path': path}


EXPECTED = {'c1': 1, 'c2': 2, 'b1': 4}


def test_decide_new_cluster():
    assert kc.decide_cluster_id(None, {'c1': [], 'c2': [], 'b1': []}, EXPECTED) == (None, 'new', [])


def test_decide_given_on_fresh_nodes():
    assert kc.decide_cluster_id(GOOD, {}, EXPECTED) == (GOOD, 'variable', [])


def test_decide_reuses_what_formatted_nodes_agree_on():
    discovered = {'c1': [meta(GOOD, 1)], 'b1': [meta(GOOD, 4)], 'c2': []}
    assert kc.decide_cluster_id(None, discovered, EXPECTED) == (GOOD, 'formatted nodes', [])
    assert kc.decide_cluster_id(GOOD, discovered, EXPECTED) == (GOOD, 'variable', [])


def test_decide_stops_on_nodes_that_disagree():
    cluster_id, source, problems = kc.decide_cluster_id(
        None, {'c1': [meta(GOOD, 1)], 'b1': [meta(OTHER, 4)]}, EXPECTED)
    assert cluster_id is None and source == 'conflict'
    assert problems == ['formatted nodes disagree on the cluster ID: %s on b1:/var/lib/kafka/data; '
                        '%s on c1:/var/lib/kafka/data' % (OTHER, GOOD)]


def test_decide_stops_when_variable_and_disk_disagree():
    source, problems = kc.decide_cluster_id(OTHER, {'c1': [meta(GOOD, 1)]}, EXPECTED)[1:]
    assert source == 'conflict'
    assert 'kafka_cluster_id is %s but the formatted nodes have %s on c1' % (OTHER, GOOD) in problems[0]


def test_decide_stops_when_node_id_changed_in_inventory():
    source, problems = kc.decide_cluster_id(None, {'c2': [meta(GOOD, 7)]}, EXPECTED)[1:]
    assert source == 'conflict'
    assert 'node.id 7 in meta.properties but the inventory gives kafka_node_id 2' in problems[0]


def test_quorum_voters_sorted_by_id():
    nodes = [{'id': 3, 'host': 'c', 'port': 9093}, {'id': 1, 'host': 'a', 'port': 9093},
             {'id': 2, 'host': 'b', 'port': 9093}]
    assert kc.quorum_voters(nodes) == '1@a:9093,2@b:9093,3@c:9093'


DIGEST = 'ab' * 64


def test_checksum_sha512sum_format():
    assert kc.checksum_from_file('%s  kafka_2.13-4.4.0.tgz\n' % DIGEST) == DIGEST


def test_checksum_gpg_print_md_format():
    upper = DIGEST.upper()
    folded = 'kafka_2.13-4.4.0.tgz: ' + ' '.join(upper[i:i + 8] for i in range(0, 64, 8)) + '\n' + \
        ' ' * 22 + ' '.join(upper[i:i + 8] for i in range(64, 128, 8)) + '\n'
    assert kc.checksum_from_file(folded) == DIGEST


def test_checksum_garbage_is_refused():
    with pytest.raises(ValueError):
        kc.checksum_from_file('<html>Not Found</html>', 'x.tgz')


def secure_vars(**extra):
    values = dict(kafka_security_enabled=True, kafka_tls_ca_file='/ca.pem', kafka_tls_cert_file='/n.pem',
                  kafka_tls_key_file='/n.key', kafka_admin_tls_cert_file='/a.pem', kafka_admin_tls_key_file='/a.key',
                  kafka_admin_password='Adm1n-secret-pw', kafka_inter_broker_password='Br0ker-secret-pw')
    values.update(extra)
    return values


def test_security_off_needs_nothing():
    assert kc.security_problems(['a'], {'a': {}}) == []


def test_security_complete_settings_pass():
    assert kc.security_problems(['a', 'b'], {'a': secure_vars(), 'b': secure_vars()}, exists=lambda p: True) == []


def test_security_problems_name_host_and_variable_never_the_password():
    hv = {'a': secure_vars(kafka_tls_key_file='', kafka_admin_password='short,pw'),
          'b': secure_vars(kafka_tls_ca_file='/missing.pem')}
    problems = kc.security_problems(['a', 'b'], hv, exists=lambda p: p != '/missing.pem')
    text = '\n'.join(problems)
    assert 'host a: kafka_tls_key_file is not set' in text
    assert 'host a: kafka_admin_password must be 12 or more characters' in text
    assert 'short,pw' not in text
    assert 'host b: kafka_tls_ca_file /missing.pem does not exist on the Ansible controller' in text


def test_security_switch_must_agree():
    problems = kc.security_problems(['a', 'b'], {'a': secure_vars(), 'b': {}})
    assert problems == ["kafka_security_enabled must be the same on every node: true on ['a'], false on ['b']; "
                        "set it in group_vars/all"]


def controller(node_id, port=9093):
    return {'id': node_id, 'role': 'controller', 'host': 'c%s' % node_id, 'port': port,
            'ports': {'kafka_controller_port': port}}


def broker(node_id, port=9092, internal=9091, controller_port=9093):
    return {'id': node_id, 'role': 'broker', 'host': 'b%s' % node_id, 'port': port,
            'ports': {'kafka_broker_port': port, 'kafka_broker_internal_port': internal,
                      'kafka_controller_port': controller_port}}


def test_listeners_ok():
    nodes = {'c1': controller(1), 'c2': controller(2), 'c3': controller(3), 'b1': broker(4), 'b2': broker(5)}
    assert kc.listener_problems(nodes) == []


def test_two_listeners_of_a_node_on_one_port():
    nodes = {'c1': controller(1), 'b1': broker(4, port=9093), 'b2': broker(5, internal=9092)}
    assert kc.listener_problems(nodes) == [
        'host b1: kafka_broker_port and kafka_controller_port share port 9093; every listener of a node needs its '
        'own port, give each of them a different value',
        'host b2: kafka_broker_internal_port and kafka_broker_port share port 9092; every listener of a node needs '
        'its own port, give each of them a different value']


def test_brokers_must_use_the_controllers_port():
    nodes = {'c1': controller(1), 'c2': controller(2), 'b1': broker(4, controller_port=19093), 'b2': broker(5)}
    assert kc.listener_problems(nodes) == [
        'host b1: kafka_controller_port is 19093 but the controllers listen on 9093; a broker reaches the quorum on '
        'that port, set kafka_controller_port to the same value for brokers and controllers (group_vars/all)']


def test_controllers_must_agree_on_their_port():
    nodes = {'c1': controller(1), 'c2': controller(2, port=9094), 'c3': controller(3), 'b1': broker(4, controller_port=9095)}
    problems = kc.listener_problems(nodes)
    assert problems[0] == ('kafka_controller_port differs between the controllers: 9093 on c1, c3; 9094 on c2; the '
                           'quorum listens on one port, set kafka_controller_port once for every node (group_vars/all)')
    assert problems[1].startswith('host b1: kafka_controller_port is 9095 but the controllers listen on 9093 or 9094;')
    assert len(problems) == 2


def test_ports_templated_to_strings_compare_as_numbers():
    # ansible-core before 2.19 templates set_fact values to strings.
    nodes = {'c1': controller(1, port='9093'), 'b1': broker(4, port='9092', internal='9091', controller_port=9093)}
    assert kc.listener_problems(nodes) == []
    nodes['b1']['ports']['kafka_broker_internal_port'] = '9092'
    assert kc.listener_problems(nodes)[0].startswith('host b1: kafka_broker_internal_port and kafka_broker_port share port 9092')


def test_the_filter_plugin_offers_every_filter_the_roles_use():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    filters = FilterModule().filters()
    assert sorted(filters) == sorted([
        'kraft_inventory_problems', 'kraft_listener_problems', 'kraft_decide_cluster_id', 'kraft_new_cluster_id',
        'kraft_quorum_voters', 'kraft_properties', 'kraft_meta_properties',
        'kraft_sha512_from_file', 'kraft_stale_dirs', 'kraft_unformatted_voter_problems'])
    assert filters['kraft_listener_problems']({'b1': broker(4, port=9093)}) == [
        'host b1: kafka_broker_port and kafka_controller_port share port 9093; every listener of a node needs its '
        'own port, give each of them a different value']
    with pytest.raises(AnsibleFilterError, match='expects'):
        filters['kraft_listener_problems']([broker(4)])


def test_an_unformatted_controller_of_a_formatted_static_cluster_is_refused():
    unformatted = {'c1': [], 'c2': ['/var/lib/kafka/metadata'], 'c3': []}
    problems = kc.unformatted_voter_problems(unformatted, ['c1', 'c3', 'b1'])
    assert len(problems) == 1
    assert problems[0].startswith('c2: controller directory /var/lib/kafka/metadata is not formatted, but the cluster '
                                  'is (formatted on b1, c1, c3)')
    assert '"kafka_reformat_hosts": ["c2"]' in problems[0]


def test_unformatted_controllers_are_fine_in_a_new_cluster_or_under_the_opt_in():
    unformatted = {'c1': ['/m'], 'c2': ['/m'], 'c3': ['/m']}
    assert kc.unformatted_voter_problems(unformatted, []) == []
    assert kc.unformatted_voter_problems({'c1': [], 'c2': ['/m']}, ['c1'], ['c2']) == []


def test_every_controller_lost_while_brokers_hold_data_is_refused():
    problems = kc.unformatted_voter_problems({'c1': ['/m'], 'c2': ['/m'], 'c3': ['/m']}, ['b1', 'b2'])
    assert [p.split(':')[0] for p in problems] == ['c1', 'c2', 'c3']
