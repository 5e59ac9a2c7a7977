"""kafka_cluster_config's main() against a fake cluster (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_cluster_config
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    alter_configs_response,
    configs_response,
    run_module,
)

DYNAMIC_DEFAULT, STATIC_BROKER = kp.CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER, 4
CONFIGS = {'min.insync.replicas': 2, 'unclean.leader.election.enable': False}


def test_check_mode_reports_the_change_and_sends_none(kafka):
    # unclean.leader.election.enable is set in broker.properties only: no cluster-wide value yet.
    kafka.answer('DescribeConfigsRequest', configs_response({'min.insync.replicas': ('1', DYNAMIC_DEFAULT),
                                                             'unclean.leader.election.enable': ('false', STATIC_BROKER)}))
    result = run_module(kafka_cluster_config, dict(CONNECTION, configs=CONFIGS), check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is True and result['available'] is True
    assert result['changes'] == {'min.insync.replicas': dict(before='1', after='2'),
                                 'unclean.leader.election.enable': dict(before=None, after='false')}
    assert result['configs'] == {'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false'}
    assert result['diff'] == dict(before='min.insync.replicas=1\n',
                                  after='min.insync.replicas=2\nunclean.leader.election.enable=false\n')
    assert kafka.requests('IncrementalAlterConfigsRequest') == []
    [request] = kafka.requests('DescribeConfigsRequest')
    assert request.to_dict()['resources'] == [dict(resource_type=kp.CONFIG_RESOURCE_BROKER, resource_name='',
                                                   configuration_keys=sorted(CONFIGS))]


def test_sets_only_what_differs(kafka):
    kafka.answer('DescribeConfigsRequest', configs_response({'min.insync.replicas': ('1', DYNAMIC_DEFAULT),
                                                             'unclean.leader.election.enable': ('false', DYNAMIC_DEFAULT)}))
    kafka.answer('IncrementalAlterConfigsRequest', alter_configs_response())
    result = run_module(kafka_cluster_config, dict(CONNECTION, configs=CONFIGS))
    assert not result['failed'] and result['changed'] is True and list(result['changes']) == ['min.insync.replicas']
    [request] = kafka.requests('IncrementalAlterConfigsRequest')
    assert request.to_dict()['resources'] == [dict(resource_type=kp.CONFIG_RESOURCE_BROKER, resource_name='', configs=[
        dict(name='min.insync.replicas', config_operation=kp.CONFIG_OPERATION_SET, value='2')])]


def test_held_configs_change_nothing(kafka):
    kafka.answer('DescribeConfigsRequest', configs_response({'min.insync.replicas': ('2', DYNAMIC_DEFAULT)}))
    result = run_module(kafka_cluster_config, dict(CONNECTION, configs={'min.insync.replicas': 2}))
    assert not result['failed'] and result['changed'] is False and result['changes'] == {}
    assert result['configs'] == {'min.insync.replicas': '2'} and len(kafka.sent) == 1


def test_a_refused_value_fails_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeConfigsRequest', configs_response({}))
    kafka.answer('IncrementalAlterConfigsRequest', alter_configs_response(40, 'Invalid value x for min.insync.replicas'))
    result = run_module(kafka_cluster_config, dict(CONNECTION, configs={'min.insync.replicas': 'x'},
                                                   fail_on_unavailable=False))
    assert result['failed'] and result['available'] is True and result['changes'] == {}
    assert result['msg'] == ("cluster-wide broker configs could not be managed: IncrementalAlterConfigs of "
                             "['min.insync.replicas'] refused: error 40 (INVALID_CONFIG): Invalid value x for "
                             "min.insync.replicas")


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('DescribeConfigsRequest', KafkaUnavailable('connect/handshake: KafkaConnectionError: DNS Resolution failure'))
    result = run_module(kafka_cluster_config, dict(CONNECTION, configs=CONFIGS, fail_on_unavailable=fail_on_unavailable),
                        check_mode=True)
    assert result['failed'] is fail_on_unavailable and result['available'] is False
    assert result['configs'] == {} and result['changes'] == {}
    assert len(kafka.sent) == 2


def test_a_bug_in_check_mode_fails_the_module_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeConfigsRequest', KeyError('config_source'))
    with pytest.raises(KeyError):
        run_module(kafka_cluster_config, dict(CONNECTION, configs=CONFIGS, fail_on_unavailable=False), check_mode=True)
