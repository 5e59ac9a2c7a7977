import pytest
from kafka.protocol.admin import DescribeClusterRequest, DescribeQuorumRequest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_client as kc


def params(**extra):
    base = dict(bootstrap_servers=['c1:9093'], security_protocol='PLAINTEXT', ssl_cafile=None, ssl_certfile=None,
                ssl_keyfile=None, ssl_password=None, ssl_check_hostname=True, sasl_mechanism=None,
                sasl_username=None, sasl_password=None, connect_timeout=5.0, request_timeout=10.0,
                fail_on_unavailable=True)
    base.update(extra)
    return base


def test_quorum_request_round_trips_for_every_version():
    request = kc.quorum_request()
    assert request.API_KEY == 55
    for version in range(DescribeQuorumRequest.min_version, DescribeQuorumRequest.max_version + 1):
        decoded = DescribeQuorumRequest.decode(request.encode(version=version), version=version).to_dict()
        assert decoded['topics'] == [{'topic_name': '__cluster_metadata', 'partitions': [{'partition_index': 0}]}]


def test_cluster_request_asks_for_fenced_brokers():
    request = kc.cluster_request()
    assert request.API_KEY == 60
    version = DescribeClusterRequest.max_version
    decoded = DescribeClusterRequest.decode(request.encode(version=version), version=version).to_dict()
    assert decoded['include_fenced_brokers'] is True


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


def test_secrets_are_no_log():
    assert kc.CONNECTION_ARGSPEC['sasl_password']['no_log'] is True
    assert kc.CONNECTION_ARGSPEC['ssl_password']['no_log'] is True


def test_non_leader_answer_is_refused_so_the_next_controller_is_asked():
    not_leader = {'error_code': 0, 'topics': [{'partitions': [{'error_code': 6}]}]}
    assert 'NOT_LEADER_OR_FOLLOWER' in kc._quorum_refusal(not_leader)
    assert kc._quorum_refusal({'error_code': 0, 'topics': [{'partitions': [{'error_code': 0}]}]}) is None


def test_unreachable_addresses_are_all_named():
    with pytest.raises(kc.KafkaUnavailable) as raised:
        kc.send_request(params(bootstrap_servers=['127.0.0.1:1', '127.0.0.1:2'], connect_timeout=1.0),
                        kc.quorum_request(), 'DescribeQuorum')
    message = str(raised.value)
    assert message.startswith('DescribeQuorum failed on every bootstrap address')
    assert '127.0.0.1:1: ' in message and '127.0.0.1:2: ' in message
