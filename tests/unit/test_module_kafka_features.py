"""kafka_features' main() against a fake cluster (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_features
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    SUPPORTED_FEATURES,
    api_versions_response,
    run_module,
    update_features_response,
)

UPGRADE, SAFE_DOWNGRADE = kp.FEATURE_UPGRADE_TYPES['UPGRADE'], kp.FEATURE_UPGRADE_TYPES['SAFE_DOWNGRADE']
NODES = dict(bootstrap_servers=['controller-1:9093', 'broker-4:9092', 'broker-5:9092'])


def sent_updates(kafka):
    """Each UpdateFeatures request as the controller decodes it from the wire (version 2)."""
    return [type(request).decode(request.encode(version=2), version=2).to_dict()
            for request in kafka.requests('UpdateFeaturesRequest')]


def answer_updates(kafka, **response):
    kafka.answer('UpdateFeaturesRequest', lambda address, request: update_features_response(request, **response))


@pytest.mark.parametrize('check_mode', [False, True])
def test_reports_supported_ranges_and_finalized_levels_without_changing_anything(kafka, check_mode):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    result = run_module(kafka_features, CONNECTION, check_mode=check_mode)
    assert not result['failed'] and result['changed'] is False and result['available'] is True
    assert result['features']['metadata.version'] == dict(supported_min=7, supported_max=27, finalized=25)
    assert result['features']['kraft.version'] == dict(supported_min=0, supported_max=1, finalized=None)
    assert result['features']['transaction.version'] == dict(supported_min=0, supported_max=2, finalized=2)
    assert sorted(result['features']) == sorted(SUPPORTED_FEATURES)
    assert result['finalized_epoch'] == 3120 and result['node'] == 'broker-4:9092'
    assert result['problems'] == [] and result['attempts'] == 1
    assert 'changes' not in result and 'nodes' not in result and 'supported_everywhere' not in result
    [request] = kafka.requests()
    # Only version 3+ carries the features, and it must name the client or Kafka refuses it.
    assert request._min_version == 3 and request.client_software_name == 'kafka-python'
    assert kafka.addresses() == ['broker-4:9092']


def test_a_node_that_does_not_know_the_finalized_levels_yet_is_asked_again(kafka, clock):
    kafka.answer('ApiVersionsRequest', api_versions_response(epoch=-1), api_versions_response())
    result = run_module(kafka_features, dict(CONNECTION, wait=10))
    assert result['available'] and result['attempts'] == 2 and clock.sleeps == [1.0]
    assert result['features']['metadata.version']['finalized'] == 25


def test_finalized_levels_never_known_fail_naming_the_node(kafka, clock):
    kafka.answer('ApiVersionsRequest', api_versions_response(epoch=-1))
    result = run_module(kafka_features, dict(CONNECTION, wait=1, features={'metadata.version': 27}))
    assert result['failed'] and not result['available'] and result['attempts'] == 2 and result['changes'] == {}
    assert result['problems'] == ['broker-4:9092 does not know the finalized feature levels yet (epoch -1)']
    assert result['features']['metadata.version']['finalized'] is None and result['finalized_epoch'] is None
    assert kafka.requests('UpdateFeaturesRequest') == []


def test_all_nodes_returns_each_node_and_the_range_they_all_support(kafka):
    ranges = {
        'controller-1:9093': dict(SUPPORTED_FEATURES),
        # A broker not upgraded yet: metadata.version up to 25, and no share.version.
        'broker-4:9092': dict(SUPPORTED_FEATURES, **{'metadata.version': (7, 25)}),
        'broker-5:9092': dict(SUPPORTED_FEATURES, **{'metadata.version': (10, 27), 'share.version': (0, 1)}),
    }
    kafka.answer('ApiVersionsRequest', lambda address, request: api_versions_response(supported=ranges[address]))
    result = run_module(kafka_features, dict(NODES, all_nodes=True))
    assert not result['failed'] and result['changed'] is False and result['available'] is True
    assert kafka.addresses() == NODES['bootstrap_servers']
    assert result['supported_everywhere'] == {'metadata.version': dict(min=10, max=25), 'kraft.version': dict(min=0, max=1),
                                              'group.version': dict(min=0, max=1),
                                              'transaction.version': dict(min=0, max=2)}
    assert sorted(result['nodes']) == sorted(NODES['bootstrap_servers'])
    assert result['nodes']['broker-4:9092']['features']['metadata.version'] == dict(
        supported_min=7, supported_max=25, finalized=25)
    assert result['nodes']['broker-5:9092']['features']['share.version']['supported_max'] == 1
    assert result['nodes']['broker-5:9092']['finalized_epoch'] == 3120
    assert result['node'] == 'controller-1:9093' and result['features']['metadata.version']['supported_max'] == 27
    # Each node is asked with a request of its own: the version is chosen per connection.
    assert len(set(id(request) for request in kafka.requests())) == 3


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_all_nodes_needs_every_node_to_answer(kafka, fail_on_unavailable):
    kafka.answer('ApiVersionsRequest', lambda address, request: (
        KafkaUnavailable('connect/handshake: KafkaConnectionError: 111 ECONNREFUSED') if address == 'broker-5:9092'
        else api_versions_response()))
    result = run_module(kafka_features, dict(NODES, all_nodes=True, fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False
    assert result['error'] == ('ApiVersions failed on 1 of 3 bootstrap addresses (broker-5:9092: connect/handshake: '
                               'KafkaConnectionError: 111 ECONNREFUSED)')
    assert 'supported_everywhere' not in result


def test_raises_only_the_feature_that_differs(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka)
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 27, 'group.version': 1}), diff=True)
    assert not result['failed'] and result['changed'] is True and result['available'] is True
    assert result['changes'] == {'metadata.version': dict(before=25, after=27, upgrade_type='UPGRADE')}
    [update] = sent_updates(kafka)
    assert update['feature_updates'] == [dict(feature='metadata.version', max_version_level=27, upgrade_type=UPGRADE)]
    assert update['validate_only'] is False
    [request] = kafka.requests('UpdateFeaturesRequest')
    # validate_only and the upgrade type exist from version 1; Kafka's deadline is inside ours.
    assert request._min_version == 1 and request.timeout_ms == 5000
    assert result['features']['metadata.version'] == dict(supported_min=7, supported_max=27, finalized=27)
    assert result['finalized_epoch'] == 3120
    assert result['diff'] == dict(before='group.version=1\nmetadata.version=25\ntransaction.version=2\n',
                                  after='group.version=1\nmetadata.version=27\ntransaction.version=2\n')


def test_check_mode_asks_the_controller_to_validate_and_applies_nothing(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka)
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 27}), check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is True
    assert result['changes'] == {'metadata.version': dict(before=25, after=27, upgrade_type='UPGRADE')}
    [update] = sent_updates(kafka)
    assert update['validate_only'] is True
    assert update['feature_updates'] == [dict(feature='metadata.version', max_version_level=27, upgrade_type=UPGRADE)]
    assert result['diff']['after'] == 'group.version=1\nmetadata.version=27\ntransaction.version=2\n'


def test_check_mode_fails_when_the_controller_would_refuse(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka, error_code=95,
                   error_message='Invalid update version 28 for feature metadata.version. Broker 5 only supports versions 7-27')
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 28}), check_mode=True)
    assert result['failed'] and result['available'] is True and result['changes'] == {}
    assert result['msg'] == ('Kafka features could not be managed: UpdateFeatures (validate only) refused: '
                             'metadata.version from 25 to 28 (UPGRADE): error 95 (INVALID_UPDATE_VERSION): Invalid '
                             'update version 28 for feature metadata.version. Broker 5 only supports versions 7-27')


@pytest.mark.parametrize('check_mode', [False, True])
def test_levels_already_finalized_change_nothing(kafka, check_mode):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    # kraft.version is not finalized: level 0 is where it already is.
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 25, 'kraft.version': 0}),
                        check_mode=check_mode, diff=True)
    assert not result['failed'] and result['changed'] is False and result['changes'] == {}
    assert kafka.requests('UpdateFeaturesRequest') == []
    assert result['diff']['before'] == result['diff']['after']


@pytest.mark.parametrize('check_mode', [False, True])
def test_lowering_without_allow_downgrade_is_refused_before_sending_anything(kafka, check_mode):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 22, 'group.version': 1}),
                        check_mode=check_mode)
    assert result['failed'] and result['changed'] is False and result['changes'] == {}
    assert result['msg'] == ('features: lowering a finalized feature needs allow_downgrade=true: metadata.version '
                             'is finalized at level 25 and 22 is wanted')
    assert result['features']['metadata.version']['finalized'] == 25
    assert kafka.requests('UpdateFeaturesRequest') == []


def test_allow_downgrade_lowers_safely_never_unsafely(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka)
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 22, 'group.version': 0},
                                             allow_downgrade=True), diff=True)
    assert not result['failed'] and result['changed'] is True
    assert result['changes'] == {'metadata.version': dict(before=25, after=22, upgrade_type='SAFE_DOWNGRADE'),
                                 'group.version': dict(before=1, after=0, upgrade_type='SAFE_DOWNGRADE')}
    [update] = sent_updates(kafka)
    assert update['feature_updates'] == [
        dict(feature='group.version', max_version_level=0, upgrade_type=SAFE_DOWNGRADE),
        dict(feature='metadata.version', max_version_level=22, upgrade_type=SAFE_DOWNGRADE)]
    assert result['features']['group.version']['finalized'] is None
    assert result['diff']['after'] == 'metadata.version=22\ntransaction.version=2\n'


def test_a_feature_refused_by_the_controller_is_named_with_its_error(kafka):
    # Versions 0-1 of the answer carry an error code per feature.
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka, version=1, feature_errors={
        'transaction.version': (95, 'Invalid update version 3 for feature transaction.version')})
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 27, 'transaction.version': 3},
                                             fail_on_unavailable=False))
    assert result['failed'] and result['available'] is True and result['changes'] == {}
    assert result['msg'] == ('Kafka features could not be managed: UpdateFeatures refused: transaction.version from '
                             '2 to 3 (UPGRADE): error 95 (INVALID_UPDATE_VERSION): Invalid update version 3 for '
                             'feature transaction.version')


def test_an_inactive_controller_sends_the_change_on_to_the_next_address(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    kafka.answer('UpdateFeaturesRequest', lambda address, request: update_features_response(
        request, error_code=41, error_message='The active controller appears to be node 2')
        if address == 'controller-1:9093' else update_features_response(request))
    result = run_module(kafka_features, dict(bootstrap_servers=['controller-1:9093', 'controller-2:9093'],
                                             features={'metadata.version': 27}))
    assert not result['failed'] and result['changed'] is True
    assert [address for address, request in kafka.sent if type(request).__name__ == 'UpdateFeaturesRequest'] == [
        'controller-1:9093', 'controller-2:9093']


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('ApiVersionsRequest', KafkaUnavailable('connect/handshake: KafkaConnectionError: DNS Resolution failure'))
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 27},
                                             fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False and result['changed'] is False
    assert result['changes'] == {} and 'features' not in result
    assert result['error'].startswith('ApiVersions failed on every bootstrap address (broker-4:9092: connect/handshake')
    assert kafka.requests('UpdateFeaturesRequest') == [] and len(kafka.sent) == 2


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_a_change_no_controller_answers_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    kafka.answer('UpdateFeaturesRequest', KafkaUnavailable('UpdateFeaturesRequest: KafkaTimeoutError: Request timed out'))
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 27},
                                             fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False and not result.get('changed')
    assert result['changes'] == {} and result['features']['metadata.version']['finalized'] == 25
    assert 'UpdateFeatures failed on every bootstrap address' in (result['msg'] if fail_on_unavailable else result['error'])


def test_kraft_version_stays_where_it_is_unless_named(kafka):
    # Every node supports kraft.version 1, and it is not finalized: only the named feature moves.
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka)
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': 27}))
    [update] = sent_updates(kafka)
    assert [u['feature'] for u in update['feature_updates']] == ['metadata.version']
    assert list(result['changes']) == ['metadata.version'] and result['features']['kraft.version']['finalized'] is None


def test_kraft_version_is_raised_when_named(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka)
    result = run_module(kafka_features, dict(CONNECTION, features={'kraft.version': 1}))
    assert result['changes'] == {'kraft.version': dict(before=None, after=1, upgrade_type='UPGRADE')}
    [update] = sent_updates(kafka)
    assert update['feature_updates'] == [dict(feature='kraft.version', max_version_level=1, upgrade_type=UPGRADE)]


@pytest.mark.parametrize('level', [-1, 'latest', 2.5, True, 40000])
def test_a_level_that_is_not_a_whole_number_fails_before_asking(kafka, level):
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': level}))
    assert result['failed'] and result['msg'].startswith('features: levels must be whole numbers from 0 to 32767 '
                                                         '(metadata.version: ')
    assert kafka.sent == []


def test_a_templated_level_may_be_a_string_of_digits(kafka):
    kafka.answer('ApiVersionsRequest', api_versions_response())
    answer_updates(kafka)
    result = run_module(kafka_features, dict(CONNECTION, features={'metadata.version': '27'}))
    assert result['changes']['metadata.version']['after'] == 27


def test_a_bug_fails_the_module_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('ApiVersionsRequest', KeyError('supported_features'))
    with pytest.raises(KeyError):
        run_module(kafka_features, dict(CONNECTION, fail_on_unavailable=False), check_mode=True)
