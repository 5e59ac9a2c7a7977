"""The exporter rules the roles template (roles/kafka/templates/jmx-exporter.yml.j2): valid YAML
for both process roles, patterns that compile, stable output names, and every series the
alert rules, the health report and the Molecule check rely on produced by some rule of the
right role. (A JVM running the agent checks the rest: molecule/default/verify/metrics.yml.)"""
import json
import os
import re

import jinja2
import pytest
import yaml

from ansible_collections.kafkaops.kraft.plugins.plugin_utils import kraft_metrics

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TEMPLATE = os.path.join(ROOT, 'roles', 'kafka', 'templates', 'jmx-exporter.yml.j2')


def render(role, password='', tls=False):
    env = jinja2.Environment(trim_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters['to_json'] = json.dumps
    with open(TEMPLATE) as handle:
        text = env.from_string(handle.read()).render(
            ansible_managed='managed', kafka_jmx_exporter_version='1.0.1', __kafka_process_role=role,
            kafka_metrics_password=password, kafka_metrics_username='prometheus', __kafka_metrics_tls=tls,
            __kafka_metrics_keystore='/etc/kafka/tls/metrics-0123456789abcdef.p12',
            __kafka_metrics_keystore_password='d1g"est')
    return yaml.safe_load(text)


def output_names(config):
    """Every series name the rules can produce, as the exporter exposes it: $n groups expanded
    from the pattern's alternations, dashes to underscores, counters with _total."""
    names = set()
    for rule in config['rules']:
        name = rule['name']
        if '$1' in name:
            group = re.search(r'\(([^()?]+)\)', rule['pattern']).group(1)
            expanded = [name.replace('$1', alternative) for alternative in group.split('|')]
        else:
            expanded = [name]
        for item in expanded:
            item = re.sub(r'[^a-zA-Z0-9_:]', '_', item)
            names.add(item + '_total' if rule.get('type') == 'COUNTER' else item)
    return names


@pytest.mark.parametrize('role', ['controller', 'broker'])
def test_rules_render_and_compile(role):
    config = render(role)
    assert config['lowercaseOutputLabelNames'] is True and 'httpServer' not in config
    for rule in config['rules']:
        re.compile(rule['pattern'])
        # Unanchored at the end: an attribute pattern must not also match a longer attribute name.
        assert not re.search(r'QueueTimeMs\\?\.p99$', rule['pattern']), rule['pattern']
        assert rule['type'] in ('GAUGE', 'COUNTER')
        assert re.match(r'^kafka_[a-z0-9_$]+$', rule['name']), rule['name']
    assert len({r['pattern'] for r in config['rules']}) == len(config['rules'])


def test_basic_auth_only_with_a_password():
    config = render('broker', password='p"w')
    assert config['httpServer']['authentication']['basic'] == {'username': 'prometheus', 'password': 'p"w'}
    assert 'ssl' not in config['httpServer']


@pytest.mark.parametrize('password', ['', 'secret-pw'])
def test_https_with_the_pkcs12_keystore(password):
    config = render('controller', password=password, tls=True)
    assert config['httpServer']['ssl'] == {
        'keyStore': {'filename': '/etc/kafka/tls/metrics-0123456789abcdef.p12', 'password': 'd1g"est'},
        'certificate': {'alias': 'metrics'}}
    assert ('authentication' in config['httpServer']) == bool(password)


def test_controllers_and_brokers_get_their_own_series():
    controller, broker = output_names(render('controller')), output_names(render('broker'))
    assert 'kafka_controller_active_controller_count' in controller
    assert 'kafka_controller_active_controller_count' not in broker
    assert 'kafka_server_under_replicated_partitions' in broker
    assert 'kafka_server_under_replicated_partitions' not in controller
    assert {'kafka_raft_high_watermark', 'kafka_raft_current_leader', 'kafka_network_requests_total'} <= controller & broker


def test_every_series_the_checks_and_alerts_use_is_produced():
    produced = output_names(render('controller')) | output_names(render('broker'))
    with open(os.path.join(ROOT, 'molecule', 'default', 'verify', 'metrics.yml')) as handle:
        plays = yaml.safe_load(handle)
    lists = plays[2]['vars']
    used = set(lists['__controller_series']) | set(lists['__broker_series'])
    with open(os.path.join(ROOT, 'prometheus', 'kafka-alerts.yml')) as handle:
        alerts = yaml.safe_load(handle)
    for group in alerts['groups']:
        for rule in group['rules']:
            used |= set(re.findall(r'\b(kafka_[a-z0-9_]+)\b', rule['expr'])) - {'kafka_cluster', 'kafka_role', 'kafka_node_id'}
    with open(os.path.join(ROOT, 'playbooks', 'verify.yml')) as handle:
        used |= set(re.findall(r'- (kafka_[a-z0-9_]+)\n', handle.read()))
    assert sorted(used - produced) == []
    controller = output_names(render('controller'))
    assert sorted(set(lists['__controller_series']) - controller) == []
    assert sorted(set(lists['__broker_series']) - output_names(render('broker'))) == []


def sample(value, **labels):
    return dict(labels=labels, value=float(value))


def test_the_report_names_each_path_and_the_nodes_that_did_not_answer():
    endpoints = {
        'c1:7071': dict(available=True, series={
            'kafka_controller_active_controller_count': [sample(1)],
            'kafka_controller_active_broker_count': [sample(2)],
            'kafka_controller_fenced_broker_count': [sample(0)],
            'kafka_controller_timed_out_broker_heartbeat_count': [sample(0)],
            'kafka_raft_high_watermark': [sample(120)],
            'kafka_network_requests_total': [sample(40, request='BrokerHeartbeat', version='1'),
                                             sample(2, request='BrokerHeartbeat', version='0'),
                                             sample(3, request='CreateTopics', version='7'),
                                             sample(9, request='Produce', version='11')]}),
        'c2:7071': dict(available=True, series={'kafka_controller_active_controller_count': [sample(0)],
                                                'kafka_raft_high_watermark': [sample(118)]}),
        'b1:7071': dict(available=True, series={
            'kafka_raft_high_watermark': [sample(117)],
            'kafka_broker_metadata_last_applied_record_offset': [sample(119)],
            'kafka_broker_metadata_last_applied_record_lag_ms': [sample(12)],
            'kafka_server_under_replicated_partitions': [sample(1)],
            'kafka_server_isr_shrinks_total': [sample(2)],
            'kafka_server_replication_bytes_in_total': [sample(1000)],
            'kafka_server_messages_in_total': [sample(500)],
            'kafka_network_request_total_time_ms': [sample(3.5, request='Produce', stat='99thPercentile'),
                                                    sample(1, request='Produce', stat='Mean')],
            'kafka_server_forwarding_queue_length': [sample(2)]}),
        'b2:7071': dict(available=False, error='URLError'),
    }
    lines = kraft_metrics.data_path_report(endpoints, {1: 'c1:7071', 2: 'c2:7071'}, {4: 'b1:7071', 5: 'b2:7071'})
    assert lines == [
        'metrics not available from node(s) [5]',
        'controller leader election: 1 active controller(s) [1] among 2 controller(s) reporting',
        'metadata replication: high watermark 120; records behind it: controllers {1: 0, 2: 2}, brokers {4: 3}',
        "broker heartbeats: 2 of 2 broker(s) active, 0 fenced, 0 heartbeat(s) timed out (the active controller's view)",
        "brokers' applied metadata: last applied offsets {4: '119'}, lag at most 12 ms",
        "requests from brokers to the controllers (totals): {'BrokerHeartbeat': 42}",
        'broker-to-broker replication: 1 under-replicated partition(s), 2 ISR shrink(s), 1000 bytes replicated in',
        'client produce/fetch: 500 message(s) in; p99 Produce 3.5 ms, FetchConsumer n/a ms (slowest broker)',
        "forwarded admin requests: served by the controllers {'CreateTopics': 3}; waiting in the brokers' forwarding "
        "queues 2",
    ]


def test_two_active_controllers_are_both_named():
    endpoints = dict(('c%d' % i, dict(available=True, series={'kafka_controller_active_controller_count': [sample(1)]}))
                     for i in (1, 2))
    lines = kraft_metrics.data_path_report(endpoints, {1: 'c1', 2: 'c2'}, {})
    assert lines[0] == 'controller leader election: 2 active controller(s) [1, 2] among 2 controller(s) reporting'


def matching_names(config, line):
    """The name of the first rule whose pattern matches, as the exporter wraps it (^.*(?:p).*$)."""
    for rule in config['rules']:
        match = re.match(r'^.*(?:%s).*$' % rule['pattern'], line)
        if match:
            name = rule['name']
            for index, group in enumerate(match.groups(), 1):
                name = name.replace('$%d' % index, group or '')
            return re.sub(r'[^a-zA-Z0-9_:]', '_', name)
    return None


@pytest.mark.parametrize('line, expected', [
    ('kafka.server<type=ForwardingManager><>QueueTimeMs.p99: 3.0', 'kafka_server_forwarding_queue_time_ms_p99'),
    ('kafka.server<type=ForwardingManager><>QueueTimeMs.p999: 9.0', None),
    ('kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value: 0', 'kafka_server_under_replicated_partitions'),
    ('kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count: 5', 'kafka_server_messages_in'),
    ('kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=orders><>Count: 5', None),
    ('kafka.server<type=raft-metrics><>high-watermark: 12.0', 'kafka_raft_high_watermark'),
    ('kafka.server<type=raft-metrics><>current-state: observer', 'kafka_raft_current_state'),
    ('kafka.server<type=broker-metadata-metrics><>last-applied-record-offset: 300', 'kafka_broker_metadata_last_applied_record_offset'),
    ('kafka.network<type=RequestMetrics, name=RequestsPerSec, request=Produce, version=11><>Count: 3', 'kafka_network_requests'),
])
def test_broker_attributes_map_to_one_series(line, expected):
    assert matching_names(render('broker'), line) == expected


def test_the_grafana_dashboard_uses_only_series_the_rules_produce():
    with open(os.path.join(ROOT, 'prometheus', 'grafana', 'kafka-kraft-dashboard.json')) as handle:
        dashboard = json.load(handle)
    panels = dashboard['panels']
    assert len({p['id'] for p in panels}) == len(panels) >= 9
    assert {v['name'] for v in dashboard['templating']['list']} == {'datasource', 'cluster'}
    produced = {'controller': output_names(render('controller')), 'broker': output_names(render('broker'))}
    for panel in panels:
        assert panel['targets'] and panel['datasource']['uid'] == '${datasource}'
        for target in panel['targets']:
            expr = target['expr']
            assert 'kafka_cluster="$cluster"' in expr, expr
            names = set(re.findall(r'\b(kafka_[a-z0-9_]+)\b', expr)) - {'kafka_cluster', 'kafka_role', 'kafka_node_id'}
            assert names or expr.startswith('up{'), expr
            role = re.search(r'kafka_role="(controller|broker)"', expr)
            if role:
                assert sorted(names - produced[role.group(1)]) == [], expr
            else:
                assert sorted(names - produced['controller'] - produced['broker']) == [], expr
