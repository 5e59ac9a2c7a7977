import struct

import pytest
from kafka.admin import (ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePattern, ResourceType, UserScramCredentialUpsertion)
from kafka.errors import IncompatibleBrokerVersion
from kafka.protocol.admin import CreateAclsRequest, DeleteAclsRequest
from kafka.protocol.broker_version_data import BrokerVersionData
from kafka.protocol.metadata import ApiVersionsResponse

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp

TOPIC = dict(principal='User:app', host='*', operation='WRITE', permission='ALLOW', resource_type='TOPIC',
             resource_name='orders.', pattern_type='PREFIXED')
USER = dict(principal='User:admin', host='*', operation='ALTER', permission='ALLOW', resource_type='USER',
            resource_name='app', pattern_type='LITERAL')

REQUESTS = [
    (kp.DESCRIBE_QUORUM, kp.quorum_request),
    (kp.DESCRIBE_CLUSTER, kp.cluster_request),
    (kp.METADATA, kp.metadata_request),
    (kp.DESCRIBE_CONFIGS, lambda: kp.describe_configs_request(kp.CONFIG_RESOURCE_BROKER, '', ['min.insync.replicas'])),
    (kp.INCREMENTAL_ALTER_CONFIGS,
     lambda: kp.incremental_alter_configs_request(kp.CONFIG_RESOURCE_BROKER, '', {'min.insync.replicas': '2'})),
    (kp.DESCRIBE_ACLS, kp.describe_acls_request),
    (kp.CREATE_ACLS, lambda: kp.create_acls_request([TOPIC])),
    (kp.DELETE_ACLS, lambda: kp.delete_acls_request([TOPIC])),
    (kp.DESCRIBE_USER_SCRAM_CREDENTIALS, kp.describe_scram_request),
    (kp.ALTER_USER_SCRAM_CREDENTIALS, lambda: kp.alter_scram_request('SCRAM-SHA-512', [('app', 'secret')], ['old'], 8192)),
    (kp.API_VERSIONS, kp.api_versions_request),
    (kp.UPDATE_FEATURES, lambda: kp.update_features_request({'metadata.version': (27, 'UPGRADE')}, True, 5000)),
]


@pytest.mark.parametrize('api_key, build', REQUESTS, ids=[str(pair[0]) for pair in REQUESTS])
def test_each_request_carries_its_named_api_key_and_encodes_at_every_version(api_key, build):
    request = build()
    assert request.API_KEY == api_key
    cls = type(request)
    # A broker picks the version: each one kafka-python knows must carry the same request.
    first = cls.valid_versions[0]
    for version in range(first, cls.max_version + 1):
        decoded = cls.decode(request.encode(version=version), version=version)
        assert decoded.API_KEY == api_key
    if api_key == kp.DESCRIBE_QUORUM:
        assert decoded.to_dict()['topics'] == [{'topic_name': '__cluster_metadata', 'partitions': [{'partition_index': 0}]}]
    if api_key == kp.DESCRIBE_CLUSTER:
        assert decoded.to_dict()['include_fenced_brokers'] is True
    if api_key == kp.INCREMENTAL_ALTER_CONFIGS:
        assert decoded.to_dict()['resources'][0]['configs'] == [
            {'name': 'min.insync.replicas', 'config_operation': kp.CONFIG_OPERATION_SET, 'value': '2'}]


def kafka_python_acl(binding):
    return ACL(principal=binding['principal'], host=binding['host'], operation=ACLOperation[binding['operation']],
               permission_type=ACLPermissionType[binding['permission']],
               resource_pattern=ResourcePattern(ResourceType[binding['resource_type']], binding['resource_name'],
                                                ACLResourcePatternType[binding['pattern_type']]))


@pytest.mark.parametrize('version', [1, 2, 3])
def test_acl_requests_are_byte_for_byte_what_kafka_pythons_admin_client_sends(version):
    bindings = [TOPIC, dict(TOPIC, operation='DESCRIBE', permission='DENY', resource_type='GROUP', pattern_type='LITERAL')]
    acls = [kafka_python_acl(b) for b in bindings]
    theirs = CreateAclsRequest(creations=[KafkaAdminClient._convert_create_acls_resource_request(a) for a in acls])
    assert kp.create_acls_request(bindings).encode(version=version) == theirs.encode(version=version)
    theirs = DeleteAclsRequest(filters=[KafkaAdminClient._convert_delete_acls_resource_request(a) for a in acls])
    assert kp.delete_acls_request(bindings).encode(version=version) == theirs.encode(version=version)


def test_user_resource_acls_need_a_broker_with_version_3():
    old_broker = BrokerVersionData(api_versions={kp.CREATE_ACLS: (0, 2), kp.DELETE_ACLS: (0, 2)})
    new_broker = BrokerVersionData(api_versions={kp.CREATE_ACLS: (0, 3), kp.DELETE_ACLS: (0, 3)})
    for build in (kp.create_acls_request, kp.delete_acls_request):
        assert old_broker.api_version(build([TOPIC])) == 2
        with pytest.raises(IncompatibleBrokerVersion):
            old_broker.api_version(build([TOPIC, USER]))
        assert new_broker.api_version(build([USER])) == 3


@pytest.mark.parametrize('mechanism', ['SCRAM-SHA-256', 'SCRAM-SHA-512'])
def test_scram_upsertion_carries_the_salted_password_not_the_password(mechanism):
    salt = b'0123456789abcdef01234567'
    request = kp.alter_scram_request(mechanism, [('app', 's3cret-pw')], ['gone'], 8192, salt=salt)
    decoded = type(request).decode(request.encode(version=0), version=0)
    upsertion = decoded.upsertions[0]
    expected = UserScramCredentialUpsertion('app', mechanism, 's3cret-pw', iterations=8192, salt=salt)
    assert (upsertion.name, upsertion.mechanism, upsertion.iterations) == ('app', int(expected.mechanism), 8192)
    assert upsertion.salt == salt and upsertion.salted_password == expected.salted_password
    assert b's3cret-pw' not in request.encode(version=0)
    assert [(d.name, d.mechanism) for d in decoded.deletions] == [('gone', kp.SCRAM_MECHANISMS[mechanism])]


def test_each_upsertion_gets_its_own_salt():
    request = kp.alter_scram_request('SCRAM-SHA-512', [('a', 'same-password'), ('b', 'same-password')], [], 4096)
    first, second = request.upsertions
    assert len(first.salt) == 24 and first.salt != second.salt
    assert first.salted_password != second.salted_password


def test_response_errors_are_found_at_any_depth_with_their_names():
    response = {'error_code': 0, 'topics': [{'partitions': [{'error_code': 6, 'error_message': None}]}],
                'results': [{'error_code': 31, 'error_message': 'not allowed'}]}
    assert kp.response_errors(response) == [
        'error 6 (NOT_LEADER_OR_FOLLOWER: this node is not the quorum leader)',
        'error 31 (CLUSTER_AUTHORIZATION_FAILED): not allowed']
    assert kp.transient_error(response) == 'error 6 (NOT_LEADER_OR_FOLLOWER: this node is not the quorum leader)'
    assert kp.response_error({'error_code': 0, 'results': [{'error_code': 0}]}) is None
    assert kp.transient_error({'error_code': 40}) is None


def test_feature_requests_need_the_versions_that_carry_features():
    # ApiVersions 0-2 carry no features; UpdateFeatures 0 has no upgrade type and no validate_only.
    old = BrokerVersionData(api_versions={kp.API_VERSIONS: (0, 2), kp.UPDATE_FEATURES: (0, 0)})
    kafka_3_8 = BrokerVersionData(api_versions={kp.API_VERSIONS: (0, 3), kp.UPDATE_FEATURES: (0, 1)})
    kafka_4 = BrokerVersionData(api_versions={kp.API_VERSIONS: (0, 4), kp.UPDATE_FEATURES: (0, 2)})
    update = kp.update_features_request({'metadata.version': (27, 'UPGRADE')}, False, 5000)
    for build in (kp.api_versions_request, lambda: update):
        with pytest.raises(IncompatibleBrokerVersion):
            old.api_version(build())
    assert (kafka_3_8.api_version(kp.api_versions_request()), kafka_3_8.api_version(update)) == (3, 1)
    assert (kafka_4.api_version(kp.api_versions_request()), kafka_4.api_version(update)) == (4, 2)


@pytest.mark.parametrize('version', [1, 2])
def test_update_features_carries_level_upgrade_type_and_validate_only(version):
    request = kp.update_features_request({'metadata.version': (22, 'SAFE_DOWNGRADE'), 'group.version': (1, 'UPGRADE')},
                                         True, 5000)
    decoded = type(request).decode(request.encode(version=version), version=version).to_dict()
    assert decoded == dict(timeout_ms=5000, validate_only=True, feature_updates=[
        dict(feature='group.version', max_version_level=1, upgrade_type=1),
        dict(feature='metadata.version', max_version_level=22, upgrade_type=2)])
    assert 3 not in kp.FEATURE_UPGRADE_TYPES.values()  # UNSAFE_DOWNGRADE is never sent


def _uvarint(value):
    out = b''
    while value >= 0x80:
        out += bytes([(value & 0x7f) | 0x80])
        value >>= 7
    return out + bytes([value])


def _compact_string(text):
    return _uvarint(len(text) + 1) + text.encode('utf-8')


def _tagged(tag, payload):
    return _uvarint(tag) + _uvarint(len(payload)) + payload


@pytest.mark.parametrize('version', [3, 4])
def test_api_versions_features_decode_from_bytes_laid_out_as_kafka_sends_them(version):
    # The body of an ApiVersions answer written field by field from ApiVersionsResponse.json, not
    # by kafka-python's encoder: the features are tagged fields 0, 1 and 2 of the body.
    no_tags = _uvarint(0)
    api_keys = _uvarint(2) + struct.pack('>hhh', 18, 0, 4) + no_tags
    supported = _uvarint(3) + b''.join(
        _compact_string(name) + struct.pack('>hh', low, high) + no_tags
        for name, low, high in (('metadata.version', 7, 27), ('kraft.version', 0, 1)))
    finalized = _uvarint(2) + _compact_string('metadata.version') + struct.pack('>hh', 25, 1) + no_tags
    body = (struct.pack('>h', 0) + api_keys + struct.pack('>i', 0) + _uvarint(3)
            + _tagged(0, supported) + _tagged(1, struct.pack('>q', 3120)) + _tagged(2, finalized))
    decoded = ApiVersionsResponse.decode(body, version=version).to_dict()
    assert decoded['supported_features'] == [dict(name='metadata.version', min_version=7, max_version=27),
                                             dict(name='kraft.version', min_version=0, max_version=1)]
    assert decoded['finalized_features'] == [dict(name='metadata.version', max_version_level=25, min_version_level=1)]
    assert decoded['finalized_features_epoch'] == 3120
