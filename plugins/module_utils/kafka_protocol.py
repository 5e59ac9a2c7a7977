# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every Kafka request the collection's modules send, and the protocol codes they use.

Each request is built here from kafka-python's generated protocol classes, next to the API key it
carries, so one file shows all the collection asks of a cluster. Sending lives in kafka_client.py;
what the answers mean lives in kraft_state.py (info modules) and kafka_admin.py (write modules).
Codes are those of the Kafka protocol (https://kafka.apache.org/protocol), which never change
meaning between versions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import os
import re
import traceback
import uuid

KAFKA_PROTOCOL_IMPORT_ERROR = None
try:
    from kafka.errors import for_code
    from kafka.protocol.admin import (
        AlterUserScramCredentialsRequest,
        CreateAclsRequest,
        DeleteAclsRequest,
        DescribeAclsRequest,
        DescribeClusterRequest,
        DescribeConfigsRequest,
        DescribeQuorumRequest,
        DescribeUserScramCredentialsRequest,
        IncrementalAlterConfigsRequest,
        UpdateFeaturesRequest,
    )
    from kafka.protocol.admin.topics import (
        AlterPartitionReassignmentsRequest,
        ElectLeadersRequest,
        ListPartitionReassignmentsRequest,
    )
    from kafka.protocol.metadata import ApiVersionsRequest, MetadataRequest
    from kafka.version import __version__ as KAFKA_PYTHON_VERSION
    from kafka.protocol import api_data as _kafka_api_data
    from kafka.protocol.api_message import ApiMessage
except ImportError:  # pragma: no cover - reported by kafka_client.check_kafka_python
    KAFKA_PROTOCOL_IMPORT_ERROR = traceback.format_exc()

# API keys of the requests below.
METADATA = 3
API_VERSIONS = 18
DESCRIBE_ACLS = 29
CREATE_ACLS = 30
DELETE_ACLS = 31
DESCRIBE_CONFIGS = 32
ELECT_LEADERS = 43
INCREMENTAL_ALTER_CONFIGS = 44
ALTER_PARTITION_REASSIGNMENTS = 45
LIST_PARTITION_REASSIGNMENTS = 46
DESCRIBE_USER_SCRAM_CREDENTIALS = 50
ALTER_USER_SCRAM_CREDENTIALS = 51
DESCRIBE_QUORUM = 55
UPDATE_FEATURES = 57
DESCRIBE_CLUSTER = 60
UNREGISTER_BROKER = 64
ADD_RAFT_VOTER = 80
REMOVE_RAFT_VOTER = 81
UNREGISTER_CONTROLLER = 94  # as Kafka 4.4 numbers it (its UnregisterControllerRequestData)

METADATA_TOPIC = '__cluster_metadata'
_DIRECTORY_ID = re.compile(r'^[A-Za-z0-9_-]{22}$')

# ACL codes (CreateAcls, DeleteAcls, DescribeAcls). ANY only ever appears in a filter.
RESOURCE_TYPES = dict(ANY=1, TOPIC=2, GROUP=3, CLUSTER=4, TRANSACTIONAL_ID=5, DELEGATION_TOKEN=6, USER=7)
ACL_OPERATIONS = dict(ANY=1, ALL=2, READ=3, WRITE=4, CREATE=5, DELETE=6, ALTER=7, DESCRIBE=8, CLUSTER_ACTION=9,
                      DESCRIBE_CONFIGS=10, ALTER_CONFIGS=11, IDEMPOTENT_WRITE=12, CREATE_TOKENS=13,
                      DESCRIBE_TOKENS=14)
ACL_PERMISSIONS = dict(ANY=1, DENY=2, ALLOW=3)
ACL_PATTERN_TYPES = dict(ANY=1, MATCH=2, LITERAL=3, PREFIXED=4)
# The USER resource type exists from version 3 of the ACL requests on (KIP-373).
_ACL_USER_MIN_VERSION = 3

# SCRAM mechanisms (DescribeUserScramCredentials, AlterUserScramCredentials) and the hash each uses.
SCRAM_MECHANISMS = {'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2}
_SCRAM_HASHES = {'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512'}

# Config codes (DescribeConfigs, IncrementalAlterConfigs).
CONFIG_RESOURCE_TOPIC = 2
CONFIG_RESOURCE_BROKER = 4  # with the name '' it is the cluster-wide default of every broker
CONFIG_SOURCE_DYNAMIC_TOPIC = 1  # a value set on one topic
CONFIG_SOURCE_DYNAMIC_BROKER = 2  # a value set on one broker
CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER = 3  # a value set for every broker of the cluster at once
CONFIG_OPERATION_SET = 0
CONFIG_OPERATION_DELETE = 1

# Leader elections (ElectLeaders): the partition's first replica, the preferred leader.
ELECTION_PREFERRED = 0
# ElectLeaders' answer for a partition whose preferred replica leads already: nothing to do.
ELECTION_NOT_NEEDED = 84

# Feature versions (ApiVersions, UpdateFeatures). ApiVersions carries the features in tagged fields
# from version 3; version 4 also lists the features whose lowest supported level is 0
# (kraft.version, group.version...), which version 3 leaves out (KAFKA-17011).
_API_VERSIONS_FEATURES_MIN_VERSION = 3
# UpdateFeatures carries the upgrade type and validate_only from version 1.
_UPDATE_FEATURES_MIN_VERSION = 1
# UNSAFE_DOWNGRADE (3, a lowering that may lose metadata) is left out on purpose: no module sends it.
FEATURE_UPGRADE_TYPES = dict(UPGRADE=1, SAFE_DOWNGRADE=2)


# Requests kafka-python 3.0.12 does not define, declared here in the JSON schema language of
# Kafka's clients/src/main/resources/common/message (the form kafka-python builds its own
# classes from): the dynamic quorum's voter changes (KIP-853), the removal of a broker's
# registration (KIP-631) and, from Kafka 4.4, of a controller's. Only the fields and versions the
# collection sends or reads.
def _field(name, kind, versions='0+', **extra):
    return dict(name=name, type=kind, versions=versions, **extra)


_ANSWER_FIELDS = [_field('ThrottleTimeMs', 'int32'), _field('ErrorCode', 'int16'),
                  _field('ErrorMessage', 'string', nullableVersions='0+', ignorable=True)]
_LISTENER_FIELDS = [_field('Name', 'string', mapKey=True), _field('Host', 'string'), _field('Port', 'uint16')]
_SCHEMAS = {
    'AddRaftVoterRequest': dict(apiKey=ADD_RAFT_VOTER, type='request', validVersions='0-1', fields=[
        _field('ClusterId', 'string', nullableVersions='0+'), _field('TimeoutMs', 'int32'),
        _field('VoterId', 'int32'), _field('VoterDirectoryId', 'uuid'),
        _field('Listeners', '[]Listener', fields=_LISTENER_FIELDS),
        # Version 1: answer once the new voter set is committed (the default), not only written.
        _field('AckWhenCommitted', 'bool', versions='1+', default='true')]),
    'AddRaftVoterResponse': dict(apiKey=ADD_RAFT_VOTER, type='response', validVersions='0-1', fields=_ANSWER_FIELDS),
    'RemoveRaftVoterRequest': dict(apiKey=REMOVE_RAFT_VOTER, type='request', validVersions='0', fields=[
        _field('ClusterId', 'string', nullableVersions='0+'), _field('VoterId', 'int32'),
        _field('VoterDirectoryId', 'uuid')]),
    'RemoveRaftVoterResponse': dict(apiKey=REMOVE_RAFT_VOTER, type='response', validVersions='0',
                                    fields=_ANSWER_FIELDS),
    'UnregisterControllerRequest': dict(apiKey=UNREGISTER_CONTROLLER, type='request', validVersions='0',
                                        fields=[_field('ControllerId', 'int32')]),
    'UnregisterControllerResponse': dict(apiKey=UNREGISTER_CONTROLLER, type='response', validVersions='0',
                                         fields=_ANSWER_FIELDS),
    'UnregisterBrokerRequest': dict(apiKey=UNREGISTER_BROKER, type='request', validVersions='0',
                                    fields=[_field('BrokerId', 'int32')]),
    'UnregisterBrokerResponse': dict(apiKey=UNREGISTER_BROKER, type='response', validVersions='0',
                                     fields=_ANSWER_FIELDS),
}


def _message_classes():
    """The classes of _SCHEMAS, built by kafka-python's own machinery: its metaclass reads a
    class's schema with api_data.load_json(name), which reads a packaged file; for these few
    classes it is pointed at _SCHEMAS while they are defined."""
    read_file = _kafka_api_data.load_json
    _kafka_api_data.load_json = lambda name, package=None: dict(_SCHEMAS[name], name=name, flexibleVersions='0+')
    try:
        return dict((name, type(name, (ApiMessage,), {})) for name in sorted(_SCHEMAS))
    finally:
        _kafka_api_data.load_json = read_file


_MESSAGES = _message_classes() if KAFKA_PROTOCOL_IMPORT_ERROR is None else {}


# Kafka's own names where kafka-python's differ, with what they mean here.
_ERROR_HINTS = {6: 'NOT_LEADER_OR_FOLLOWER: this node is not the quorum leader',
                136: 'CONTROLLER_ID_NOT_REGISTERED'}
# UnregisterController's answer for a controller ID that is not registered (Kafka 4.4).
CONTROLLER_ID_NOT_REGISTERED = 136


def quorum_request():
    """DescribeQuorum (API key 55) for partition 0 of the metadata log."""
    topic = DescribeQuorumRequest.TopicData
    return DescribeQuorumRequest(topics=[
        topic(topic_name=METADATA_TOPIC, partitions=[topic.PartitionData(partition_index=0)])])


# DescribeCluster's endpoint types (version 1+, KIP-919): a controller asked for controllers lists
# the controllers registered in the metadata.
ENDPOINT_TYPE_CONTROLLER = 2


def cluster_request():
    """DescribeCluster (API key 60), fenced brokers included."""
    return DescribeClusterRequest(include_cluster_authorized_operations=False, include_fenced_brokers=True)


def registered_controllers_request():
    """DescribeCluster (API key 60) of the registered controllers, sent to a controller."""
    return DescribeClusterRequest(include_cluster_authorized_operations=False, endpoint_type=ENDPOINT_TYPE_CONTROLLER,
                                  min_version=1)


def metadata_request():
    """Metadata (API key 3) of every topic, without creating any."""
    return MetadataRequest(topics=None, allow_auto_topic_creation=False)


def api_versions_request():
    """ApiVersions (API key 18) at a version that carries the supported and finalized features.

    It names the client as the connection's own ApiVersions did (KIP-511): a broker refuses a
    version 3+ request whose software name or version is empty."""
    return ApiVersionsRequest(client_software_name='kafka-python', client_software_version=KAFKA_PYTHON_VERSION,
                              min_version=_API_VERSIONS_FEATURES_MIN_VERSION)


def update_features_request(levels, validate_only, timeout_ms):
    """UpdateFeatures (API key 57): levels is {feature: (max_version_level, upgrade type name of
    FEATURE_UPGRADE_TYPES)}; with validate_only the controller only says whether it would accept.

    allow_downgrade is the version 0 form of the upgrade type, never sent (version 1 is the least)."""
    update = UpdateFeaturesRequest.FeatureUpdateKey
    return UpdateFeaturesRequest(
        timeout_ms=timeout_ms, validate_only=validate_only, min_version=_UPDATE_FEATURES_MIN_VERSION,
        feature_updates=[update(feature=name, max_version_level=level, upgrade_type=FEATURE_UPGRADE_TYPES[upgrade],
                                allow_downgrade=upgrade != 'UPGRADE')
                         for name, (level, upgrade) in sorted(levels.items())])


def uuid_of(kafka_id):
    """A directory ID as Kafka writes it (22 characters of base64url) -> uuid.UUID for the wire."""
    text = str(kafka_id)
    raw = base64.urlsafe_b64decode(text + '==') if _DIRECTORY_ID.match(text) else b''
    if len(raw) != 16 or base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=') != text:
        raise ValueError('%r is not a directory ID (22 characters of base64url)' % (kafka_id,))
    return uuid.UUID(bytes=raw)


def add_raft_voter_request(cluster_id, voter_id, directory_id, listener, host, port, timeout_ms):
    """AddRaftVoter (API key 80): make (voter_id, directory_id), an observer that has caught up,
    a voter, reachable on its controller listener (name, host, port). Only the quorum leader
    accepts it; Kafka answers once the new voter set is committed."""
    message = _MESSAGES['AddRaftVoterRequest']
    return message(cluster_id=cluster_id, timeout_ms=timeout_ms, voter_id=voter_id,
                   voter_directory_id=uuid_of(directory_id), ack_when_committed=True,
                   listeners=[message.Listener(name=listener, host=host, port=port)])


def remove_raft_voter_request(cluster_id, voter_id, directory_id):
    """RemoveRaftVoter (API key 81): take (voter_id, directory_id) out of the voter set."""
    return _MESSAGES['RemoveRaftVoterRequest'](cluster_id=cluster_id, voter_id=voter_id,
                                               voter_directory_id=uuid_of(directory_id))


def unregister_controller_request(controller_id):
    """UnregisterController (API key 94, Kafka 4.4+): drop a removed controller's registration."""
    return _MESSAGES['UnregisterControllerRequest'](controller_id=controller_id)


def describe_configs_request(resource_type, resource_name, names):
    """DescribeConfigs (API key 32) of the named configs of one resource."""
    resource = DescribeConfigsRequest.DescribeConfigsResource
    return DescribeConfigsRequest(
        resources=[resource(resource_type=resource_type, resource_name=resource_name, configuration_keys=list(names))],
        include_synonyms=False)


def incremental_alter_configs_request(resource_type, resource_name, values):
    """IncrementalAlterConfigs (API key 44): SET each {name: value} of one resource, others untouched."""
    return alter_configs_request([(resource_type, resource_name, values)])


def alter_configs_request(changes):
    """IncrementalAlterConfigs (API key 44) of several resources: changes is [(resource type,
    resource name, {config: value})]; a value of None DELETEs the config (back to its default),
    any other is SET. Configs not named are untouched."""
    resource = IncrementalAlterConfigsRequest.AlterConfigsResource
    return IncrementalAlterConfigsRequest(validate_only=False, resources=[resource(
        resource_type=resource_type, resource_name=resource_name, configs=[resource.AlterableConfig(
            name=name, value=value,
            config_operation=CONFIG_OPERATION_SET if value is not None else CONFIG_OPERATION_DELETE)
            for name, value in sorted(values.items())])
        for resource_type, resource_name, values in changes])


def describe_many_configs_request(resources, names):
    """DescribeConfigs (API key 32) of the named configs of several resources [(type, name)]."""
    resource = DescribeConfigsRequest.DescribeConfigsResource
    return DescribeConfigsRequest(include_synonyms=False, resources=[
        resource(resource_type=resource_type, resource_name=resource_name, configuration_keys=list(names))
        for resource_type, resource_name in resources])


def alter_reassignments_request(target, timeout_ms):
    """AlterPartitionReassignments (API key 45): target is {topic: {partition: [replicas, the
    first the preferred leader]}}. Kafka adds the new replicas, waits until they are in sync, then
    drops the old ones: the controller carries it on after the answer."""
    topic = AlterPartitionReassignmentsRequest.ReassignableTopic
    return AlterPartitionReassignmentsRequest(timeout_ms=timeout_ms, topics=[topic(name=name, partitions=[
        topic.ReassignablePartition(partition_index=partition, replicas=list(replicas))
        for partition, replicas in sorted(target[name].items())]) for name in sorted(target)])


def list_reassignments_request(timeout_ms):
    """ListPartitionReassignments (API key 46) of every partition being reassigned."""
    return ListPartitionReassignmentsRequest(timeout_ms=timeout_ms, topics=None)


def elect_leaders_request(partitions, timeout_ms):
    """ElectLeaders (API key 43, preferred replica) of partitions {topic: [partition]}."""
    topic = ElectLeadersRequest.TopicPartitions
    return ElectLeadersRequest(election_type=ELECTION_PREFERRED, timeout_ms=timeout_ms, min_version=1,
                               topic_partitions=[topic(topic=name, partitions=sorted(partitions[name]))
                                                 for name in sorted(partitions)])


def unregister_broker_request(broker_id):
    """UnregisterBroker (API key 64): drop the registration of a broker that was stopped for good."""
    return _MESSAGES['UnregisterBrokerRequest'](broker_id=broker_id)


def describe_acls_request():
    """DescribeAcls (API key 29) matching every binding of the cluster."""
    return DescribeAclsRequest(
        resource_type_filter=RESOURCE_TYPES['ANY'], resource_name_filter=None,
        pattern_type_filter=ACL_PATTERN_TYPES['ANY'], principal_filter=None, host_filter=None,
        operation=ACL_OPERATIONS['ANY'], permission_type=ACL_PERMISSIONS['ANY'])


def _acl_min_version(bindings):
    return _ACL_USER_MIN_VERSION if any(b['resource_type'] == 'USER' for b in bindings) else 0


def create_acls_request(bindings):
    """CreateAcls (API key 30) of bindings given as dicts of names (see kafka_admin.ACL_FIELDS)."""
    creation = CreateAclsRequest.AclCreation
    return CreateAclsRequest(min_version=_acl_min_version(bindings), creations=[creation(
        resource_type=RESOURCE_TYPES[b['resource_type']], resource_name=b['resource_name'],
        resource_pattern_type=ACL_PATTERN_TYPES[b['pattern_type']], principal=b['principal'], host=b['host'],
        operation=ACL_OPERATIONS[b['operation']], permission_type=ACL_PERMISSIONS[b['permission']])
        for b in bindings])


def delete_acls_request(bindings):
    """DeleteAcls (API key 31) with one filter per binding that matches that binding only."""
    acl_filter = DeleteAclsRequest.DeleteAclsFilter
    return DeleteAclsRequest(min_version=_acl_min_version(bindings), filters=[acl_filter(
        resource_type_filter=RESOURCE_TYPES[b['resource_type']], resource_name_filter=b['resource_name'],
        pattern_type_filter=ACL_PATTERN_TYPES[b['pattern_type']], principal_filter=b['principal'],
        host_filter=b['host'], operation=ACL_OPERATIONS[b['operation']],
        permission_type=ACL_PERMISSIONS[b['permission']])
        for b in bindings])


def describe_scram_request():
    """DescribeUserScramCredentials (API key 50) of every user that has a credential."""
    return DescribeUserScramCredentialsRequest(users=None)


def salted_password(mechanism, password, salt, iterations):
    """SCRAM SaltedPassword := Hi(password, salt, i) (RFC 5802), which the client computes and
    AlterUserScramCredentials carries: the broker never sees the password."""
    return hashlib.pbkdf2_hmac(_SCRAM_HASHES[mechanism], password.encode('utf-8'), salt, iterations)


def alter_scram_request(mechanism, upsertions, deletions, iterations, salt=None):
    """AlterUserScramCredentials (API key 51).

    upsertions: [(name, password)] to create or rewrite, each with a fresh random salt unless
    `salt` is given; deletions: [name] whose `mechanism` credential goes."""
    code = SCRAM_MECHANISMS[mechanism]
    upsert = AlterUserScramCredentialsRequest.ScramCredentialUpsertion
    delete = AlterUserScramCredentialsRequest.ScramCredentialDeletion
    rows = []
    for name, password in upsertions:
        user_salt = salt if salt is not None else os.urandom(24)
        rows.append(upsert(name=name, mechanism=code, iterations=iterations, salt=user_salt,
                           salted_password=salted_password(mechanism, password, user_salt, iterations)))
    return AlterUserScramCredentialsRequest(deletions=[delete(name=name, mechanism=code) for name in deletions],
                                            upsertions=rows)


def describe_error(code, message=None):
    """'error <code> (<NAME>)' with the broker's message, for results and failures."""
    name = _ERROR_HINTS.get(code) or for_code(code).message
    text = 'error %s (%s)' % (code, name)
    return '%s: %s' % (text, message) if message else text


def response_errors(response, transient=None):
    """Every non-zero error code of a response dict, at any depth (top level, per topic, per
    partition, per resource, per user...), each described by describe_error.

    transient=True keeps only the codes Kafka calls retriable (not the leader, not the controller,
    timed out: another node or a later attempt may answer), transient=False only the others."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            code = value.get('error_code')
            if code and (transient is None or for_code(code).retriable == transient):
                found.append(describe_error(code, value.get('error_message')))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(response)
    return found


def response_error(response):
    """The errors of a response as one string, or None when it holds none (a `refusal` for
    kafka_client.send_request)."""
    return '; '.join(response_errors(response)) or None


def transient_error(response):
    """The retriable errors of a response as one string, or None (a `refusal` for
    kafka_client.send_request: a change refused for good is not sent to the next address)."""
    return '; '.join(response_errors(response, transient=True)) or None
