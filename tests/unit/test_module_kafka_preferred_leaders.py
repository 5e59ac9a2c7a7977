"""kafka_preferred_leaders' main() against a fake cluster (see module_harness)."""
import pytest
from ansible.module_utils import basic

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_preferred_leaders
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    MovingCluster,
    elect_leaders_response,
    instant_wait_for,
    run_module,
)

ASSIGNMENT = {'orders': {0: [4, 5, 6], 1: [5, 6, 4], 2: [6, 4, 5]}, 'audit': {0: [5, 4], 1: [6, 5]}}
# After a roll of broker 5 then 6: broker 4 leads what they preferred.
ROLLED = {'orders': {1: 4, 2: 4}, 'audit': {0: 4, 1: 5}}
PREFERRED = {'orders': {0: 4, 1: 5, 2: 6}, 'audit': {0: 5, 1: 6}}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """wait_for without waiting, in every test."""
    return instant_wait_for(monkeypatch)


@pytest.fixture
def warned(monkeypatch):
    found = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: found.append(warning))
    return found


def run(args=None, **kwargs):
    return run_module(kafka_preferred_leaders, dict(CONNECTION, **(args or {})), **kwargs)


def elections(kafka):
    return [request.to_dict()['topic_partitions'] for request in kafka.requests('ElectLeadersRequest')]


def test_check_mode_lists_the_partitions_and_changes_nothing(kafka, clock):
    # orders-2's preferred replica 6 is out of sync: it would not be elected, and is still not preferred.
    cluster = MovingCluster(ASSIGNMENT, leaders=ROLLED, isr={'orders': {2: [4, 5]}}).answer(kafka)
    result = run(check_mode=True)
    assert not result['failed'] and result['changed'] is True
    assert result['elected'] == ['audit-0', 'audit-1', 'orders-1']
    assert result['not_preferred'] == ['audit-0', 'audit-1', 'orders-1', 'orders-2']
    assert [type(r).__name__ for r in kafka.requests()] == ['MetadataRequest']
    assert cluster.leaders['orders'] == {0: 4, 1: 4, 2: 4} and cluster.leaders['audit'] == {0: 4, 1: 5}
    assert clock.sleeps == []


def test_check_mode_with_every_leader_preferred_is_unchanged(kafka):
    MovingCluster(ASSIGNMENT).answer(kafka)
    result = run(check_mode=True)
    assert not result['failed'] and result['changed'] is False
    assert result['elected'] == [] and result['not_preferred'] == []


def test_elects_the_preferred_replicas(kafka, clock, warned):
    cluster = MovingCluster(ASSIGNMENT, leaders=ROLLED).answer(kafka)
    result = run()
    assert not result['failed'] and result['changed'] is True
    assert result['elected'] == ['audit-0', 'audit-1', 'orders-1', 'orders-2'] and result['not_preferred'] == []
    assert elections(kafka) == [[dict(topic='audit', partitions=[0, 1]), dict(topic='orders', partitions=[1, 2])]]
    assert cluster.leaders == PREFERRED and warned == [] and clock.sleeps == []


def test_every_leader_preferred_changes_nothing(kafka):
    MovingCluster(ASSIGNMENT).answer(kafka)
    result = run()
    assert not result['failed'] and result['changed'] is False and result['elected'] == []
    assert kafka.requests('ElectLeadersRequest') == []


def test_election_not_needed_for_a_partition_is_success(kafka, warned):
    # The first Metadata lags: orders-1 is led by its preferred replica already, and Kafka says so.
    cluster = MovingCluster(ASSIGNMENT).answer(kafka)
    stale = MovingCluster(ASSIGNMENT, leaders={'orders': {1: 6}})
    kafka.answer('MetadataRequest', stale.metadata, cluster.metadata)
    kafka.answer('ElectLeadersRequest', lambda address, request: elect_leaders_response(request, {('orders', 1): 84}))
    result = run()
    assert not result['failed'] and result['not_preferred'] == [] and warned == []
    assert elections(kafka) == [[dict(topic='orders', partitions=[1])]]


def test_a_preferred_replica_out_of_sync_is_waited_for_then_warned_about(kafka, clock, warned):
    cluster = MovingCluster(ASSIGNMENT, leaders=ROLLED, isr={'orders': {2: [4, 5]}}).answer(kafka)
    result = run(dict(timeout=3))
    assert not result['failed'] and result['changed'] is True
    assert result['elected'] == ['audit-0', 'audit-1', 'orders-1'] and result['not_preferred'] == ['orders-2']
    assert warned == ["partitions still not led by their preferred replica after 3.0 s: ['orders-2']"]
    assert cluster.leaders['orders'] == {0: 4, 1: 5, 2: 4} and clock.sleeps == [1.0] * 3
    assert elections(kafka) == [[dict(topic='audit', partitions=[0, 1]), dict(topic='orders', partitions=[1])]]


def test_a_preferred_replica_that_catches_up_is_elected(kafka, clock, warned):
    cluster = MovingCluster(ASSIGNMENT, leaders={'orders': {2: 4}}, isr={'orders': {2: [4, 5]}}).answer(kafka)

    def catch_up(address, request):
        if len(kafka.requests('MetadataRequest')) == 3:
            cluster.isr['orders'][2] = [4, 5, 6]
        return cluster.metadata(address, request)
    kafka.answer('MetadataRequest', catch_up)
    result = run()
    assert not result['failed'] and result['elected'] == ['orders-2'] and result['not_preferred'] == []
    assert cluster.leaders == PREFERRED and warned == [] and clock.sleeps == [1.0, 1.0]


def test_kafkas_refusal_of_a_partition_is_warned_about(kafka, warned):
    cluster = MovingCluster(ASSIGNMENT, leaders={'audit': {1: 5}}).answer(kafka)
    cluster.election_errors = {('audit', 1): 83}
    result = run(dict(timeout=0))
    assert not result['failed'] and result['changed'] is False
    assert result['elected'] == [] and result['not_preferred'] == ['audit-1']
    assert warned == ["partitions still not led by their preferred replica after 0.0 s: ['audit-1'] "
                      "(audit-1: error 83 (ELIGIBLE_LEADERS_NOT_AVAILABLE))"]


@pytest.mark.parametrize('check_mode', [False, True])
def test_only_the_named_topics(kafka, check_mode):
    cluster = MovingCluster(ASSIGNMENT, leaders=ROLLED).answer(kafka)
    result = run(dict(topics=['audit']), check_mode=check_mode)
    assert not result['failed'] and result['elected'] == ['audit-0', 'audit-1']
    assert result['not_preferred'] == ([] if not check_mode else ['audit-0', 'audit-1'])
    assert elections(kafka) == ([] if check_mode else [[dict(topic='audit', partitions=[0, 1])]])
    assert cluster.leaders['orders'] == {0: 4, 1: 4, 2: 4}


def test_a_missing_topic_fails(kafka):
    MovingCluster(ASSIGNMENT).answer(kafka)
    result = run(dict(topics=['payments']), check_mode=True)
    assert result['failed'] and result['msg'] == (
        "preferred leaders could not be managed: topics ['payments'] do not exist (existing: ['audit', 'orders'])")


def test_a_refused_election_fails(kafka):
    MovingCluster(ASSIGNMENT, leaders=ROLLED).answer(kafka)
    kafka.answer('ElectLeadersRequest', lambda address, request: elect_leaders_response(request, error_code=31))
    result = run()
    assert result['failed'] and result['available'] is True and result['elected'] == []
    assert result['msg'] == ('preferred leaders could not be managed: ElectLeaders refused: error 31 '
                             '(CLUSTER_AUTHORIZATION_FAILED)')


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_check_mode_on_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('MetadataRequest', KafkaUnavailable('connect/handshake: timed out'))
    result = run(dict(fail_on_unavailable=fail_on_unavailable), check_mode=True)
    assert result['failed'] is fail_on_unavailable and result['available'] is False
    assert result['elected'] == [] and result['not_preferred'] == []


def test_an_unreachable_cluster_fails(kafka, warned):
    kafka.answer('MetadataRequest', KafkaUnavailable('connect/handshake: timed out'))
    result = run(dict(timeout=2))
    assert result['failed'] and result['available'] is False
    assert result['not_preferred'] == [] and warned == []
