"""kafka_movement: its pure functions with plain dicts, its requests against a fake cluster (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_movement as km
from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import KafkaRefused
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    FakeClock,
    MovingCluster,
    elect_leaders_response,
    instant_wait_for,
    list_reassignments_response,
    metadata_response,
    unregister_broker_response,
)

PARAMS = dict(bootstrap_servers=['broker-4:9092', 'broker-5:9092'], security_protocol='PLAINTEXT',
              ssl_check_hostname=True, connect_timeout=5.0, request_timeout=10.0)
TOPIC, BROKER = kp.CONFIG_RESOURCE_TOPIC, kp.CONFIG_RESOURCE_BROKER
LEADER_RATE, FOLLOWER_RATE = km.THROTTLE_RATES
LEADER_REPLICAS, FOLLOWER_REPLICAS = km.THROTTLE_REPLICAS


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """wait_for without waiting, in every test."""
    return instant_wait_for(monkeypatch)


# --- shape_assignment -----------------------------------------------------------------------

def partition(index, leader, replicas, isr):
    return dict(partition_index=index, leader_id=leader, replica_nodes=replicas, isr_nodes=isr)


def test_shape_assignment_keeps_kafkas_replica_order_and_names_unhealthy_partitions():
    response = dict(topics=[
        dict(name='orders', error_code=0, partitions=[partition(1, 6, [6, 4, 5], [6, 4]),
                                                      partition(0, 5, [4, 5, 6], [4, 5, 6])]),
        dict(name='audit', error_code=0, partitions=[partition(0, -1, [4], [])])])
    shaped = km.shape_assignment(response)
    assert shaped['assignment'] == {'orders': {0: [4, 5, 6], 1: [6, 4, 5]}, 'audit': {0: [4]}}
    assert shaped['leaders'] == {'orders': {0: 5, 1: 6}, 'audit': {0: -1}}
    assert shaped['isr'] == {'orders': {0: [4, 5, 6], 1: [6, 4]}, 'audit': {0: []}}
    assert shaped['under_replicated'] == ['audit-0', 'orders-1']
    assert shaped['offline'] == ['audit-0']


def test_shape_assignment_of_an_empty_cluster():
    assert km.shape_assignment({}) == dict(assignment={}, leaders={}, isr={}, under_replicated=[], offline=[])


def test_shape_assignment_refuses_a_topic_kafka_answered_with_an_error():
    response = dict(topics=[dict(name='secret', error_code=29, partitions=[])])
    with pytest.raises(KafkaRefused, match=r'Metadata of topic secret: error 29 \(TOPIC_AUTHORIZATION_FAILED\)'):
        km.shape_assignment(response)


# --- throttle_plan and shape_throttles ------------------------------------------------------

def move(topic, index, before, after):
    moved = sorted(set(after) - set(before))
    return dict(topic=topic, partition=index, before=before, after=after, moved=moved, reordered=not moved)


def test_throttle_plan_throttles_the_current_replicas_as_senders_and_the_new_as_receivers():
    moves = [move('orders', 0, [4, 5, 6], [4, 7, 6]), move('orders', 3, [4, 5, 6], [7, 8, 5]),
             move('audit', 1, [5, 6], [6, 5]), move('audit', 2, [5, 6], [5, 7])]
    assert km.throttle_plan(moves, 10000000) == [
        (BROKER, '', {LEADER_RATE: '10000000', FOLLOWER_RATE: '10000000'}),
        (TOPIC, 'audit', {LEADER_REPLICAS: '2:5,2:6', FOLLOWER_REPLICAS: '2:7'}),
        (TOPIC, 'orders', {LEADER_REPLICAS: '0:4,0:5,0:6,3:4,3:5,3:6', FOLLOWER_REPLICAS: '0:7,3:7,3:8'})]


def test_throttle_plan_of_reorders_only_is_empty():
    assert km.throttle_plan([move('audit', 1, [5, 6], [6, 5])], 1000) == []
    assert km.throttle_plan([], 1000) == []


def test_shape_throttles_deletes_only_the_throttles_set_on_topics_or_cluster_wide():
    def config(name, source):
        return dict(name=name, value='1', config_source=source)
    response = dict(results=[
        dict(resource_type=BROKER, resource_name='', configs=[
            config(LEADER_RATE, kp.CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER),
            config(FOLLOWER_RATE, kp.CONFIG_SOURCE_DYNAMIC_BROKER),  # one broker's own: not the module's
            config('min.insync.replicas', kp.CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER)]),
        dict(resource_type=TOPIC, resource_name='orders', configs=[
            config(LEADER_REPLICAS, kp.CONFIG_SOURCE_DYNAMIC_TOPIC), config(FOLLOWER_REPLICAS, 5)]),  # 5: static
        dict(resource_type=TOPIC, resource_name='audit', configs=[])])
    assert km.shape_throttles(response) == [(BROKER, '', {LEADER_RATE: None}),
                                            (TOPIC, 'orders', {LEADER_REPLICAS: None})]


# --- election_plan, not_preferred, partition_names ------------------------------------------

SHAPED = dict(
    assignment={'orders': {0: [4, 5, 6], 1: [5, 6, 4], 2: [6, 4, 5], 3: [4, 6, 5]}, 'audit': {0: [5, 4], 1: []}},
    leaders={'orders': {0: 4, 1: 6, 2: 4, 3: 6}, 'audit': {0: 4, 1: -1}},
    isr={'orders': {0: [4, 5, 6], 1: [6, 4, 5], 2: [4, 5], 3: [4, 6, 5]}, 'audit': {0: [4, 5], 1: []}})


def test_election_plan_names_the_partitions_whose_preferred_replica_is_in_sync_and_does_not_lead():
    # orders-2: its preferred replica 6 is out of sync, an election would not move leadership.
    assert km.election_plan(SHAPED) == {'audit': [0], 'orders': [1, 3]}


def test_not_preferred_names_every_partition_led_by_another_replica():
    assert km.not_preferred(SHAPED) == ['audit-0', 'orders-1', 'orders-2', 'orders-3']


def test_partition_names_are_sorted_by_topic_then_partition():
    assert km.partition_names({'orders': [10, 2], 'audit': [0]}) == ['audit-0', 'orders-2', 'orders-10']
    assert km.partition_names({}) == []


# --- wait_for -------------------------------------------------------------------------------

def test_wait_for_returns_at_once_when_nothing_is_wrong():
    fake = FakeClock()
    assert km.wait_for(lambda: [], 10, clock=fake.monotonic, sleep=fake.sleep) == []
    assert fake.sleeps == []


def test_wait_for_asks_again_until_nothing_is_wrong():
    fake = FakeClock()
    answers = [['orders-0'], ['orders-0'], []]
    assert km.wait_for(lambda: answers.pop(0), 10, interval=2.0, clock=fake.monotonic, sleep=fake.sleep) == []
    assert fake.sleeps == [2.0, 2.0] and answers == []


def test_wait_for_returns_what_is_still_wrong_at_the_timeout():
    fake = FakeClock()
    calls = []

    def check():
        calls.append(fake.now)
        return ['orders-%d' % len(calls)]
    assert km.wait_for(check, 3, clock=fake.monotonic, sleep=fake.sleep) == ['orders-4']
    assert calls == [0.0, 1.0, 2.0, 3.0] and fake.sleeps == [1.0, 1.0, 1.0]


def test_wait_for_with_no_time_checks_once():
    fake = FakeClock()
    assert km.wait_for(lambda: ['orders-0'], 0, clock=fake.monotonic, sleep=fake.sleep) == ['orders-0']
    assert fake.sleeps == []


def test_wait_for_counts_an_unreachable_cluster_as_not_yet():
    fake = FakeClock()
    answers = [KafkaUnavailable('Metadata failed'), []]

    def check():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
    assert km.wait_for(check, 10, clock=fake.monotonic, sleep=fake.sleep) == []
    assert fake.sleeps == [1.0]


def test_wait_for_raises_when_the_cluster_never_answered():
    fake = FakeClock()

    def check():
        raise KafkaUnavailable('Metadata failed on every bootstrap address')
    with pytest.raises(KafkaUnavailable, match='every bootstrap address'):
        km.wait_for(check, 1, clock=fake.monotonic, sleep=fake.sleep)


def test_wait_for_names_the_unreachable_cluster_when_it_answered_before():
    fake = FakeClock()
    answers = [['orders-0 under-replicated'], KafkaUnavailable('Metadata failed')]

    def check():
        answer = answers.pop(0) if answers else KafkaUnavailable('Metadata failed')
        if isinstance(answer, Exception):
            raise answer
        return answer
    assert km.wait_for(check, 2, clock=fake.monotonic, sleep=fake.sleep) == ['cluster not reachable: Metadata failed']


# --- Requests -------------------------------------------------------------------------------

ORDERS = {'orders': {0: [4, 5, 6], 1: [5, 6, 4]}}


def test_read_assignment_of_named_topics_only(kafka):
    MovingCluster(dict(ORDERS, audit={0: [4, 5]}), isr={'audit': {0: [4]}}).answer(kafka)
    shaped = km.read_assignment(PARAMS, ['orders'])
    assert shaped['assignment'] == ORDERS and shaped['leaders'] == {'orders': {0: 4, 1: 5}}
    assert shaped['under_replicated'] == [] and shaped['offline'] == []
    assert km.read_assignment(PARAMS)['under_replicated'] == ['audit-0']
    [request] = kafka.requests('MetadataRequest')[:1]
    assert request.to_dict()['topics'] is None and request.to_dict()['allow_auto_topic_creation'] is False


def test_read_assignment_refuses_a_missing_topic_naming_it(kafka):
    MovingCluster(ORDERS).answer(kafka)
    with pytest.raises(KafkaRefused, match=r"topics \['payments'\] do not exist \(existing: \['orders'\]\)"):
        km.read_assignment(PARAMS, ['orders', 'payments'])


def test_read_assignment_of_a_topic_leaves_out_the_health_of_a_topic_whose_name_extends_it(kafka):
    kafka.answer('MetadataRequest', metadata_response(partitions=[
        ('orders', 0, 4, (4, 5, 6), (4, 5, 6)), ('orders-v2', 0, -1, (5, 6), ())]))
    shaped = km.read_assignment(PARAMS, ['orders'])
    assert shaped['assignment'] == {'orders': {0: [4, 5, 6]}}
    assert shaped['under_replicated'] == [] and shaped['offline'] == []


def test_read_brokers_includes_the_fenced_ones(kafka):
    MovingCluster(ORDERS, brokers={4: False, 5: False, 6: False, 7: True}).answer(kafka)
    cluster = km.read_brokers(PARAMS)
    assert cluster['broker_ids'] == [4, 5, 6, 7] and cluster['fenced_broker_ids'] == [7]
    [request] = kafka.requests('DescribeClusterRequest')
    assert request.include_fenced_brokers is True


def test_ongoing_reassignments_are_named_topic_partition(kafka):
    kafka.answer('ListPartitionReassignmentsRequest', list_reassignments_response(
        {('orders', 1): ([5, 6, 4, 7], [7], [4]), ('audit', 0): ([4, 5, 6], [6], [4])}))
    assert km.ongoing_reassignments(PARAMS) == ['audit-0', 'orders-1']
    [request] = kafka.requests('ListPartitionReassignmentsRequest')
    assert request.to_dict() == dict(timeout_ms=5000, topics=None)


def test_ongoing_reassignments_refused(kafka):
    kafka.answer('ListPartitionReassignmentsRequest', list_reassignments_response(error_code=31))
    with pytest.raises(KafkaRefused, match=r'ListPartitionReassignments refused: error 31'):
        km.ongoing_reassignments(PARAMS)


def test_throttles_set_asks_for_the_four_throttle_configs_cluster_wide_and_of_each_topic(kafka):
    cluster = MovingCluster(dict(ORDERS, audit={0: [4, 5]}), configs={
        (BROKER, ''): {LEADER_RATE: '1000', FOLLOWER_RATE: '1000', 'min.insync.replicas': '2'},
        (TOPIC, 'orders'): {FOLLOWER_REPLICAS: '0:7', 'retention.ms': '1000'}}).answer(kafka)
    assert km.throttles_set(PARAMS, ['orders', 'audit']) == [
        (BROKER, '', {LEADER_RATE: None, FOLLOWER_RATE: None}), (TOPIC, 'orders', {FOLLOWER_REPLICAS: None})]
    [request] = kafka.requests('DescribeConfigsRequest')
    keys = list(km.THROTTLE_RATES + km.THROTTLE_REPLICAS)
    assert request.to_dict()['resources'] == [
        dict(resource_type=BROKER, resource_name='', configuration_keys=keys),
        dict(resource_type=TOPIC, resource_name='audit', configuration_keys=keys),
        dict(resource_type=TOPIC, resource_name='orders', configuration_keys=keys)]
    km.alter_configs(PARAMS, km.throttles_set(PARAMS, ['orders', 'audit']), 'removing')
    assert cluster.configs == {(BROKER, ''): {'min.insync.replicas': '2'}, (TOPIC, 'orders'): {'retention.ms': '1000'}}


def test_alter_configs_of_nothing_sends_nothing(kafka):
    km.alter_configs(PARAMS, [], 'nothing')
    assert kafka.sent == []


def test_submit_reassignment_sends_the_target_with_kafkas_deadline(kafka):
    cluster = MovingCluster(ORDERS, brokers={4: False, 5: False, 6: False, 7: False}).answer(kafka)
    km.submit_reassignment(PARAMS, {'orders': {1: [5, 6, 7], 0: [7, 5, 6]}})
    [request] = kafka.requests('AlterPartitionReassignmentsRequest')
    assert request.to_dict()['timeout_ms'] == 5000
    assert request.to_dict()['topics'] == [dict(name='orders', partitions=[
        dict(partition_index=0, replicas=[7, 5, 6]), dict(partition_index=1, replicas=[5, 6, 7])])]
    assert cluster.assignment == {'orders': {0: [7, 5, 6], 1: [5, 6, 7]}}


def test_submit_reassignment_refused_for_a_partition_names_it(kafka):
    cluster = MovingCluster(ORDERS).answer(kafka)
    cluster.refuse_reassignment = {('orders', 1): 39}
    with pytest.raises(KafkaRefused, match=r'AlterPartitionReassignments of 2 partition\(s\) refused: error 39 '):
        km.submit_reassignment(PARAMS, {'orders': {0: [5, 4, 6], 1: [4, 6, 5]}})


def test_elect_preferred_counts_election_not_needed_as_success(kafka):
    kafka.answer('ElectLeadersRequest', lambda address, request: elect_leaders_response(
        request, {('orders', 0): kp.ELECTION_NOT_NEEDED}))
    assert km.elect_preferred(PARAMS, {'orders': [1, 0]}) == []
    [request] = kafka.requests('ElectLeadersRequest')
    assert request.to_dict() == dict(election_type=kp.ELECTION_PREFERRED, timeout_ms=5000,
                                     topic_partitions=[dict(topic='orders', partitions=[0, 1])])


def test_elect_preferred_returns_the_partitions_kafka_could_not_move(kafka):
    kafka.answer('ElectLeadersRequest', lambda address, request: elect_leaders_response(
        request, {('orders', 0): kp.ELECTION_NOT_NEEDED, ('orders', 1): 80, ('audit', 0): 29}))
    assert km.elect_preferred(PARAMS, {'orders': [0, 1], 'audit': [0]}) == [
        'audit-0: error 29 (TOPIC_AUTHORIZATION_FAILED)', 'orders-1: error 80 (PREFERRED_LEADER_NOT_AVAILABLE)']
    assert len(kafka.sent) == 1  # per-partition codes are not a reason to ask another node


def test_elect_preferred_asks_the_next_node_on_a_transient_top_level_error_and_refuses_a_lasting_one(kafka):
    kafka.answer('ElectLeadersRequest', lambda address, request: elect_leaders_response(
        request, error_code=41 if address == 'broker-4:9092' else 0))
    assert km.elect_preferred(PARAMS, {'orders': [0]}) == []
    assert kafka.addresses() == ['broker-4:9092', 'broker-5:9092']
    kafka.answer('ElectLeadersRequest', lambda address, request: elect_leaders_response(request, error_code=31))
    with pytest.raises(KafkaRefused, match=r'ElectLeaders refused: error 31 \(CLUSTER_AUTHORIZATION_FAILED\)'):
        km.elect_preferred(PARAMS, {'orders': [0]})


def test_elect_until_preferred_waits_for_a_preferred_replica_to_catch_up(kafka, clock):
    cluster = MovingCluster(ORDERS, leaders={'orders': {0: 5, 1: 6}}, isr={'orders': {0: [5, 6]}}).answer(kafka)

    def catch_up(address, request):
        if len(kafka.requests('MetadataRequest')) == 3:
            cluster.isr['orders'][0] = [4, 5, 6]
        return cluster.metadata(address, request)
    kafka.answer('MetadataRequest', catch_up)
    assert km.elect_until_preferred(PARAMS, None, 10) == (['orders-0', 'orders-1'], [], [])
    assert cluster.leaders == {'orders': {0: 4, 1: 5}}
    assert [r.to_dict()['topic_partitions'] for r in kafka.requests('ElectLeadersRequest')] == [
        [dict(topic='orders', partitions=[1])], [dict(topic='orders', partitions=[0])]]
    assert clock.sleeps == [1.0]


def test_elect_until_preferred_returns_what_is_still_not_preferred_at_the_timeout(kafka, clock):
    cluster = MovingCluster(ORDERS, leaders={'orders': {0: 5}}, isr={'orders': {0: [5, 6]}}).answer(kafka)
    assert km.elect_until_preferred(PARAMS, ['orders'], 2) == ([], ['orders-0'], [])
    assert kafka.requests('ElectLeadersRequest') == [] and cluster.leaders['orders'][0] == 5
    assert clock.sleeps == [1.0, 1.0]


def test_elect_until_preferred_reports_kafkas_refusals(kafka):
    cluster = MovingCluster(ORDERS, leaders={'orders': {1: 6}}).answer(kafka)
    cluster.election_errors = {('orders', 1): 83}
    elected, left, failures = km.elect_until_preferred(PARAMS, None, 1)
    assert elected == [] and left == ['orders-1']
    assert failures == ['orders-1: error 83 (ELIGIBLE_LEADERS_NOT_AVAILABLE)']


def test_unregister_broker(kafka):
    kafka.answer('UnregisterBrokerRequest', unregister_broker_response())
    assert km.unregister_broker(PARAMS, 7) is True
    assert [r.to_dict() for r in kafka.requests()] == [dict(broker_id=7)]


def test_unregister_broker_not_registered_is_false(kafka):
    kafka.answer('UnregisterBrokerRequest', unregister_broker_response(error_code=km.BROKER_ID_NOT_REGISTERED))
    assert km.unregister_broker(PARAMS, 7) is False
    assert len(kafka.sent) == 1


def test_unregister_broker_refused(kafka):
    kafka.answer('UnregisterBrokerRequest', unregister_broker_response(error_code=31, error_message='denied'))
    with pytest.raises(KafkaRefused, match=r'UnregisterBroker refused: error 31 \(CLUSTER_AUTHORIZATION_FAILED\): '
                                           r'denied'):
        km.unregister_broker(PARAMS, 7)
    assert len(kafka.sent) == 1
