import struct
import uuid

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


# --- Requests kafka-python lacks, built from kafka_protocol._SCHEMAS -------------------------------
DIRECTORY_ID = '8nE1X1zQKWRjFEA_E0QEyw'
DIRECTORY_UUID = 'f271355f-5cd0-2964-6314-403f134404cb'
CLUSTER_ID = 'rWv8QX9zTW67DOWKpX0XiA'

ADD_V0 = dict(cluster_id=CLUSTER_ID, timeout_ms=5000, voter_id=2, voter_directory_id=DIRECTORY_UUID,
              listeners=[dict(name='CONTROLLER', host='controller-2', port=9093)])
# (API key, class name, build, {version: the fields Kafka reads at that version}).
VOTER_REQUESTS = [
    # Version 1 of AddRaftVoter adds AckWhenCommitted: answer once the new voter set is committed.
    (80, 'AddRaftVoterRequest',
     lambda: kp.add_raft_voter_request(CLUSTER_ID, 2, DIRECTORY_ID, 'CONTROLLER', 'controller-2', 9093, 5000),
     {0: ADD_V0, 1: dict(ADD_V0, ack_when_committed=True)}),
    (81, 'RemoveRaftVoterRequest', lambda: kp.remove_raft_voter_request(CLUSTER_ID, 2, DIRECTORY_ID),
     {0: dict(cluster_id=CLUSTER_ID, voter_id=2, voter_directory_id=DIRECTORY_UUID)}),
    (94, 'UnregisterControllerRequest', lambda: kp.unregister_controller_request(5), {0: dict(controller_id=5)}),
]


def test_the_voter_request_constants_are_kafkas_api_keys():
    assert (kp.ADD_RAFT_VOTER, kp.REMOVE_RAFT_VOTER, kp.UNREGISTER_CONTROLLER, kp.UNREGISTER_BROKER) == (80, 81, 94, 64)
    assert sorted(kp._MESSAGES) == sorted(kp._SCHEMAS) == [
        'AddRaftVoterRequest', 'AddRaftVoterResponse', 'RemoveRaftVoterRequest', 'RemoveRaftVoterResponse',
        'UnregisterBrokerRequest', 'UnregisterBrokerResponse',
        'UnregisterControllerRequest', 'UnregisterControllerResponse']
    for name, message in kp._MESSAGES.items():
        assert message.__name__ == name and message.API_KEY == kp._SCHEMAS[name]['apiKey']
        assert message.is_request() is name.endswith('Request')


@pytest.mark.parametrize('api_key, name, build, expected', VOTER_REQUESTS, ids=[r[1] for r in VOTER_REQUESTS])
def test_each_voter_request_round_trips_at_every_version(api_key, name, build, expected):
    request = build()
    cls = type(request)
    assert cls is kp._MESSAGES[name] and request.API_KEY == api_key
    assert sorted(expected) == list(range(cls.valid_versions[0], cls.max_version + 1))
    for version, fields in expected.items():
        decoded = cls.decode(request.encode(version=version), version=version).to_dict()
        if 'voter_directory_id' in decoded:
            decoded['voter_directory_id'] = str(decoded['voter_directory_id'])
        assert decoded == fields
    with pytest.raises(ValueError):
        request.encode(version=cls.max_version + 1)


def _uuid_bytes():
    return bytes.fromhex(DIRECTORY_UUID.replace('-', ''))


@pytest.mark.parametrize('version', [0, 1])
def test_add_raft_voter_is_laid_out_as_kafka_reads_it(version):
    # Written field by field from Kafka's AddRaftVoterRequest.json (flexible from version 0).
    no_tags = _uvarint(0)
    listener = _compact_string('CONTROLLER') + _compact_string('controller-2') + struct.pack('>H', 9093) + no_tags
    body = (_compact_string(CLUSTER_ID) + struct.pack('>ii', 5000, 2) + _uuid_bytes() + _uvarint(2) + listener
            + (b'\x01' if version >= 1 else b'') + no_tags)
    request = kp.add_raft_voter_request(CLUSTER_ID, 2, DIRECTORY_ID, 'CONTROLLER', 'controller-2', 9093, 5000)
    assert bytes(request.encode(version=version)) == body


def test_remove_raft_voter_and_unregister_controller_are_laid_out_as_kafka_reads_them():
    # A null cluster ID (Kafka then does not check it) is a compact string of length -1.
    assert bytes(kp.remove_raft_voter_request(None, 2, DIRECTORY_ID).encode(version=0)) == (
        _uvarint(0) + struct.pack('>i', 2) + _uuid_bytes() + _uvarint(0))
    assert bytes(kp.unregister_controller_request(5).encode(version=0)) == struct.pack('>i', 5) + _uvarint(0)


RESPONSES = [('AddRaftVoterResponse', (0, 1)), ('RemoveRaftVoterResponse', (0,)),
             ('UnregisterControllerResponse', (0,))]


@pytest.mark.parametrize('name, versions', RESPONSES, ids=[r[0] for r in RESPONSES])
def test_voter_responses_carry_the_error_code_and_message(name, versions):
    response = kp._MESSAGES[name]
    assert response.API_KEY == kp._SCHEMAS[name.replace('Response', 'Request')]['apiKey']
    for version in versions:
        answer = response(throttle_time_ms=0, error_code=94, error_message='The voter set is inconsistent')
        decoded = response.decode(answer.encode(version=version), version=version).to_dict()
        assert decoded == dict(throttle_time_ms=0, error_code=94, error_message='The voter set is inconsistent')
        assert kp.response_error(decoded) == 'error 94 (INCONSISTENT_VOTER_SET): The voter set is inconsistent'
    # As a controller writes it: throttle time, error code, a null message, no tagged fields.
    body = struct.pack('>ih', 0, 6) + _uvarint(0) + _uvarint(0)
    decoded = response.decode(body, version=0).to_dict()
    assert decoded == dict(throttle_time_ms=0, error_code=6, error_message=None)
    assert kp.transient_error(decoded) == 'error 6 (NOT_LEADER_OR_FOLLOWER: this node is not the quorum leader)'


def test_a_directory_id_travels_as_the_uuid_kafka_python_reads_back():
    from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import directory_id_to_kafka
    from ansible_collections.kafkaops.kraft.plugins.plugin_utils.kraft_cluster import directory_id
    assert str(kp.uuid_of(DIRECTORY_ID)) == DIRECTORY_UUID
    assert directory_id_to_kafka(str(kp.uuid_of(DIRECTORY_ID))) == DIRECTORY_ID
    for node_id in range(1, 50):
        derived = directory_id(CLUSTER_ID, node_id)
        assert directory_id_to_kafka(str(kp.uuid_of(derived))) == derived


@pytest.mark.parametrize('value', ['', 'shrt', DIRECTORY_ID + 'AA', DIRECTORY_ID * 2, '!!!!'])
def test_a_value_that_is_not_a_directory_id_is_refused(value):
    with pytest.raises(ValueError, match='is not a directory ID'):
        kp.uuid_of(value)
    with pytest.raises(ValueError, match='is not a directory ID'):
        kp.remove_raft_voter_request(CLUSTER_ID, 2, value)


@pytest.mark.parametrize('value', [DIRECTORY_ID[:-1], 'short'])
def test_a_length_base64_cannot_have_is_refused(value):
    with pytest.raises(ValueError, match='is not a directory ID'):
        kp.uuid_of(value)


@pytest.mark.parametrize('value', [
    '8nE1X1zQKWRjFEA/E0QEyw',    # standard base64 ('/' for '_'): another ID to Kafka
    '8nE1X1zQKWRjFEA+E0QEyw',
    DIRECTORY_ID + '==',         # padded: Kafka writes 22 characters
    DIRECTORY_ID + '\n',         # the regex's $ alone would let a trailing newline through
    ' ' + DIRECTORY_ID[1:],
    DIRECTORY_ID[:10] + '.' + DIRECTORY_ID[11:],
    u'8nE1X1zQKWRjFEA_E0QEy\u00e9',
])
def test_uuid_of_refuses_anything_but_22_characters_of_base64url(value):
    with pytest.raises(ValueError, match='is not a directory ID'):
        kp.uuid_of(value)


def test_uuid_of_refuses_non_zero_trailing_bits():
    # 22 characters carry 132 bits, of which 16 bytes use 128: the last character's low 4 bits
    # must be zero, or two spellings would name one directory.
    assert DIRECTORY_ID[-1] == 'w'
    alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    same_bytes = [c for c in alphabet if alphabet.index(c) >> 4 == alphabet.index('w') >> 4]
    assert len(same_bytes) == 16
    for last in same_bytes:
        value = DIRECTORY_ID[:-1] + last
        if last == 'w':
            assert str(kp.uuid_of(value)) == DIRECTORY_UUID
        else:
            with pytest.raises(ValueError, match='is not a directory ID'):
                kp.uuid_of(value)


@pytest.mark.parametrize('value', [None, 12345, uuid.UUID(DIRECTORY_UUID), DIRECTORY_ID.encode('ascii')])
def test_uuid_of_refuses_what_is_not_a_string_as_a_value_error(value):
    with pytest.raises(ValueError, match='is not a directory ID'):
        kp.uuid_of(value)


@pytest.mark.parametrize('value', ['-' * 21 + 'w', 'A' * 21 + 'Q', '_' * 21 + 'w', 'Ga77ft73n_BQn6RH_Qk8FA'])
def test_uuid_of_reads_every_well_formed_directory_id_back_to_itself(value):
    from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import directory_id_to_kafka
    assert directory_id_to_kafka(str(kp.uuid_of(value))) == value


def test_kafka_pythons_own_classes_are_left_as_they_were():
    from kafka.protocol import api_data, schemas
    from kafka.protocol.api_header import ResponseClassRegistry
    from kafka.protocol.api_message import ApiMessage
    # load_json reads kafka-python's packaged schemas again.
    assert api_data.load_json is schemas.load_json
    assert type('DescribeQuorumRequest', (ApiMessage,), {}).API_KEY == kp.DESCRIBE_QUORUM
    registry = ResponseClassRegistry._response_class_registry
    assert registry[kp.DESCRIBE_QUORUM].__name__ == 'DescribeQuorumResponse'
    assert registry[kp.UPDATE_FEATURES].__name__ == 'UpdateFeaturesResponse'


@pytest.mark.parametrize('api_key, name, build, expected', VOTER_REQUESTS, ids=[r[1] for r in VOTER_REQUESTS])
def test_kafka_python_reads_the_answer_to_each_voter_request_with_its_response_class(api_key, name, build, expected):
    # kafka-python picks the class that decodes an answer from the request header's API key.
    request = build()
    request.API_VERSION = type(request).max_version
    request.with_header(correlation_id=7)
    response = request.header.get_response_class()
    assert issubclass(response, kp._MESSAGES[name.replace('Request', 'Response')])
    assert response.API_KEY == api_key and response._class_version == type(request).max_version


def test_kafka_pythons_load_json_is_restored_even_when_a_schema_is_wrong(monkeypatch):
    from kafka.protocol import api_data, schemas
    monkeypatch.setattr(kp, '_SCHEMAS', {'BrokenRequest': dict(apiKey=999, type='request', validVersions='0',
                                                               fields=[kp._field('X', 'nosuchtype')])})
    with pytest.raises(ValueError, match='nosuchtype'):
        kp._message_classes()
    assert api_data.load_json is schemas.load_json
