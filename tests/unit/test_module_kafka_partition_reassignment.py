"""kafka_partition_reassignment's main() against a fake cluster whose partitions move (see module_harness)."""
import pytest
from ansible.module_utils import basic

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_movement as km
from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_partition_reassignment
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    MovingCluster,
    instant_wait_for,
    run_module,
)

TOPIC, BROKER = kp.CONFIG_RESOURCE_TOPIC, kp.CONFIG_RESOURCE_BROKER
LEADER_RATE, FOLLOWER_RATE = km.THROTTLE_RATES
LEADER_REPLICAS, FOLLOWER_REPLICAS = km.THROTTLE_REPLICAS
DEFAULT_THROTTLE = 52428800
WRITES = ('IncrementalAlterConfigsRequest', 'AlterPartitionReassignmentsRequest', 'ElectLeadersRequest',
          'UnregisterBrokerRequest')

# Three brokers, each the preferred leader of one partition: balanced.
BALANCED = {'orders': {0: [4, 5, 6], 1: [5, 6, 4], 2: [6, 4, 5]}}
# A fourth partition, and broker 7 joins empty: three replicas move to it, and it leads orders-3.
GROWN = {'orders': {0: [4, 5, 6], 1: [5, 6, 4], 2: [6, 4, 5], 3: [4, 5, 6]}}
FOUR_BROKERS = {4: False, 5: False, 6: False, 7: False}
PLANNED = [
    dict(topic='orders', partition=0, before=[4, 5, 6], after=[4, 7, 6], moved=[7], reordered=False),
    dict(topic='orders', partition=2, before=[6, 4, 5], after=[6, 7, 5], moved=[7], reordered=False),
    dict(topic='orders', partition=3, before=[4, 5, 6], after=[7, 4, 5], moved=[7], reordered=False)]
THROTTLE_SET = [
    dict(resource_type=BROKER, resource_name='', configs=[
        dict(name=FOLLOWER_RATE, config_operation=kp.CONFIG_OPERATION_SET, value=str(DEFAULT_THROTTLE)),
        dict(name=LEADER_RATE, config_operation=kp.CONFIG_OPERATION_SET, value=str(DEFAULT_THROTTLE))]),
    dict(resource_type=TOPIC, resource_name='orders', configs=[
        dict(name=FOLLOWER_REPLICAS, config_operation=kp.CONFIG_OPERATION_SET, value='0:7,2:7,3:7'),
        dict(name=LEADER_REPLICAS, config_operation=kp.CONFIG_OPERATION_SET,
             value='0:4,0:5,0:6,2:6,2:4,2:5,3:4,3:5,3:6')])]
THROTTLE_DELETED = [
    dict(resource_type=BROKER, resource_name='', configs=[
        dict(name=FOLLOWER_RATE, config_operation=kp.CONFIG_OPERATION_DELETE, value=None),
        dict(name=LEADER_RATE, config_operation=kp.CONFIG_OPERATION_DELETE, value=None)]),
    dict(resource_type=TOPIC, resource_name='orders', configs=[
        dict(name=FOLLOWER_REPLICAS, config_operation=kp.CONFIG_OPERATION_DELETE, value=None),
        dict(name=LEADER_REPLICAS, config_operation=kp.CONFIG_OPERATION_DELETE, value=None)])]
REMOVED = ['cluster/' + LEADER_RATE, 'cluster/' + FOLLOWER_RATE, 'orders/' + LEADER_REPLICAS,
           'orders/' + FOLLOWER_REPLICAS]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """wait_for without waiting, in every test."""
    return instant_wait_for(monkeypatch)


@pytest.fixture
def warned(monkeypatch):
    found = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: found.append(warning))
    return found


def names(kafka):
    return [type(request).__name__ for request in kafka.requests()]


def writes(kafka):
    return [name for name in names(kafka) if name in WRITES]


def run(args=None, **kwargs):
    return run_module(kafka_partition_reassignment, dict(CONNECTION, **(args or {})), **kwargs)


def configs_sent(kafka):
    return [request.to_dict()['resources'] for request in kafka.requests('IncrementalAlterConfigsRequest')]


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_balanced_cluster_changes_nothing(kafka, clock, check_mode):
    MovingCluster(BALANCED).answer(kafka)
    result = run(check_mode=check_mode)
    assert not result['failed'] and result['changed'] is False
    assert result['moves'] == [] and result['replicas_moved'] == 0 and result['batches'] == 0
    assert result['throttle'] == 0 and result['throttles_removed'] == [] and result['elected'] == []
    assert result['balance_before'] == result['balance_after'] == {
        '4': dict(replicas=3, leaders=1), '5': dict(replicas=3, leaders=1), '6': dict(replicas=3, leaders=1)}
    assert writes(kafka) == [] and clock.sleeps == []
    assert names(kafka)[:3] == ['DescribeClusterRequest', 'ListPartitionReassignmentsRequest', 'MetadataRequest']


def test_check_mode_plans_the_moves_to_a_new_broker_and_sends_no_write(kafka):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    result = run(check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is True
    assert result['moves'] == PLANNED and result['replicas_moved'] == 3 and result['batches'] == 0
    assert result['throttle'] == DEFAULT_THROTTLE and result['throttles_removed'] == []
    assert result['elected'] == ['orders-3'] and result['not_preferred'] == []
    assert result['balance_before'] == {'4': dict(replicas=4, leaders=2), '5': dict(replicas=4, leaders=1),
                                        '6': dict(replicas=4, leaders=1), '7': dict(replicas=0, leaders=0)}
    assert result['balance_after'] == dict((str(b), dict(replicas=3, leaders=1)) for b in (4, 5, 6, 7))
    assert result['diff'] == dict(before='orders-0: [4, 5, 6]\norders-2: [6, 4, 5]\norders-3: [4, 5, 6]\n',
                                  after='orders-0: [4, 7, 6]\norders-2: [6, 7, 5]\norders-3: [7, 4, 5]\n')
    assert writes(kafka) == [] and cluster.assignment == GROWN and cluster.configs == {}


def test_check_mode_without_elections_elects_nothing(kafka):
    MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    result = run(dict(elect_leaders=False), check_mode=True)
    assert result['changed'] is True and result['elected'] == [] and writes(kafka) == []


def test_moves_under_a_throttle_set_before_and_deleted_after_then_elects(kafka, warned):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    result = run()
    assert not result['failed'] and result['changed'] is True
    assert result['moves'] == PLANNED and result['batches'] == 1 and result['throttle'] == DEFAULT_THROTTLE
    assert sorted(result['throttles_removed']) == sorted(REMOVED)
    assert result['elected'] == ['orders-3'] and result['not_preferred'] == [] and warned == []
    assert names(kafka) == [
        'DescribeClusterRequest', 'ListPartitionReassignmentsRequest', 'MetadataRequest',
        'MetadataRequest',  # every partition in sync before anything moves
        'IncrementalAlterConfigsRequest', 'AlterPartitionReassignmentsRequest',
        'ListPartitionReassignmentsRequest', 'MetadataRequest',  # the batch completed, every partition in sync
        'ListPartitionReassignmentsRequest',  # nothing of the plan moves any more
        'DescribeConfigsRequest', 'IncrementalAlterConfigsRequest',  # the throttle deleted
        'MetadataRequest', 'ElectLeadersRequest', 'MetadataRequest']
    assert configs_sent(kafka) == [THROTTLE_SET, THROTTLE_DELETED]
    [submitted] = kafka.requests('AlterPartitionReassignmentsRequest')
    assert submitted.to_dict()['topics'] == [dict(name='orders', partitions=[
        dict(partition_index=0, replicas=[4, 7, 6]), dict(partition_index=2, replicas=[6, 7, 5]),
        dict(partition_index=3, replicas=[7, 4, 5])])]
    [elected] = kafka.requests('ElectLeadersRequest')
    assert elected.to_dict()['topic_partitions'] == [dict(topic='orders', partitions=[3])]
    assert cluster.assignment == {'orders': {0: [4, 7, 6], 1: [5, 6, 4], 2: [6, 7, 5], 3: [7, 4, 5]}}
    assert cluster.leaders == {'orders': {0: 4, 1: 5, 2: 6, 3: 7}} and cluster.configs == {}


def test_a_second_run_changes_nothing(kafka):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    run()
    del kafka.sent[:]
    result = run()
    assert not result['failed'] and result['changed'] is False and result['moves'] == []
    assert writes(kafka) == [] and cluster.configs == {}


def test_batches_wait_for_each_reassignment_to_complete(kafka, clock):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    cluster.lag = 2
    result = run(dict(batch_size=2, elect_leaders=False))
    assert not result['failed'] and result['batches'] == 2 and result['elected'] == []
    assert [r.to_dict()['topics'][0]['partitions'] for r in kafka.requests('AlterPartitionReassignmentsRequest')] == [
        [dict(partition_index=0, replicas=[4, 7, 6]), dict(partition_index=2, replicas=[6, 7, 5])],
        [dict(partition_index=3, replicas=[7, 4, 5])]]
    moving = names(kafka)[names(kafka).index('IncrementalAlterConfigsRequest') + 1:]
    assert moving == ['AlterPartitionReassignmentsRequest'] + ['ListPartitionReassignmentsRequest'] * 3 + [
        'MetadataRequest', 'AlterPartitionReassignmentsRequest'] + ['ListPartitionReassignmentsRequest'] * 3 + [
        'MetadataRequest', 'ListPartitionReassignmentsRequest', 'DescribeConfigsRequest', 'IncrementalAlterConfigsRequest']
    assert clock.sleeps == [1.0] * 4 and cluster.configs == {} and cluster.ongoing == {}


def test_a_batch_that_does_not_complete_fails_and_leaves_the_throttle_until_a_rerun(kafka, clock):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    cluster.stuck = {('orders', 2)}
    result = run(dict(batch_size=2, timeout=5))
    assert result['failed'] and result['changed'] and result['msg'] == (
        "partition reassignment stopped after 1 batch(es): KafkaRefused: batch 1 of 2 did not complete within 5.0 s; "
        "still moving: ['orders-2'] (the cluster carries on; re-run to wait for it); throttle left set at 52428800 "
        "B/s, as ['orders-2'] are still moving: re-run to wait for them and remove it")
    # The copy still running keeps its throttle: nothing deletes it under a moving partition.
    assert writes(kafka) == ['IncrementalAlterConfigsRequest', 'AlterPartitionReassignmentsRequest']
    assert configs_sent(kafka) == [THROTTLE_SET] and cluster.configs != {}
    assert clock.sleeps == [1.0] * 5
    # Once it completes, a re-run waits for nothing, moves the rest and removes the throttle.
    cluster.stuck = set()
    again = run(dict(batch_size=2, timeout=5))
    assert not again['failed'] and again['changed'] and cluster.configs == {}


def test_a_refused_batch_fails_as_changed_and_the_throttle_is_still_deleted(kafka):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    cluster.refuse_reassignment = {('orders', 3): 39}
    result = run()
    # Kafka applies the partitions of a batch it does not refuse: the run changed the cluster.
    assert result['failed'] and result['changed'] is True and result['batches'] == 1
    assert result['msg'].startswith('partition reassignment stopped after 1 batch(es): KafkaRefused: '
                                    'AlterPartitionReassignments of 3 partition(s) refused: error 39 ')
    assert names(kafka)[4:] == ['IncrementalAlterConfigsRequest', 'AlterPartitionReassignmentsRequest',
                                'ListPartitionReassignmentsRequest', 'DescribeConfigsRequest',
                                'IncrementalAlterConfigsRequest']
    assert configs_sent(kafka) == [THROTTLE_SET, THROTTLE_DELETED] and cluster.configs == {}
    assert cluster.assignment['orders'][0] == [4, 7, 6] and cluster.assignment['orders'][3] == [4, 5, 6]


def test_without_a_throttle_none_is_set(kafka):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    result = run(dict(throttle=0))
    assert not result['failed'] and result['changed'] is True and result['throttle'] == 0
    assert result['throttles_removed'] == [] and kafka.requests('IncrementalAlterConfigsRequest') == []
    assert writes(kafka) == ['AlterPartitionReassignmentsRequest', 'ElectLeadersRequest']
    assert cluster.assignment['orders'][3] == [7, 4, 5]


DRAINED = {'orders': {0: [4, 5, 7], 1: [5, 7, 4], 2: [7, 4, 5]}, 'audit': {0: [7, 4], 1: [5, 6]}}


@pytest.mark.parametrize('brokers', [[4, 5, 6], None])
def test_exclude_brokers_drains_a_broker(kafka, brokers):
    cluster = MovingCluster(DRAINED, brokers=FOUR_BROKERS).answer(kafka)
    result = run(dict(brokers=brokers, exclude_brokers=[7], min_insync_replicas=2))
    assert not result['failed'] and result['changed'] is True and result['replicas_moved'] == 4
    assert all(7 not in replicas for parts in cluster.assignment.values() for replicas in parts.values())
    assert all(7 in m['before'] and 7 not in m['after'] for m in result['moves'])
    assert result['balance_before']['7'] == dict(replicas=4, leaders=2)
    assert result['balance_after'].get('7', dict(replicas=0, leaders=0)) == dict(replicas=0, leaders=0)
    assert sorted(r['replicas'] for b, r in result['balance_after'].items() if b != '7') == [4, 4, 5]
    [throttle_set, dummy] = configs_sent(kafka)
    # Broker 7 sends its replicas away: throttled as a leader, never as a follower.
    follower = dict((r['resource_name'], c['value']) for r in throttle_set for c in r['configs']
                    if c['name'] == FOLLOWER_REPLICAS)
    assert follower == {'audit': '0:5', 'orders': '0:6,1:6,2:6'}
    assert cluster.configs == {}
    assert all(leader != 7 for parts in cluster.leaders.values() for leader in parts.values())


def test_exclude_brokers_drains_a_broker_that_is_gone(kafka):
    cluster = MovingCluster(DRAINED, brokers={4: False, 5: False, 6: False},
                            leaders={'orders': {2: 4}, 'audit': {0: 4}},
                            isr={'orders': {0: [4, 5], 1: [5, 4], 2: [4, 5]}, 'audit': {0: [4]}}).answer(kafka)
    result = run(dict(exclude_brokers=[7], timeout=2))
    assert not result['failed'], result['msg']
    assert all(7 not in replicas for parts in cluster.assignment.values() for replicas in parts.values())


def test_too_few_remaining_brokers_for_min_insync_replicas_is_refused_before_anything_changes(kafka):
    MovingCluster(BALANCED).answer(kafka)
    result = run(dict(exclude_brokers=[6], min_insync_replicas=3), check_mode=False)
    assert result['failed'] and result['msg'] == (
        'only 2 broker(s) [4, 5] would remain to hold replicas, fewer than min_insync_replicas=3: add brokers before '
        'removing [6]')
    assert names(kafka) == ['DescribeClusterRequest']


def test_a_replication_factor_the_remaining_brokers_cannot_hold_is_refused_before_anything_changes(kafka):
    MovingCluster(BALANCED).answer(kafka)
    result = run(dict(exclude_brokers=[6]))
    assert result['failed'] and 'orders-0 has replication factor 3, more than the 2 broker(s)' in result['msg']
    assert result['moves'] == [] and writes(kafka) == []


@pytest.mark.parametrize('brokers, named', [([4, 5, 6, 7], '[7]'), ([4, 5, 9], '[9]'), ([7, 9], '[7, 9]')])
def test_brokers_naming_a_fenced_or_unregistered_broker_fail_naming_it(kafka, brokers, named):
    MovingCluster(BALANCED, brokers={4: False, 5: False, 6: False, 7: True}).answer(kafka)
    result = run(dict(brokers=brokers))
    assert result['failed'] and result['msg'] == (
        'brokers %s are not registered and unfenced (registered: [4, 5, 6, 7], fenced: [7]): start them, or leave '
        'them out of brokers' % named)
    assert names(kafka) == ['DescribeClusterRequest']


def test_a_fenced_broker_is_left_out_by_default(kafka):
    MovingCluster(BALANCED, brokers={4: False, 5: False, 6: False, 7: True}).answer(kafka)
    result = run(check_mode=True)
    assert not result['failed'] and result['changed'] is False and '7' not in result['balance_after']


def test_partitions_out_of_sync_before_the_first_batch_move_nothing(kafka, clock):
    MovingCluster(GROWN, brokers=FOUR_BROKERS, isr={'orders': {1: [5, 6]}}).answer(kafka)
    result = run(dict(timeout=2))
    assert result['failed'] and result['msg'] == (
        "nothing moved: partitions are not in sync within 2.0 s: ['orders-1 under-replicated']")
    assert result['moves'] == PLANNED and writes(kafka) == [] and clock.sleeps == [1.0, 1.0]


def test_reassignments_of_an_interrupted_run_are_waited_for_and_its_throttle_removed(kafka, clock):
    leftover = {(BROKER, ''): {LEADER_RATE: '1000', FOLLOWER_RATE: '1000', 'min.insync.replicas': '2'},
                (TOPIC, 'orders'): {FOLLOWER_REPLICAS: '0:6'}}
    cluster = MovingCluster({'orders': {0: [4, 5, 7], 1: [5, 6, 4], 2: [6, 4, 5]}},
                            brokers={4: False, 5: False, 6: False, 7: True}, configs=leftover).answer(kafka)
    cluster.ongoing = {('orders', 0): [[4, 5, 6], 2]}  # completes at the third ListPartitionReassignments
    result = run()
    assert not result['failed'] and result['changed'] is True and result['moves'] == []
    assert sorted(result['throttles_removed']) == sorted(['cluster/' + LEADER_RATE, 'cluster/' + FOLLOWER_RATE,
                                                          'orders/' + FOLLOWER_REPLICAS])
    assert names(kafka)[:5] == ['DescribeClusterRequest'] + ['ListPartitionReassignmentsRequest'] * 3 + [
        'MetadataRequest']
    assert writes(kafka) == ['IncrementalAlterConfigsRequest'] and clock.sleeps == [1.0]
    assert cluster.assignment['orders'][0] == [4, 5, 6]
    assert cluster.configs == {(BROKER, ''): {'min.insync.replicas': '2'}}


def test_check_mode_reports_the_throttle_an_interrupted_run_left(kafka):
    cluster = MovingCluster(BALANCED, configs={(TOPIC, 'orders'): {LEADER_REPLICAS: '0:4'}}).answer(kafka)
    cluster.ongoing = {('orders', 0): [[4, 5, 6], 2]}
    result = run(check_mode=True)
    assert not result['failed'] and result['changed'] is True and result['throttles_removed'] == [
        'orders/' + LEADER_REPLICAS]
    assert writes(kafka) == [] and len(kafka.requests('ListPartitionReassignmentsRequest')) == 1
    assert cluster.configs == {(TOPIC, 'orders'): {LEADER_REPLICAS: '0:4'}}


def test_reassignments_in_progress_that_do_not_complete_fail_before_anything_changes(kafka):
    cluster = MovingCluster(BALANCED).answer(kafka)
    cluster.ongoing = {('orders', 0): [[4, 5, 6], 2]}
    cluster.stuck = {('orders', 0)}
    result = run(dict(timeout=3))
    assert result['failed'] and result['msg'] == (
        "reassignments already in progress did not complete within 3.0 s: ['orders-0']")
    assert writes(kafka) == [] and result['moves'] == []


def test_leaders_still_not_preferred_are_warned_about(kafka, warned):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)
    cluster.election_errors = {('orders', 3): 83}
    result = run(dict(timeout=2))
    assert not result['failed'] and result['changed'] is True and result['batches'] == 1
    assert result['elected'] == [] and result['not_preferred'] == ['orders-3']
    assert warned == ["partitions still not led by their preferred replica: ['orders-3'] "
                      "(orders-3: error 83 (ELIGIBLE_LEADERS_NOT_AVAILABLE))"]


def test_only_the_named_topics_move(kafka):
    cluster = MovingCluster(dict(GROWN, audit={0: [4, 5], 1: [4, 6]}), brokers=FOUR_BROKERS).answer(kafka)
    result = run(dict(topics=['orders']))
    assert not result['failed'] and result['moves'] == PLANNED
    assert cluster.assignment['audit'] == {0: [4, 5], 1: [4, 6]}
    [described] = kafka.requests('DescribeConfigsRequest')
    assert [r['resource_name'] for r in described.to_dict()['resources']] == ['', 'audit', 'orders']


@pytest.mark.parametrize('args', [dict(batch_size=0), dict(throttle=-1)])
def test_a_wrong_batch_size_or_throttle_is_refused(kafka, args):
    result = run(args)
    assert result['failed'] and result['msg'].startswith('batch_size must be 1 or more and throttle 0 or more')
    assert kafka.sent == []


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('DescribeClusterRequest', KafkaUnavailable('connect/handshake: timed out'))
    result = run(dict(fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False
    assert not result.get('changed') and result['moves'] == []


def test_a_cluster_lost_after_a_batch_moved_does_not_report_unchanged(kafka):
    cluster = MovingCluster(GROWN, brokers=FOUR_BROKERS).answer(kafka)

    def reassign(address, request):
        if len(kafka.requests('AlterPartitionReassignmentsRequest')) > 1:
            raise KafkaUnavailable('connect/handshake: timed out')
        return cluster.reassign(address, request)
    kafka.answer('AlterPartitionReassignmentsRequest', reassign)
    result = run(dict(batch_size=1, fail_on_unavailable=False))
    assert cluster.assignment['orders'][0] == [4, 7, 6]  # the first batch moved
    assert result['failed'] or result['changed'] is True
