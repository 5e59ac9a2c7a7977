import pytest
from ansible.module_utils.basic import AnsibleModule
from kafka.errors import KafkaTimeoutError

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_client as kc
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    cluster_response,
    patch_module_args,
    quorum_response,
    run_module,
)


def params(**extra):
    base = dict(bootstrap_servers=['c1:9093'], security_protocol='PLAINTEXT', ssl_cafile=None, ssl_certfile=None,
                ssl_keyfile=None, ssl_password=None, ssl_check_hostname=True, sasl_mechanism=None,
                sasl_username=None, sasl_password=None, connect_timeout=5.0, request_timeout=10.0,
                fail_on_unavailable=True)
    base.update(extra)
    return base


def build_module(args, **extra_spec):
    spec = kc.kafka_common_argument_spec()
    spec.update(extra_spec)
    with patch_module_args(args):
        return AnsibleModule(argument_spec=spec, supports_check_mode=True,
                             required_together=kc.KAFKA_COMMON_REQUIRED_TOGETHER, required_if=kc.KAFKA_COMMON_REQUIRED_IF)


class _Module(object):
    """A module whose main() is just the common spec and the kafka-python check."""

    @staticmethod
    def main():
        module = build_module_from_current_args()
        kc.check_kafka_python(module)
        module.exit_json(changed=False)


def build_module_from_current_args():
    return AnsibleModule(argument_spec=kc.kafka_common_argument_spec(), supports_check_mode=True,
                         required_together=kc.KAFKA_COMMON_REQUIRED_TOGETHER, required_if=kc.KAFKA_COMMON_REQUIRED_IF)


def test_common_argument_spec_is_a_new_dict_each_time():
    spec = kc.kafka_common_argument_spec()
    spec['bootstrap_servers']['required'] = False
    spec['wait'] = dict(type='int')
    again = kc.kafka_common_argument_spec()
    assert again['bootstrap_servers']['required'] is True and 'wait' not in again


def test_a_module_built_on_the_common_spec_never_logs_the_secrets():
    module = build_module(dict(bootstrap_servers=['b1:9092'], security_protocol='SASL_SSL', sasl_mechanism='SCRAM-SHA-512',
                               sasl_username='admin', sasl_password='Adm1n-secret-pw', ssl_password='key-pass-phrase'),
                          wait=dict(type='float', default=0))
    assert {'Adm1n-secret-pw', 'key-pass-phrase'} <= module.no_log_values
    assert module.params['wait'] == 0 and module.params['connect_timeout'] == 5.0


def test_sasl_protocols_need_the_credentials():
    result = run_module(_Module, dict(bootstrap_servers=['b1:9092'], security_protocol='SASL_SSL'))
    assert result['failed'] and result['msg'] == (
        'security_protocol is SASL_SSL but all of the following are missing: sasl_mechanism, sasl_username, sasl_password')
    result = run_module(_Module, dict(bootstrap_servers=['b1:9092'], sasl_username='admin'))
    assert result['failed'] and result['msg'] == 'parameters are required together: sasl_username, sasl_password'


def test_missing_kafka_python_names_the_library(monkeypatch):
    monkeypatch.setattr(kc, 'KAFKA_IMPORT_ERROR', 'Traceback: No module named kafka')
    result = run_module(_Module, dict(bootstrap_servers=['b1:9092']))
    assert result['failed'] and 'kafka-python' in result['msg']
    assert result['exception'] == 'Traceback: No module named kafka'


def test_client_config_plaintext_has_no_secrets():
    config = kc.client_config(params())
    assert config['security_protocol'] == 'PLAINTEXT'
    assert config['request_timeout_ms'] == 10000 and config['socket_connection_setup_timeout_ms'] == 5000
    assert not any(key.startswith('sasl') or key == 'ssl_cafile' for key in config)


def test_client_config_sasl_ssl():
    config = kc.client_config(params(security_protocol='SASL_SSL', ssl_cafile='/ca.pem', sasl_mechanism='SCRAM-SHA-512',
                                     sasl_username='admin', sasl_password='s3cret'))
    assert config['ssl_cafile'] == '/ca.pem' and config['sasl_mechanism'] == 'SCRAM-SHA-512'
    assert config['sasl_plain_username'] == 'admin' and config['sasl_plain_password'] == 's3cret'


def test_a_non_leader_answer_sends_describe_quorum_to_the_next_controller(kafka):
    kafka.answer('DescribeQuorumRequest', quorum_response(partition_error=6), quorum_response(leader=2))
    response = kc.describe_quorum(params(bootstrap_servers=['c1:9093', 'c2:9093']))
    assert kafka.addresses() == ['c1:9093', 'c2:9093']
    assert response['topics'][0]['partitions'][0]['leader_id'] == 2


def test_an_error_code_from_every_broker_is_unavailable_naming_each(kafka):
    kafka.answer('DescribeClusterRequest', cluster_response(error_code=31, error_message='not allowed'))
    with pytest.raises(kc.KafkaUnavailable) as raised:
        kc.describe_cluster(params(bootstrap_servers=['b1:9092', 'b2:9092']))
    assert str(raised.value) == (
        'DescribeCluster failed on every bootstrap address (b1:9092: error 31 (CLUSTER_AUTHORIZATION_FAILED): '
        'not allowed; b2:9092: error 31 (CLUSTER_AUTHORIZATION_FAILED): not allowed)')


def test_unreachable_addresses_are_all_named():
    with pytest.raises(kc.KafkaUnavailable) as raised:
        kc.send_request(params(bootstrap_servers=['127.0.0.1:1', 'no-port:x'], connect_timeout=1.0),
                        kc.quorum_request(), 'DescribeQuorum')
    message = str(raised.value)
    assert message.startswith('DescribeQuorum failed on every bootstrap address')
    assert '127.0.0.1:1: connect/handshake: KafkaConnectionError' in message
    assert 'no-port:x: bootstrap address: invalid literal' in message


class _Manager(object):
    """KafkaConnectionManager whose run() raises what the test says."""
    raises = KeyError('set by the test')

    def __init__(self, net, **config):
        self.cluster = self

    def bootstrap_brokers(self):
        return [self]

    node_id = 'bootstrap-0'

    def run(self, coroutine):
        coroutine().close()
        raise self.raises

    def close(self):
        self.closed = True


@pytest.mark.parametrize('error, cause', [
    (KafkaTimeoutError('Timed out after 10000 ms'), 'DescribeClusterRequest: KafkaTimeoutError: Timed out after 10000 ms'),
    (ConnectionResetError(104, 'Connection reset by peer'), 'DescribeClusterRequest: ConnectionResetError: [Errno 104]'),
])
def test_kafka_and_socket_errors_are_unavailable(monkeypatch, error, cause):
    _Manager.raises = error
    monkeypatch.setattr(kc, 'KafkaConnectionManager', _Manager)
    with pytest.raises(kc.KafkaUnavailable) as raised:
        kc.send('b1:9092', kc.client_config(params()), kc.cluster_request())
    assert str(raised.value).startswith(cause)


@pytest.mark.parametrize('bug', [KeyError('node_id'), TypeError('unexpected keyword'), AttributeError('to_dict')])
def test_a_bug_is_never_taken_for_an_unavailable_cluster(monkeypatch, bug):
    _Manager.raises = bug
    monkeypatch.setattr(kc, 'KafkaConnectionManager', _Manager)
    with pytest.raises(type(bug)):
        kc.send_request(params(bootstrap_servers=['b1:9092', 'b2:9092']), kc.cluster_request(), 'DescribeCluster')
