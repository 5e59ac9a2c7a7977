import base64
import os
import re
from types import SimpleNamespace

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
                  kafka_admin_password='Adm1n-secret-pw', kafka_inter_broker_password='Br0ker-secret-pw',
                  kafka_metrics_password='Metr1cs-secret-pw')
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


def test_metrics_defaults_mirror_the_role_defaults():
    import os
    import yaml
    root = os.path.join(os.path.dirname(__file__), '..', '..')
    with open(os.path.join(root, 'roles', 'kafka', 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    for name, value in kc.METRICS_DEFAULTS.items():
        assert defaults[name] == ('{{ kafka_security_enabled }}' if value is None else value), name


@pytest.mark.parametrize('extra', [
    dict(kafka_metrics_password=''),                                   # TLS without basic authentication
    dict(kafka_metrics_tls=False),                                     # basic authentication in clear text
    dict(kafka_metrics_tls='false', kafka_metrics_password=''),
])
def test_secure_mode_refuses_an_open_metrics_endpoint(extra):
    problems = kc.security_problems(['a', 'b'], {'a': secure_vars(), 'b': secure_vars(**extra)}, exists=lambda p: True)
    assert len(problems) == 1 and problems[0].startswith('host b: in secure mode the metrics endpoint is served over TLS')
    assert 'kafka_metrics_bind_address' in problems[0] and 'kafka_metrics_enabled: false' in problems[0]
    assert 'secret' not in problems[0]


@pytest.mark.parametrize('extra', [
    dict(kafka_metrics_password='', kafka_metrics_bind_address='10.9.0.4'),  # bound to a chosen address
    dict(kafka_metrics_tls=False, kafka_metrics_bind_address='127.0.0.1'),
    dict(kafka_metrics_password='', kafka_metrics_enabled=False),          # no endpoint
    dict(kafka_metrics_tls='true'),
])
def test_secure_mode_accepts_tls_with_auth_or_a_chosen_address(extra):
    assert kc.security_problems(['a'], {'a': secure_vars(**extra)}, exists=lambda p: True) == []


def test_metrics_tls_needs_secure_mode():
    problems = kc.security_problems(['a', 'b'], {'a': {'kafka_metrics_tls': True}, 'b': {}})
    assert problems == ["host a: kafka_metrics_tls serves the metrics endpoint with the node's TLS certificate, which "
                        "only secure mode installs; set kafka_security_enabled: true, or kafka_metrics_tls: false"]
    assert kc.security_problems(['a'], {'a': {'kafka_metrics_tls': True, 'kafka_metrics_enabled': False}}) == []


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
        'kraft_quorum_voters', 'kraft_decide_quorum', 'kraft_quorum_bootstrap_servers', 'kraft_properties',
        'kraft_meta_properties', 'kraft_sha512_from_file', 'kraft_stale_dirs', 'kraft_release_of',
        'kraft_releases_between', 'kraft_releases_to_prune', 'kraft_release_problems', 'kraft_data_paths',
        'kraft_local_file_digest', 'kraft_directory_specs', 'kraft_file_is'])
    assert filters['kraft_listener_problems']({'b1': broker(4, port=9093)}) == [
        'host b1: kafka_broker_port and kafka_controller_port share port 9093; every listener of a node needs its '
        'own port, give each of them a different value']
    with pytest.raises(AnsibleFilterError, match='expects'):
        filters['kraft_listener_problems']([broker(4)])
    # installed is {host: release}; a list of hosts, of dicts, or nothing at all is a filter error.
    for malformed in (['b1', 'b2'], [{'b1': '4.4.0'}], None, 'b1'):
        with pytest.raises(AnsibleFilterError, match='kraft_release_problems expects'):
            filters['kraft_release_problems'](malformed, '4.4.0')
    with pytest.raises(AnsibleFilterError, match='kraft_release_problems expects'):
        filters['kraft_release_problems']({'b1': '4.4.0'}, '4.3.1', 'metadata.version=30 (4.3.1)', 'thirty')


def test_an_unformatted_controller_of_a_formatted_static_cluster_is_refused():
    unformatted = {'c1': [], 'c2': ['/var/lib/kafka/metadata'], 'c3': []}
    problems = kc.unformatted_voter_problems(unformatted, ['c1', 'c3', 'b1'])
    assert len(problems) == 1
    assert problems[0].startswith('c2: controller directory /var/lib/kafka/metadata is not formatted, but the cluster '
                                  'is (formatted on b1, c1, c3)')
    assert '"kafka_reformat_hosts": ["c2"]' in problems[0]
    # The two ways out: the dynamic quorum, which replaces a lost disk safely, or the opt-in.
    assert 'a voter that forgot what it acknowledged' in problems[0]
    assert 'migrate the quorum to dynamic (kafka_quorum_mode: dynamic' in problems[0]


def test_unformatted_controllers_are_fine_in_a_new_cluster_or_under_the_opt_in():
    unformatted = {'c1': ['/m'], 'c2': ['/m'], 'c3': ['/m']}
    assert kc.unformatted_voter_problems(unformatted, []) == []
    assert kc.unformatted_voter_problems({'c1': [], 'c2': ['/m']}, ['c1'], ['c2']) == []


def test_every_controller_lost_while_brokers_hold_data_is_refused():
    problems = kc.unformatted_voter_problems({'c1': ['/m'], 'c2': ['/m'], 'c3': ['/m']}, ['b1', 'b2'])
    assert [p.split(':')[0] for p in problems] == ['c1', 'c2', 'c3']


# --- Dynamic quorum (KIP-853) ---------------------------------------------------------------

def test_directory_id_is_a_kafka_uuid_the_same_on_every_host():
    first = kc.directory_id(GOOD, 1)
    assert len(first) == 22 and re.match(r'^[A-Za-z0-9_-]{22}$', first)
    # The same rules as a cluster ID: 16 bytes of base64url, canonical, not starting with '-'.
    assert kc.cluster_id_problem(first) is None
    assert kc.directory_id(GOOD, 1) == first and kc.directory_id(GOOD, '1') == first
    assert kc.directory_id(GOOD, 2) != first and kc.directory_id(OTHER, 1) != first


def test_directory_ids_of_many_nodes_are_distinct_and_never_start_with_a_dash():
    ids = [kc.directory_id(GOOD, node_id) for node_id in range(1, 1001)]
    assert len(set(ids)) == 1000
    assert not [value for value in ids if value.startswith('-') or kc.cluster_id_problem(value)]


def test_directory_id_skips_the_values_kafka_reserves(monkeypatch):
    # The first seed gives an ID starting with '-', the second one whose first 8 bytes are zero
    # (Kafka's reserved UNASSIGNED, LOST, MIGRATING...): the third is taken.
    digests = [b'\xf8' + bytes(31), bytes(8) + b'\x01' * 24, b'\x07' * 32]
    seeds = []

    class Digest(object):
        def __init__(self, seed):
            seeds.append(seed)
            self.value = digests[len(seeds) - 1]

        def digest(self):
            return self.value

    monkeypatch.setattr(kc, 'hashlib', SimpleNamespace(sha256=Digest))
    assert kc.directory_id(GOOD, 3) == base64.urlsafe_b64encode(b'\x07' * 16).decode('ascii').rstrip('=')
    assert [seed.decode('utf-8').rsplit(' ', 1)[1] for seed in seeds] == ['0', '1', '2']
    assert all(('%s 3 ' % GOOD).encode('utf-8') in seed for seed in seeds)


def quorum_controller(node_id, directory_id=None, unformatted=(), running=None, host=None):
    """What cluster_id.yml gives decide_quorum for one controller."""
    return {'node': {'id': node_id, 'role': 'controller', 'host': host or 'c%s' % node_id, 'port': 9093},
            'directory_id': directory_id, 'unformatted': list(unformatted), 'running': running}


D1, D2, D3, NEW = 'Ga77ft73n_BQn6RH_Qk8FA', 'wTx1rBEUPB0fyOVAwqpmqQ', 'cYFqVr_dVGamYbntAlQ0Vw', 'gphqQFZ3ggTe22nJf_Jj0Q'
EMPTY = ['/var/lib/kafka/metadata']


def running_quorum(how='dynamic', **changes):
    """Three formatted controllers running with `how`; changes: host -> quorum_controller(...)."""
    controllers = dict(c1=quorum_controller(1, D1, running=how), c2=quorum_controller(2, D2, running=how),
                       c3=quorum_controller(3, D3, running=how))
    controllers.update(changes)
    return controllers


def test_a_new_cluster_formats_every_controller_with_the_same_initial_controllers():
    # Host names sort otherwise than node IDs: the flag is in ID order, IDs compared as numbers.
    controllers = dict(zeta=quorum_controller(1, unformatted=EMPTY), alpha=quorum_controller('10', unformatted=EMPTY),
                       mid=quorum_controller(2, unformatted=EMPTY, running=''))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, [])
    expected = '1@c1:9093:%s,2@c2:9093:%s,10@c10:9093:%s' % (
        kc.directory_id(GOOD, 1), kc.directory_id(GOOD, 2), kc.directory_id(GOOD, 10))
    assert decision['initial_controllers'] == expected
    assert decision['format_args'] == dict((host, ['--initial-controllers', expected]) for host in controllers)
    assert decision['join'] == [] and decision['migrate'] is False and decision['problems'] == []
    assert decision['mode'] == 'dynamic'


def test_an_interrupted_first_deployment_formats_the_rest_with_the_flag_the_first_had():
    # c1 was formatted (with the derived ID) before the run stopped; c2 and c3 under the opt-in.
    controllers = dict(c1=quorum_controller(1, kc.directory_id(GOOD, 1)), c2=quorum_controller(2, unformatted=EMPTY),
                       c3=quorum_controller(3, unformatted=EMPTY))
    first = kc.decide_quorum('dynamic', GOOD, dict(c1=quorum_controller(1, unformatted=EMPTY),
                                                   c2=controllers['c2'], c3=controllers['c3']), [])
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1'], ['c2', 'c3'])
    assert decision['initial_controllers'] == first['initial_controllers']
    assert decision['format_args'] == dict(c1=[], c2=first['format_args']['c2'], c3=first['format_args']['c3'])
    assert decision['join'] == [] and decision['problems'] == []


def test_initial_controllers_take_the_directory_ids_on_disk():
    controllers = dict(c1=quorum_controller(1, D1), c2=quorum_controller(2, unformatted=EMPTY),
                       c3=quorum_controller(3, D3))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c3'], ['c2'])
    flag = '1@c1:9093:%s,2@c2:9093:%s,3@c3:9093:%s' % (D1, kc.directory_id(GOOD, 2), D3)
    assert decision['format_args'] == dict(c1=[], c2=['--initial-controllers', flag], c3=[])


def test_a_controller_that_lost_its_disk_joins_a_formatted_dynamic_quorum():
    controllers = running_quorum(c2=quorum_controller(2, unformatted=EMPTY, running='dynamic'))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c3', 'b1'])
    assert decision['join'] == ['c2'] and decision['problems'] == [] and decision['migrate'] is False
    assert decision['format_args'] == dict(c1=[], c2=['--no-initial-controllers'], c3=[])


def test_a_controller_added_to_the_inventory_joins_and_the_others_are_left_alone():
    controllers = running_quorum(c4=quorum_controller(4, unformatted=EMPTY))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c2', 'c3'])
    assert decision['join'] == ['c4'] and decision['problems'] == []
    assert decision['format_args'] == dict(c1=[], c2=[], c3=[], c4=['--no-initial-controllers'])


def test_the_reformat_opt_in_formats_a_lost_controller_back_into_the_voter_set():
    controllers = running_quorum(c2=quorum_controller(2, unformatted=EMPTY))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c3'], ['c2'])
    assert decision['join'] == [] and decision['problems'] == []
    assert decision['format_args']['c2'] == ['--initial-controllers', '1@c1:9093:%s,2@c2:9093:%s,3@c3:9093:%s'
                                             % (D1, kc.directory_id(GOOD, 2), D3)]


def test_static_mode_refuses_a_controller_that_lost_its_disk():
    controllers = running_quorum('static', c2=quorum_controller(2, unformatted=EMPTY, running='static'))
    decision = kc.decide_quorum('static', GOOD, controllers, ['c1', 'c3'])
    [problem] = decision['problems']
    assert problem.startswith('c2: controller directory /var/lib/kafka/metadata is not formatted, but the cluster is '
                              '(formatted on c1, c3)')
    assert 'forgot what it acknowledged' in problem and '"kafka_reformat_hosts": ["c2"]' in problem
    assert 'kafka_quorum_mode: dynamic' in problem
    assert decision['join'] == [] and decision['format_args'] == dict(c1=[], c2=[], c3=[])
    assert decision['initial_controllers'] == '' and decision['migrate'] is False
    assert kc.decide_quorum('static', GOOD, controllers, ['c1', 'c3'], ['c2'])['problems'] == []


def test_static_mode_formats_a_new_cluster_without_quorum_arguments():
    controllers = dict((host, quorum_controller(n, unformatted=EMPTY)) for host, n in (('c1', 1), ('c2', 2), ('c3', 3)))
    decision = kc.decide_quorum('static', GOOD, controllers, [])
    assert decision['mode'] == 'static' and decision['format_args'] == dict(c1=[], c2=[], c3=[])
    assert decision['join'] == [] and decision['migrate'] is False and decision['initial_controllers'] == ''
    assert decision['problems'] == []


def test_static_mode_never_takes_a_dynamic_quorum_back():
    controllers = running_quorum('dynamic', c3=quorum_controller(3, D3, running='static'))
    [problem] = kc.decide_quorum('static', GOOD, controllers, ['c1', 'c2', 'c3'])['problems']
    assert problem.startswith('kafka_quorum_mode is static but the quorum is dynamic (c1, c2 run with '
                              'controller.quorum.bootstrap.servers)')
    assert 'set kafka_quorum_mode: dynamic' in problem


def test_a_running_static_quorum_is_migrated():
    decision = kc.decide_quorum('dynamic', GOOD, running_quorum('static'), ['c1', 'c2', 'c3', 'b1'])
    assert decision['migrate'] is True and decision['problems'] == [] and decision['join'] == []
    assert decision['format_args'] == dict(c1=[], c2=[], c3=[])
    # One controller still static is enough: the roll that migrates it was interrupted.
    partly = running_quorum('dynamic', c1=quorum_controller(1, D1, running='static'))
    assert kc.decide_quorum('dynamic', GOOD, partly, ['c1', 'c2', 'c3'])['migrate'] is True


def test_a_lost_disk_while_the_quorum_is_still_static_is_refused():
    controllers = running_quorum('static', c2=quorum_controller(2, unformatted=EMPTY, running='static'))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c3'])
    assert decision['migrate'] is True and decision['join'] == []
    [problem] = decision['problems']
    assert problem.startswith('c2: the metadata directory is not formatted, and the quorum is still static (c1, c3 run '
                              'with controller.quorum.voters). Nothing was changed.')
    assert 'kafka_quorum_mode: static' in problem


def test_the_configuration_of_a_controller_that_lost_its_disk_does_not_count():
    # c2's configuration survived its data disk: it says static, but that controller runs nothing.
    controllers = running_quorum('dynamic', c2=quorum_controller(2, unformatted=EMPTY, running='static'))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c3'])
    assert decision['migrate'] is False and decision['join'] == ['c2'] and decision['problems'] == []


def test_an_unknown_quorum_mode_is_a_problem():
    decision = kc.decide_quorum('raft', GOOD, running_quorum(), ['c1', 'c2', 'c3'])
    assert decision['problems'] == ["kafka_quorum_mode is 'raft'; use dynamic (the default) or static"]
    assert decision['join'] == [] and decision['format_args'] == dict(c1=[], c2=[], c3=[])


def test_quorum_bootstrap_servers_in_id_order():
    nodes = [{'id': '10', 'host': 'c10', 'port': 9093}, {'id': 2, 'host': 'c2', 'port': '9093'},
             {'id': '1', 'host': 'c1', 'port': 19093}]
    assert kc.quorum_bootstrap_servers(nodes) == 'c1:19093,c2:9093,c10:9093'
    assert kc.quorum_bootstrap_servers([]) == ''


def test_the_quorum_filters_name_what_they_expect():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    filters = FilterModule().filters()
    decide, bootstrap = filters['kraft_decide_quorum'], filters['kraft_quorum_bootstrap_servers']
    # As the role calls them: reformat_hosts may be None, nodes any iterable.
    assert decide(running_quorum(), 'dynamic', GOOD, ['c1', 'c2', 'c3'], None)['problems'] == []
    assert bootstrap(iter([controller(2), controller(1)])) == 'c1:9093,c2:9093'
    for malformed in ({'c1': {'directory_id': D1}}, {'c1': None}, {'c1': quorum_controller('one')}):
        with pytest.raises(AnsibleFilterError, match='kraft_decide_quorum expects'):
            decide(malformed, 'dynamic', GOOD, [])
    for malformed in ([{'id': 1, 'port': 9093}], [None], None):
        with pytest.raises(AnsibleFilterError, match='kraft_quorum_bootstrap_servers: a controller was not discovered'):
            bootstrap(malformed)


def test_kraft_decide_quorum_refuses_a_list_of_controllers_as_a_filter_error():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    with pytest.raises(AnsibleFilterError, match='kraft_decide_quorum expects'):
        FilterModule().filters()['kraft_decide_quorum']([quorum_controller(1)], 'dynamic', GOOD, [])


# --- A quorum still static migrates with every controller; a join needs a formatted majority ------

MIGRATE_REFUSED = ('c2: the metadata directory is not formatted, and the quorum is still static (c1, c3 run with '
                   'controller.quorum.voters). Nothing was changed. The migration to a dynamic quorum needs every '
                   'controller of the static voter set formatted: restore the disk (or take a new controller out of '
                   'the inventory until the migration is done), or deal with it in static mode first (kafka_quorum_mode: static '
                   'for that run, see README "Controller lifecycle"), then migrate.')


def assert_nothing_formatted(decision, hosts):
    assert decision['join'] == [] and decision['initial_controllers'] == ''
    assert decision['format_args'] == dict((host, []) for host in hosts)


@pytest.mark.parametrize('reformat_hosts', [(), ['c2']], ids=['no-opt-in', 'opted-in'])
def test_migrate_refuses_a_lost_controller_even_under_the_opt_in(reformat_hosts):
    controllers = running_quorum('static', c2=quorum_controller(2, unformatted=EMPTY, running='static'))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c3', 'b1'], reformat_hosts)
    assert decision['problems'] == [MIGRATE_REFUSED] and decision['migrate'] is True
    assert_nothing_formatted(decision, ['c1', 'c2', 'c3'])


def test_migrate_refuses_a_controller_the_opt_in_wipes():
    # Its disk claims another cluster: wiped, it is a controller without a formatted directory.
    controllers = running_quorum('static', c2=dict(quorum_controller(2, D2, running='static'), wiped=True))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c2', 'c3'], ['c2'])
    assert decision['problems'] == [MIGRATE_REFUSED] and decision['migrate'] is True
    assert_nothing_formatted(decision, ['c1', 'c2', 'c3'])


def test_migrate_refuses_a_controller_added_to_the_inventory_meanwhile():
    # One controller still static (a roll interrupted) is enough to be migrating.
    controllers = running_quorum('dynamic', c1=quorum_controller(1, D1, running='static'),
                                 c4=quorum_controller(4, unformatted=EMPTY))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c2', 'c3'])
    [problem] = decision['problems']
    assert problem.startswith('c4: the metadata directory is not formatted, and the quorum is still static (c1 run '
                              'with controller.quorum.voters). Nothing was changed.')
    assert decision['migrate'] is True
    assert_nothing_formatted(decision, ['c1', 'c2', 'c3', 'c4'])


def test_two_of_three_controllers_unformatted_in_a_formatted_cluster_are_refused_without_a_join():
    controllers = running_quorum(c2=quorum_controller(2, unformatted=EMPTY), c3=quorum_controller(3, unformatted=EMPTY))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'b1'])
    assert decision['problems'] == [
        'c2, c3: the metadata directory is not formatted, and only 1 of the 3 controllers are (c1): a dynamic quorum '
        'needs a majority of its voters to let a controller join. Nothing was changed. After a first deployment '
        'interrupted between controllers, format each as one of the initial voters: '
        '-e \'{"kafka_reformat_hosts": ["c2"]}\' (one host per run). If the disks were lost, the quorum lost its '
        'majority: restore them.']
    assert decision['migrate'] is False
    assert_nothing_formatted(decision, ['c1', 'c2', 'c3'])


def test_one_of_three_controllers_unformatted_joins():
    controllers = running_quorum(c3=quorum_controller(3, unformatted=EMPTY))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c2', 'b1'])
    assert decision['problems'] == [] and decision['join'] == ['c3']
    assert decision['format_args'] == dict(c1=[], c2=[], c3=['--no-initial-controllers'])


def test_every_controller_lost_while_brokers_hold_data_is_refused_in_dynamic_mode():
    controllers = dict((host, quorum_controller(n, unformatted=EMPTY)) for host, n in (('c1', 1), ('c2', 2), ('c3', 3)))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['b1', 'b2'])
    [problem] = decision['problems']
    assert problem.startswith('c1, c2, c3: the metadata directory is not formatted, and only 0 of the 3 controllers '
                              'are (none): ')
    assert_nothing_formatted(decision, ['c1', 'c2', 'c3'])


@pytest.mark.parametrize('kept, lost, refused', [
    (('c1', 'c2'), ('c3', 'c4'), True),         # 2 of 4: no majority
    (('c1', 'c2', 'c3'), ('c4', 'c5'), False),  # 3 of 5
    (('c1', 'c2', 'c3'), ('c4',), False),       # a controller added to three
    (('c1',), ('c2',), True),                   # 1 of 2
])
def test_a_join_needs_a_majority_of_the_controllers_formatted(kept, lost, refused):
    controllers = dict((host, quorum_controller(int(host[1:]), NEW, running='dynamic')) for host in kept)
    controllers.update((host, quorum_controller(int(host[1:]), unformatted=EMPTY)) for host in lost)
    decision = kc.decide_quorum('dynamic', GOOD, controllers, list(kept) + ['b1'])
    if refused:
        [problem] = decision['problems']
        assert problem.startswith('%s: the metadata directory is not formatted, and only %d of the %d controllers are '
                                  '(%s)' % (', '.join(lost), len(kept), len(controllers), ', '.join(kept)))
        assert '"kafka_reformat_hosts": ["%s"]' % lost[0] in problem
        assert decision['join'] == []
    else:
        assert decision['problems'] == [] and decision['join'] == list(lost)


# --- Wiped controllers, the running quorum's voters, the directories kept -----------------------

def test_a_controller_the_opt_in_wipes_is_formatted_like_an_empty_one():
    controllers = running_quorum(c2=dict(quorum_controller(2, NEW, running='dynamic'), wiped=True))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1', 'c2', 'c3'], ['c2'])
    assert decision['problems'] == [] and decision['join'] == []
    assert decision['directories'] == dict(c1=D1, c2=None, c3=D3)
    assert decision['format_args']['c2'] == ['--initial-controllers', '1@c1:9093:%s,2@c2:9093:%s,3@c3:9093:%s'
                                             % (D1, kc.directory_id(GOOD, 2), D3)]


def test_a_wiped_disk_does_not_make_the_cluster_a_formatted_one():
    # The only formatted disk claims another cluster: this is a new cluster.
    controllers = dict(c1=dict(quorum_controller(1, NEW), wiped=True), c2=quorum_controller(2, unformatted=EMPTY),
                       c3=quorum_controller(3, unformatted=EMPTY))
    decision = kc.decide_quorum('dynamic', GOOD, controllers, ['c1'], ['c1'])
    flag = ','.join('%d@c%d:9093:%s' % (n, n, kc.directory_id(GOOD, n)) for n in (1, 2, 3))
    assert decision['problems'] == [] and decision['join'] == []
    assert decision['format_args'] == dict((host, ['--initial-controllers', flag]) for host in controllers)
    assert decision['directories'] == dict(c1=None, c2=None, c3=None)


def test_a_formatted_controller_the_quorum_does_not_count_as_a_voter_joins():
    voters = [dict(replica_id=1, directory_id=D1), dict(replica_id=3, directory_id=D3)]
    decision = kc.decide_quorum('dynamic', GOOD, running_quorum(), ['c1', 'c2', 'c3'], (), voters)
    assert decision['problems'] == [] and decision['join'] == ['c2']
    assert decision['format_args'] == dict(c1=[], c2=[], c3=[])
    # Another directory of node 2 in the voter set is not this disk; no answer means no join.
    other = voters + [dict(replica_id='2', directory_id=NEW)]
    assert kc.decide_quorum('dynamic', GOOD, running_quorum(), ['c1', 'c2', 'c3'], (), other)['join'] == ['c2']
    every = voters + [dict(replica_id='2', directory_id=D2)]
    assert kc.decide_quorum('dynamic', GOOD, running_quorum(), ['c1', 'c2', 'c3'], (), every)['join'] == []
    assert kc.decide_quorum('dynamic', GOOD, running_quorum(), ['c1', 'c2', 'c3'], (), None)['join'] == []


def test_the_filter_turns_a_controller_that_is_not_a_mapping_into_a_filter_error():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    decide = FilterModule().filters()['kraft_decide_quorum']
    # AttributeError: a string or a list where a controller's facts belong.
    for malformed in ({'c1': 'c1'}, {'c1': [quorum_controller(1)]}, [quorum_controller(1)], 'c1'):
        with pytest.raises(AnsibleFilterError, match='kraft_decide_quorum expects'):
            decide(malformed, 'dynamic', GOOD, [])
    # The voters the role passes through as they are.
    voters = [dict(replica_id=1, directory_id=D1), dict(replica_id=3, directory_id=D3)]
    assert decide(running_quorum(), 'dynamic', GOOD, ['c1', 'c2', 'c3'], None, voters)['join'] == ['c2']


# --- Release changes: which release a node runs, a move to another, what is kept ----------------

@pytest.mark.parametrize('path, release', [
    ('/opt/kafka/kafka_2.13-4.4.0', '4.4.0'),
    ('/opt/kafka/kafka_2.13-4.4.0/', '4.4.0'),
    ('kafka_2.12-3.9.1', '3.9.1'),
    ('/srv/kafka/kafka_2.13-4.10.0', '4.10.0'),
    ('/opt/kafka/current', ''),
    ('current', ''),
    ('', ''),
    (None, ''),
    ('/opt/kafka/kafka_2.13-4.2.0.tgz', ''),
    ('/opt/kafka/kafka_logs', ''),
    ('/opt/kafka/kafka-4.4.0', ''),
])
def test_release_of_a_path(path, release):
    assert kc.release_of(path) == release


def test_version_key_orders_numerically():
    assert kc.version_key('4.10.0') > kc.version_key('4.9.1')
    assert kc.version_key('4.3.1') < kc.version_key('4.4.0')
    assert kc.version_key('3.9.1') < kc.version_key('4.0.0')
    assert kc.version_key('4.4.0') == (4, 4, 0)
    assert sorted(['4.10.0', '4.2.0', '4.9.1', '3.9.1'], key=kc.version_key) == ['3.9.1', '4.2.0', '4.9.1', '4.10.0']


@pytest.mark.parametrize('older, newer, between', [
    ('4.3.1', '4.4.0', ['4.4']),
    ('3.9.1', '4.1.0', ['4.0', '4.1']),
    ('4.0.0', '4.3.1', ['4.1', '4.2', '4.3']),
    ('4.4.0', '4.4.1', []),
    ('4.4.0', '4.4.0', []),
    ('4.4.0', '4.3.1', []),
])
def test_releases_between(older, newer, between):
    assert kc.releases_between(older, newer) == between


def test_mapped_levels_reads_each_release_and_ignores_the_rest():
    text = ('metadata.version=30 (4.3.1)\n'
            'kraft.version=1\n'
            '  metadata.version=33 (4.4)\n'
            "Unknown metadata.version '4.5'. Supported metadata.version are: 3.3-IV3 to 4.4-IV1\n"
            'group.version=1\n')
    assert kc.mapped_levels(text) == {'4.3.1': 30, '4.4': 33}
    assert kc.mapped_levels('') == {}
    assert kc.mapped_levels(None) == {}
    assert kc.mapped_levels("Unknown metadata.version '4.5'. Supported metadata.version are: 3.3-IV3 to 4.4-IV1") == {}


def test_every_node_on_the_target_is_no_change():
    decision = kc.release_problems('4.4.0', {'c1': '4.4.0', 'b1': '4.4.0'})
    assert decision == dict(problems=[], downgrade=False, running=None)


def test_an_upgrade_from_one_release_may_start():
    decision = kc.release_problems('4.4.0', {'c1': '4.3.1', 'c2': '4.3.1', 'b1': '4.3.1'})
    assert decision == dict(problems=[], downgrade=False, running='4.3.1')


def test_an_upgrade_in_progress_may_go_on():
    decision = kc.release_problems('4.4.0', {'c1': '4.4.0', 'c2': '4.3.1', 'b1': '4.3.1', 'b2': '4.4.0'})
    assert decision == dict(problems=[], downgrade=False, running='4.3.1')


def test_bare_hosts_do_not_count_as_a_release():
    assert kc.release_problems('4.4.0', {'c1': '', 'b1': ''}) == dict(problems=[], downgrade=False, running=None)
    decision = kc.release_problems('4.4.0', {'c1': '4.3.1', 'b1': '', 'b2': '4.4.0'})
    assert decision == dict(problems=[], downgrade=False, running='4.3.1')


def test_nodes_on_two_releases_other_than_the_target_are_refused():
    decision = kc.release_problems('4.4.0', {'c1': '4.2.0', 'b1': '4.2.0', 'b2': '4.3.1', 'b3': '4.4.0', 'b4': ''})
    [problem] = decision['problems']
    assert problem.startswith('the nodes run different releases (4.2.0 on b1, c1; 4.3.1 on b2); ')
    assert 'b3' not in problem and 'b4' not in problem
    assert decision['running'] == '4.3.1' and decision['downgrade'] is False
    # The same two releases refuse a downgrade too, before any mapping is needed.
    assert kc.release_problems('4.1.0', {'c1': '4.2.0', 'b1': '4.3.1'})['problems'][0].startswith(
        'the nodes run different releases (4.2.0 on c1; 4.3.1 on b1)')


MAPPING = {'4.3.1': 30, '4.4': 33}


def test_a_downgrade_the_older_release_supports_is_allowed():
    decision = kc.release_problems('4.3.1', {'c1': '4.4.0', 'b1': '4.4.0'}, MAPPING, 30)
    assert decision == dict(problems=[], downgrade=True, running='4.4.0')
    # A finalized level below what the older release supports is fine too, and so is a downgrade in progress.
    assert kc.release_problems('4.3.1', {'c1': '4.3.1', 'b1': '4.4.0'}, MAPPING, 28)['problems'] == []


def test_a_downgrade_below_the_finalized_metadata_version_is_refused():
    decision = kc.release_problems('4.3.1', {'c1': '4.4.0', 'b1': '4.4.0'}, MAPPING, 33)
    assert decision['downgrade'] is True and decision['running'] == '4.4.0'
    [problem] = decision['problems']
    assert problem.startswith('kafka_version 4.3.1 supports metadata.version up to 30, but the cluster has finalized 33')
    assert 'the oldest release that supports it is 4.4.' in problem
    assert '(running: 4.4.0)' in problem
    assert problem.endswith('Nothing was changed.')


def test_a_downgrade_names_the_oldest_release_that_supports_the_finalized_level():
    mapping = {'4.1.0': 25, '4.2': 27, '4.3': 30, '4.4': 33}
    [problem] = kc.release_problems('4.1.0', {'c1': '4.4.0'}, mapping, 28)['problems']
    assert 'supports metadata.version up to 25, but the cluster has finalized 28' in problem
    assert 'the oldest release that supports it is 4.3.' in problem


def test_a_downgrade_with_the_finalized_level_unknown_is_refused():
    decision = kc.release_problems('4.3.1', {'c1': '4.4.0', 'b1': '4.4.0'}, MAPPING, None)
    [problem] = decision['problems']
    assert problem.startswith('kafka_version 4.3.1 is older than the running 4.4.0')
    assert 'could not be read' in problem
    assert problem.endswith('Nothing was changed.')


@pytest.mark.parametrize('mapping', [{}, {'4.4': 33}])
def test_a_downgrade_to_a_release_the_running_one_does_not_know_is_refused(mapping):
    decision = kc.release_problems('4.3.1', {'c1': '4.4.0'}, mapping, 30)
    [problem] = decision['problems']
    assert problem.startswith('kafka_version 4.3.1 is older than the running 4.4.0, and the running release does '
                              'not know it')
    assert decision['downgrade'] is True


def test_an_upgrade_needs_neither_mapping_nor_finalized_level():
    # Even a finalized level above the mapping's: only a move to an older release is checked.
    assert kc.release_problems('4.4.0', {'c1': '4.3.1'}, {}, None)['problems'] == []
    assert kc.release_problems('4.4.0', {'c1': '4.3.1'}, MAPPING, 40)['problems'] == []


def test_the_release_problems_filter_parses_the_mapping_and_the_finalized_level():
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    problems = FilterModule().filters()['kraft_release_problems']
    text = 'metadata.version=30 (4.3.1)\nkraft.version=1\nmetadata.version=33 (4.4)\n'
    installed = {'c1': '4.4.0', 'b1': '4.4.0'}
    assert problems(installed, '4.3.1', text, '30')['problems'] == []
    assert problems(installed, '4.3.1', text, 30)['problems'] == []
    assert 'has finalized 33' in problems(installed, '4.3.1', text, '33')['problems'][0]
    for unknown in ('', None):
        assert 'could not be read' in problems(installed, '4.3.1', text, unknown)['problems'][0]
    # As the first call of the role: the installed releases and the target only.
    assert problems({'c1': '4.3.1'}, '4.4.0') == dict(problems=[], downgrade=False, running='4.3.1')


def test_the_first_check_of_a_downgrade_lets_the_role_read_the_mapping():
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    problems = FilterModule().filters()['kraft_release_problems']
    decision = problems({'c1': '4.4.0', 'b1': '4.4.0'}, '4.3.1')
    # release.yml: "when: __kafka_release_decision.downgrade and __kafka_release_decision.problems | length == 0"
    assert decision['downgrade'] and decision['problems'] == []


ROOT_DIR = '/opt/kafka/'


def unpacked(*names):
    return [ROOT_DIR + name for name in names]


def test_prune_keeps_the_current_release_and_the_newest():
    paths = unpacked('kafka_2.13-4.2.0', 'kafka_2.13-4.2.0.tgz', 'kafka_2.13-4.3.1', 'kafka_2.13-4.3.1.tgz',
                     'kafka_2.13-4.4.0', 'kafka_2.13-4.4.0.tgz', 'current')
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.4.0', 2) == unpacked(
        'kafka_2.13-4.2.0', 'kafka_2.13-4.2.0.tgz')
    # After a roll back to 4.3.1, 4.4.0 is the newest and stays.
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.3.1', 2) == unpacked(
        'kafka_2.13-4.2.0', 'kafka_2.13-4.2.0.tgz')


def test_prune_never_removes_the_current_release_even_the_oldest():
    paths = unpacked('kafka_2.13-4.2.0', 'kafka_2.13-4.3.1', 'kafka_2.13-4.4.0', 'kafka_2.13-4.10.0')
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.2.0', 2) == unpacked(
        'kafka_2.13-4.3.1', 'kafka_2.13-4.4.0')
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.2.0/', 1) == unpacked(
        'kafka_2.13-4.10.0', 'kafka_2.13-4.3.1', 'kafka_2.13-4.4.0')


@pytest.mark.parametrize('keep', [1, 0, -1, '1'])
def test_prune_keeps_at_least_the_current_release(keep):
    paths = unpacked('kafka_2.13-4.3.1', 'kafka_2.13-4.3.1.tgz', 'kafka_2.13-4.4.0', 'kafka_2.13-4.4.0.tgz')
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.3.1', keep) == unpacked(
        'kafka_2.13-4.4.0', 'kafka_2.13-4.4.0.tgz')


def test_prune_leaves_what_is_not_a_release_and_has_nothing_to_do_with_few_releases():
    paths = unpacked('current', 'kafka_logs', 'kafka_2.13-4.4.0', 'kafka_2.13-4.4.0.tgz', 'kafka_2.13-4.3.1')
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.4.0', 2) == []
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.4.0', 5) == []
    assert kc.releases_to_prune(paths, ROOT_DIR + 'kafka_2.13-4.4.0', 1) == unpacked('kafka_2.13-4.3.1')
    assert kc.releases_to_prune([], ROOT_DIR + 'kafka_2.13-4.4.0', 1) == []


def test_local_file_digest(tmp_path):
    import hashlib
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    digest = FilterModule().filters()['kraft_local_file_digest']
    path = tmp_path / 'kafka.tgz'
    path.write_bytes(b'x' * (3 << 20))
    assert digest(str(path)) == hashlib.sha256(b'x' * (3 << 20)).hexdigest()
    assert digest(str(path), 'sha512') == hashlib.sha512(b'x' * (3 << 20)).hexdigest()
    assert digest(str(tmp_path / 'missing.jar')) == ''
    with pytest.raises(AnsibleFilterError, match='cannot read'):
        digest(str(tmp_path))  # a directory where the file should be is an error, not a missing file
    with pytest.raises(AnsibleFilterError):
        digest(str(path), 'md5')
    home = os.environ.get('HOME')
    os.environ['HOME'] = str(tmp_path)
    try:
        assert digest('~/kafka.tgz') == hashlib.sha256(b'x' * (3 << 20)).hexdigest()
    finally:
        if home is None:
            del os.environ['HOME']
        else:
            os.environ['HOME'] = home


def test_meta_properties_of_the_formatted_directories():
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    meta = FilterModule().filters()['kraft_meta_properties']
    assert meta([dict(path='/d1', meta_properties='cluster.id=abc\nnode.id=4\n# a comment\n'),
                 dict(path='/d2', meta_properties=None)]) == [{'cluster.id': 'abc', 'node.id': '4', 'path': '/d1'}]
    assert meta([]) == []


def test_directory_specs():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    specs = FilterModule().filters()['kraft_directory_specs']
    assert specs(['/d1', '/d2'], 'kafka', 'kafka', '0750') == [
        dict(path='/d1', owner='kafka', group='kafka', mode='0750'), dict(path='/d2', owner='kafka', group='kafka', mode='0750')]
    with pytest.raises(AnsibleFilterError):
        specs('/d1', 'kafka', 'kafka', '0750')


def test_file_is():
    import hashlib
    from ansible.errors import AnsibleFilterError
    from ansible_collections.kafkaops.kraft.plugins.filter.kraft import FilterModule
    file_is = FilterModule().filters()['kraft_file_is']
    text = 'process.roles=broker\nnode.id=4\n'
    current = dict(sha256=hashlib.sha256(text.encode()).hexdigest(), owner='root', group='kafka', mode='0640')
    state = dict(files={'/etc/kafka/broker.properties': current})
    path = '/etc/kafka/broker.properties'
    assert file_is(state, path, 'root', 'kafka', '0640', content=text) is True
    assert file_is(state, path, 'root', 'kafka', '0640', sha256=current['sha256'].upper()) is True
    assert file_is(state, path, 'root', 'kafka', '0640', content=text + '\n') is False
    assert file_is(state, path, 'root', 'kafka', '0644', content=text) is False
    assert file_is(state, path, 'root', 'root', '0640', content=text) is False
    assert file_is(state, path, 'kafka', 'kafka', '0640', content=text) is False
    assert file_is(state, '/etc/kafka/other.properties', 'root', 'kafka', '0640', content=text) is False
    assert file_is(dict(files={}), path, 'root', 'kafka', '0640', content=text) is False
    assert file_is({}, path, 'root', 'kafka', '0640', content=text) is False
    assert file_is(None, path, 'root', 'kafka', '0640', content=text) is False
    with pytest.raises(AnsibleFilterError):
        file_is(state, path, 'root', 'kafka', '0640')
