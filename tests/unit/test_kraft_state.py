from ansible_collections.kafkaops.kraft.plugins.module_utils import kraft_state as ks


def quorum_response(leader=1, epoch=3, voters=((1, 100), (2, 100), (3, 90)), observers=((4, 100),), part_error=0):
    def replica(rid, leo):
        return {'replica_id': rid, 'replica_directory_id': 'f586501e-8ba5-24b1-f100-e32202b97caf',
                'log_end_offset': leo, 'last_fetch_timestamp': 1000, 'last_caught_up_timestamp': 900}
    return {'error_code': 0, 'error_message': '', 'topics': [{'topic_name': '__cluster_metadata', 'partitions': [{
        'partition_index': 0, 'error_code': part_error, 'error_message': '', 'leader_id': leader,
        'leader_epoch': epoch, 'high_watermark': 100,
        'current_voters': [replica(*v) for v in voters], 'observers': [replica(*o) for o in observers]}]}],
        'nodes': [{'node_id': 1, 'listeners': [{'name': 'CONTROLLER', 'host': 'c1', 'port': 9093}]}]}


def test_observer_ids_once_per_broker():
    # A reformatted broker shows up twice (old and new directory) until the old entry ages out.
    q = ks.shape_quorum(quorum_response(observers=((4, 100), (6, 90), (6, 100))), now_ms=1000)
    assert q['observer_ids'] == [4, 6] and len(q['observers']) == 3


def test_shape_quorum_lag_against_leader():
    q = ks.shape_quorum(quorum_response(), now_ms=1000)
    assert q['leader_id'] == 1 and q['leader_epoch'] == 3 and q['high_watermark'] == 100
    assert q['voter_ids'] == [1, 2, 3] and q['observer_ids'] == [4]
    assert [v['lag'] for v in q['voters']] == [0, 0, 10]
    assert q['max_voter_lag'] == 10
    assert q['voters'][0]['caught_up_ms_ago'] == 100
    assert q['voters'][0]['endpoints'] == ['CONTROLLER://c1:9093']
    assert q['voters'][0]['directory_id'] == '9YZQHoulJLHxAOMiArl8rw'


def test_no_leader_means_unknown_lag_and_a_problem():
    q = ks.shape_quorum(quorum_response(leader=-1))
    assert q['leader_id'] is None and q['max_voter_lag'] is None
    assert ks.quorum_problems(q, max_lag=5) == ['no quorum leader is elected (epoch 3)']


def test_quorum_problems_name_node_and_number():
    q = ks.shape_quorum(quorum_response())
    assert ks.quorum_problems(q, expected_voters=[1, 2, 3], max_lag=10) == []
    assert ks.quorum_problems(q, max_lag=5) == ['voter 3 lags the leader by 10 offsets (max_lag 5)']
    assert ks.quorum_problems(q, expected_voters=[1, 2, 5]) == [
        'expected voters [5] are not in the quorum (voters: [1, 2, 3])',
        'voters [3] are in the quorum but not expected (expected: [1, 2, 5])']
    assert ks.quorum_problems(q, not_leader=1) == ['node 1 is still the leader (epoch 3)']


def test_zero_directory_id_is_none():
    assert ks.directory_id_to_kafka('00000000-0000-0000-0000-000000000000') is None
    assert ks.directory_id_to_kafka(None) is None


def cluster_response(brokers):
    return {'error_code': 0, 'cluster_id': 'X', 'controller_id': 4,
            'brokers': [{'broker_id': b, 'host': 'h%s' % b, 'port': 9092, 'rack': None, 'is_fenced': f}
                        for b, f in brokers]}


def test_shape_cluster_and_broker_problems():
    c = ks.shape_cluster(cluster_response([(6, True), (4, False)]))
    assert c['broker_ids'] == [4, 6] and c['fenced_broker_ids'] == [6] and c['unfenced_broker_ids'] == [4]
    quorum = {'observer_ids': [4, 6]}
    assert ks.broker_problems(c, expected_brokers=[4, 5, 6], cluster_id='Y', quorum=quorum) == [
        'cluster id is X, expected Y',
        'broker 5 is not registered (registered: [4, 6])',
        'broker 6 is registered but fenced']
    assert ks.broker_problems(c, expected_brokers=[4], quorum={'observer_ids': []}) == [
        'broker 4 does not follow the metadata log (observers: [])']


def test_shape_partitions():
    response = {'brokers': [{'node_id': 4}, {'node_id': 5}], 'topics': [{'name': 't', 'partitions': [
        {'partition_index': 0, 'leader_id': 4, 'replica_nodes': [4, 5], 'isr_nodes': [4, 5]},
        {'partition_index': 1, 'leader_id': 5, 'replica_nodes': [4, 5], 'isr_nodes': [5]},
        {'partition_index': 2, 'leader_id': -1, 'replica_nodes': [6], 'isr_nodes': []}]}]}
    assert ks.shape_partitions(response) == {'partition_count': 3, 'under_replicated_partitions': ['t-1', 't-2'],
                                             'offline_partitions': ['t-2']}


def features_response(supported, finalized, epoch=10):
    return {'error_code': 0, 'finalized_features_epoch': epoch,
            'supported_features': [{'name': n, 'min_version': lo, 'max_version': hi} for n, (lo, hi) in supported.items()],
            'finalized_features': [{'name': n, 'max_version_level': lv, 'min_version_level': 1}
                                   for n, lv in finalized.items()]}


def test_shape_features_finalized_only_when_the_epoch_is_known():
    response = features_response({'metadata.version': (7, 27), 'kraft.version': (0, 1)}, {'metadata.version': 25})
    assert ks.shape_features(response) == dict(finalized_epoch=10, features={
        'metadata.version': dict(supported_min=7, supported_max=27, finalized=25),
        'kraft.version': dict(supported_min=0, supported_max=1, finalized=None)})
    at_zero = ks.shape_features(features_response({'group.version': (0, 1)}, {'group.version': 0}))
    assert at_zero['features']['group.version']['finalized'] is None
    unknown = ks.shape_features(dict(response, finalized_features_epoch=-1))
    assert unknown['finalized_epoch'] is None and unknown['features']['metadata.version']['finalized'] is None
    assert ks.feature_problems({'b1:9092': unknown}) == [
        'b1:9092 does not know the finalized feature levels yet (epoch -1)']


def test_shape_features_keeps_a_finalized_feature_the_node_does_not_support():
    features = ks.shape_features(features_response({}, {'eligible.leader.replicas.version': 1}))['features']
    assert features == {'eligible.leader.replicas.version': dict(supported_min=None, supported_max=None, finalized=1)}


def test_features_everywhere_is_the_intersection_of_the_ranges():
    nodes = dict((address, ks.shape_features(features_response(supported, {}))) for address, supported in (
        ('c1', {'metadata.version': (7, 27), 'kraft.version': (0, 1), 'share.version': (0, 1)}),
        ('b4', {'metadata.version': (10, 25), 'kraft.version': (0, 1), 'share.version': (2, 3)}),
        ('b5', {'metadata.version': (7, 27), 'kraft.version': (0, 1), 'share.version': (0, 3)})))
    # share.version: 0-1 and 2-3 do not overlap, so no level is supported everywhere.
    assert ks.features_everywhere(nodes) == {'metadata.version': dict(min=10, max=25), 'kraft.version': dict(min=0, max=1)}
    del nodes['b4']['features']['kraft.version']
    assert 'kraft.version' not in ks.features_everywhere(nodes)
    assert ks.features_everywhere({}) == {}
