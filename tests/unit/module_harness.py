"""Run a module's main() against a fake Kafka: Ansible's unit-test pattern (module arguments
patched in, exit_json/fail_json raising) around kafka_client.send, the one place a request goes
out, answered with kafka-python's own response objects sent through their wire format, so the
modules' parsing code reads what it reads from a broker."""
import json
from contextlib import contextmanager
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes
from kafka.protocol.admin import (
    AlterUserScramCredentialsResponse,
    CreateAclsResponse,
    DeleteAclsResponse,
    DescribeAclsResponse,
    DescribeClusterResponse,
    DescribeConfigsResponse,
    DescribeQuorumResponse,
    DescribeUserScramCredentialsResponse,
    IncrementalAlterConfigsResponse,
    UpdateFeaturesResponse,
)
from kafka.protocol.admin.topics import (
    AlterPartitionReassignmentsResponse,
    ElectLeadersResponse,
    ListPartitionReassignmentsResponse,
)
from kafka.protocol.metadata import ApiVersionsResponse, MetadataResponse

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import directory_id_to_kafka

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))):
            yield


class AnsibleExitJson(Exception):
    pass


class AnsibleFailJson(Exception):
    pass


def _exit_json(self, **result):
    result.setdefault('changed', False)
    raise AnsibleExitJson(result)


def _fail_json(self, msg, **result):
    result.update(failed=True, msg=msg)
    raise AnsibleFailJson(result)


def run_module(module, args, check_mode=False, diff=False):
    """main() of `module` with `args`; the result dict it exits (failed False) or fails (failed
    True) with. Anything else main() raises propagates: Ansible reports it as MODULE FAILURE."""
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args), mock.patch.multiple(basic.AnsibleModule, exit_json=_exit_json, fail_json=_fail_json):
        try:
            module.main()
        except AnsibleExitJson as exc:
            return dict(exc.args[0], failed=False)
        except AnsibleFailJson as exc:
            return exc.args[0]
    raise AssertionError('main() returned without exit_json or fail_json')


class FakeKafka(object):
    """Stands in for kafka_client.send(address, config, request). Each request class is answered
    from its own list of replies, in order, the last one repeating: a response object, an
    exception to raise, or a function of (address, request) returning either."""

    def __init__(self):
        self.replies = {}
        self.sent = []

    def answer(self, request_name, *replies):
        self.replies[request_name] = list(replies)

    def __call__(self, address, config, request):
        name = type(request).__name__
        self.sent.append((address, request))
        replies = self.replies[name]
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if callable(reply) and not isinstance(reply, type):
            reply = reply(address, request)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def requests(self, name=None):
        return [request for address, request in self.sent if name is None or type(request).__name__ == name]

    def addresses(self):
        return [address for address, request in self.sent]


class FakeClock(object):
    """time.monotonic and time.sleep of kafka_client's poll loop, without waiting."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def time(self):
        return 1700000000.0 + self.now


def wire(response, version=None):
    """The response as kafka-python decodes it from a broker's bytes at `version` (default: the
    newest it knows)."""
    version = type(response).max_version if version is None else version
    return type(response).decode(response.encode(version=version), version=version)


# --- Responses ------------------------------------------------------------------------------

def cluster_response(brokers=((4, False), (5, False), (6, False)), cluster_id='rWv8QX9zTW67DOWKpX0XiA',
                     controller_id=4, error_code=0, error_message=None):
    broker = DescribeClusterResponse.DescribeClusterBroker
    return wire(DescribeClusterResponse(
        throttle_time_ms=0, error_code=error_code, error_message=error_message, cluster_id=cluster_id,
        controller_id=controller_id,
        brokers=[broker(broker_id=b, host='broker-%s' % b, port=9092, rack=None, is_fenced=fenced)
                 for b, fenced in brokers]))


def quorum_response(leader=1, epoch=5, voters=((1, 200), (2, 200), (3, 195)), observers=((4, 200), (5, 200), (6, 200)),
                    error_code=0, partition_error=0, version=None):
    """A DescribeQuorum answer whose replicas all report one directory ID (SHARED_DIRECTORY_ID):
    voters and observers are (id, log end offset). See dynamic_quorum_response."""
    def with_directory(replicas):
        return [tuple(replica) + (SHARED_DIRECTORY_ID,) for replica in replicas]
    return dynamic_quorum_response(leader=leader, epoch=epoch, voters=with_directory(voters),
                                   observers=with_directory(observers), error_code=error_code,
                                   partition_error=partition_error, version=version)


def metadata_response(brokers=(4, 5, 6), partitions=(('orders', 0, 4, (4, 5, 6), (4, 5, 6)),)):
    """partitions: (topic, index, leader, replicas, isr)."""
    topic_class = MetadataResponse.MetadataResponseTopic
    topics = {}
    for topic, index, leader, replicas, isr in partitions:
        topics.setdefault(topic, []).append(topic_class.MetadataResponsePartition(
            error_code=0, partition_index=index, leader_id=leader, leader_epoch=0, replica_nodes=list(replicas),
            isr_nodes=list(isr), offline_replicas=[]))
    return wire(MetadataResponse(
        throttle_time_ms=0, cluster_id='rWv8QX9zTW67DOWKpX0XiA', controller_id=4, error_code=0,
        brokers=[MetadataResponse.MetadataResponseBroker(node_id=b, host='broker-%s' % b, port=9092, rack=None)
                 for b in brokers],
        topics=[topic_class(error_code=0, name=name, is_internal=False, partitions=parts)
                for name, parts in sorted(topics.items())]))


def acls_response(bindings=(), error_code=0, error_message=None):
    """bindings: tuples in kafka_admin.ACL_FIELDS order, with names."""
    resource = DescribeAclsResponse.DescribeAclsResource
    grouped = {}
    for principal, host, operation, permission, resource_type, name, pattern in bindings:
        grouped.setdefault((resource_type, name, pattern), []).append(resource.AclDescription(
            principal=principal, host=host, operation=kp.ACL_OPERATIONS[operation],
            permission_type=kp.ACL_PERMISSIONS[permission]))
    return wire(DescribeAclsResponse(
        throttle_time_ms=0, error_code=error_code, error_message=error_message,
        resources=[resource(resource_type=kp.RESOURCE_TYPES[rtype], resource_name=name,
                            pattern_type=kp.ACL_PATTERN_TYPES[pattern], acls=acls)
                   for (rtype, name, pattern), acls in sorted(grouped.items())]))


def create_acls_response(request, error_code=0):
    """The answer to a CreateAcls request: one result per binding."""
    result = CreateAclsResponse.AclCreationResult
    return wire(CreateAclsResponse(throttle_time_ms=0, results=[
        result(error_code=error_code, error_message='refused' if error_code else None) for creation in request.creations]))


def delete_acls_response(request):
    """The answer to a DeleteAcls request: each filter matched its one binding."""
    result = DeleteAclsResponse.DeleteAclsFilterResult
    return wire(DeleteAclsResponse(throttle_time_ms=0, filter_results=[result(
        error_code=0, error_message=None, matching_acls=[result.DeleteAclsMatchingAcl(
            error_code=0, error_message=None, resource_type=f.resource_type_filter,
            resource_name=f.resource_name_filter, pattern_type=f.pattern_type_filter, principal=f.principal_filter,
            host=f.host_filter, operation=f.operation, permission_type=f.permission_type)])
        for f in request.filters]))


def scram_response(users=None, error_code=0):
    """users: {name: [mechanism codes]}."""
    result = DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult
    return wire(DescribeUserScramCredentialsResponse(
        throttle_time_ms=0, error_code=error_code, error_message=None,
        results=[result(user=name, error_code=0, error_message=None,
                        credential_infos=[result.CredentialInfo(mechanism=m, iterations=8192) for m in mechanisms])
                 for name, mechanisms in sorted((users or {}).items())]))


def alter_scram_response(request, error_code=0):
    result = AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult
    names = [u.name for u in request.upsertions] + [d.name for d in request.deletions]
    return wire(AlterUserScramCredentialsResponse(throttle_time_ms=0, results=[
        result(user=name, error_code=error_code, error_message='refused' if error_code else None) for name in names]))


def configs_response(configs=None, error_code=0, error_message=None):
    """configs: {name: (value, config_source)}; source 3 is the cluster-wide dynamic default."""
    result = DescribeConfigsResponse.DescribeConfigsResult
    return wire(DescribeConfigsResponse(throttle_time_ms=0, results=[result(
        error_code=error_code, error_message=error_message, resource_type=kp.CONFIG_RESOURCE_BROKER, resource_name='',
        configs=[result.DescribeConfigsResourceResult(name=name, value=value, read_only=False, config_source=source,
                                                      is_sensitive=False, synonyms=[], config_type=0,
                                                      documentation=None)
                 for name, (value, source) in sorted((configs or {}).items())])]))


def alter_configs_response(error_code=0, error_message=None):
    response = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
    return wire(IncrementalAlterConfigsResponse(throttle_time_ms=0, responses=[response(
        error_code=error_code, error_message=error_message, resource_type=kp.CONFIG_RESOURCE_BROKER,
        resource_name='')]))


# Features of a Kafka 4.x node: {name: (supported_min, supported_max)}, and the finalized levels.
SUPPORTED_FEATURES = {'metadata.version': (7, 27), 'kraft.version': (0, 1), 'group.version': (0, 1),
                      'transaction.version': (0, 2)}
FINALIZED_FEATURES = {'metadata.version': 25, 'group.version': 1, 'transaction.version': 2}


def api_versions_response(supported=None, finalized=None, epoch=3120, error_code=0, version=None):
    """An ApiVersions answer (v4 by default) of a node supporting `supported` and knowing the
    cluster-wide `finalized` levels at `epoch` (-1: not known yet)."""
    supported = SUPPORTED_FEATURES if supported is None else supported
    finalized = FINALIZED_FEATURES if finalized is None else finalized
    response = ApiVersionsResponse
    return wire(response(
        error_code=error_code, throttle_time_ms=0,
        api_keys=[response.ApiVersion(api_key=kp.API_VERSIONS, min_version=0, max_version=4),
                  response.ApiVersion(api_key=kp.UPDATE_FEATURES, min_version=0, max_version=2)],
        supported_features=[response.SupportedFeatureKey(name=name, min_version=low, max_version=high)
                            for name, (low, high) in sorted(supported.items())],
        finalized_features_epoch=epoch,
        finalized_features=[response.FinalizedFeatureKey(name=name, max_version_level=level, min_version_level=1)
                            for name, level in sorted(finalized.items())]), version)


def update_features_response(request, error_code=0, error_message=None, feature_errors=None, version=None):
    """The answer to an UpdateFeatures request. Version 2 (the default, Kafka 4.x) answers once for
    the request; versions 0-1 also per feature, feature_errors being {name: (code, message)}."""
    version = UpdateFeaturesResponse.max_version if version is None else version
    result = UpdateFeaturesResponse.UpdatableFeatureResult
    feature_errors = feature_errors or {}
    return wire(UpdateFeaturesResponse(
        throttle_time_ms=0, error_code=error_code, error_message=error_message,
        results=[result(feature=update.feature, error_code=feature_errors.get(update.feature, (0, None))[0],
                        error_message=feature_errors.get(update.feature, (0, None))[1])
                 for update in request.feature_updates]), version)


CONNECTION = dict(bootstrap_servers=['broker-4:9092', 'broker-5:9092'])


# The directory ID every replica of quorum_response reports.
SHARED_DIRECTORY_ID = directory_id_to_kafka('f586501e-8ba5-24b1-f100-e32202b97caf')


# --- Dynamic quorum (KIP-853) -----------------------------------------------------------------

def dynamic_quorum_response(leader=1, epoch=5, voters=(), observers=(), high_watermark=200, error_code=0,
                            partition_error=0, version=None):
    """A DescribeQuorum answer of a dynamic quorum, where each replica has its own directory ID.
    voters and observers: (id, log end offset, directory ID as Kafka writes it, 22 characters of
    base64url); every voter advertises CONTROLLER://controller-<id>:9093."""
    partition = DescribeQuorumResponse.TopicData.PartitionData
    node = DescribeQuorumResponse.Node

    def replica(replica_id, end_offset, directory):
        return partition.ReplicaState(replica_id=replica_id, replica_directory_id=str(kp.uuid_of(directory)),
                                      log_end_offset=end_offset, last_fetch_timestamp=1699999999000,
                                      last_caught_up_timestamp=1699999999500)
    return wire(DescribeQuorumResponse(
        error_code=error_code, error_message=None, topics=[DescribeQuorumResponse.TopicData(
            topic_name=kp.METADATA_TOPIC, partitions=[partition(
                partition_index=0, error_code=partition_error, error_message=None, leader_id=leader,
                leader_epoch=epoch, high_watermark=high_watermark, current_voters=[replica(*v) for v in voters],
                observers=[replica(*o) for o in observers])])],
        nodes=[node(node_id=v[0], listeners=[node.Listener(name='CONTROLLER', host='controller-%s' % v[0], port=9093)])
               for v in voters]), version)


def _answer_of(name, error_code, error_message, version):
    return wire(kp._MESSAGES[name](throttle_time_ms=0, error_code=error_code, error_message=error_message), version)


def add_raft_voter_response(error_code=0, error_message=None, version=None):
    return _answer_of('AddRaftVoterResponse', error_code, error_message, version)


def remove_raft_voter_response(error_code=0, error_message=None, version=None):
    return _answer_of('RemoveRaftVoterResponse', error_code, error_message, version)


def unregister_controller_response(error_code=0, error_message=None, version=None):
    return _answer_of('UnregisterControllerResponse', error_code, error_message, version)


def unregister_broker_response(error_code=0, error_message=None, version=None):
    return _answer_of('UnregisterBrokerResponse', error_code, error_message, version)


# --- Moving data (kafka_partition_reassignment, kafka_preferred_leaders, kafka_broker_registration) ----------

def reassignment_response(request, errors=None, error_code=0, error_message=None):
    """The answer to an AlterPartitionReassignments request: errors {(topic, partition): code},
    every other partition accepted."""
    errors = errors or {}
    topic = AlterPartitionReassignmentsResponse.ReassignableTopicResponse
    return wire(AlterPartitionReassignmentsResponse(
        throttle_time_ms=0, allow_replication_factor_change=True, error_code=error_code, error_message=error_message,
        responses=[topic(name=t.name, partitions=[topic.ReassignablePartitionResponse(
            partition_index=p.partition_index, error_code=errors.get((t.name, p.partition_index), 0),
            error_message='refused' if (t.name, p.partition_index) in errors else None) for p in t.partitions])
            for t in request.topics]))


def list_reassignments_response(ongoing=None, error_code=0):
    """ongoing: {(topic, partition): (replicas, adding, removing)} being reassigned."""
    topic = ListPartitionReassignmentsResponse.OngoingTopicReassignment
    grouped = {}
    for (name, index), (replicas, adding, removing) in sorted((ongoing or {}).items()):
        grouped.setdefault(name, []).append(topic.OngoingPartitionReassignment(
            partition_index=index, replicas=list(replicas), adding_replicas=list(adding),
            removing_replicas=list(removing)))
    return wire(ListPartitionReassignmentsResponse(
        throttle_time_ms=0, error_code=error_code, error_message=None,
        topics=[topic(name=name, partitions=parts) for name, parts in sorted(grouped.items())]))


def elect_leaders_response(request, errors=None, error_code=0):
    """The answer to an ElectLeaders request: errors {(topic, partition): code}, every other
    partition elected."""
    errors = errors or {}
    result = ElectLeadersResponse.ReplicaElectionResult
    return wire(ElectLeadersResponse(throttle_time_ms=0, error_code=error_code, replica_election_results=[result(
        topic=t.topic, partition_result=[result.PartitionResult(
            partition_id=p, error_code=errors.get((t.topic, p), 0), error_message=None) for p in t.partitions])
        for t in request.topic_partitions]))


def many_configs_response(resources):
    """A DescribeConfigs answer of several resources: [(resource type, name, {config: (value, source)})]."""
    result = DescribeConfigsResponse.DescribeConfigsResult
    return wire(DescribeConfigsResponse(throttle_time_ms=0, results=[result(
        error_code=0, error_message=None, resource_type=resource_type, resource_name=name,
        configs=[result.DescribeConfigsResourceResult(name=config, value=value, read_only=False, config_source=source,
                                                      is_sensitive=False, synonyms=[], config_type=0,
                                                      documentation=None)
                 for config, (value, source) in sorted(configs.items())])
        for resource_type, name, configs in resources]))


def alter_many_configs_response(request, error_code=0, error_message=None):
    """The answer to an IncrementalAlterConfigs request of several resources, each with error_code."""
    response = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
    return wire(IncrementalAlterConfigsResponse(throttle_time_ms=0, responses=[response(
        error_code=error_code, error_message=error_message, resource_type=r.resource_type,
        resource_name=r.resource_name) for r in request.resources]))


class MovingCluster(object):
    """The partitions, brokers and dynamic configs of a fake cluster that answers every request of
    kafka_movement.py, and changes as Kafka would.

    assignment: {topic: {partition: [replicas, the first preferred]}}; each partition is led by
    its preferred replica and in sync unless `leaders` or `isr` ({topic: {partition: ...}}) say
    otherwise. brokers: {id: fenced}; Metadata lists the unfenced ones.

    A reassignment completes when submitted (the replicas all in sync, the leader kept if it stays
    a replica), or after `lag` ListPartitionReassignments that show it ongoing; the partitions in
    `stuck` never complete. refuse_reassignment: {(topic, partition): code} answered instead.
    ElectLeaders moves leadership to an in-sync preferred replica (ELECTION_NOT_NEEDED when it
    leads, PREFERRED_LEADER_NOT_AVAILABLE when it is out of sync). configs: {(resource type,
    name): {config: value}} of the dynamic configs set, topics (source 1) or cluster-wide (3)."""

    PREFERRED_LEADER_NOT_AVAILABLE = 80

    def __init__(self, assignment, brokers=None, leaders=None, isr=None, configs=None):
        self.assignment = dict((t, dict((p, list(r)) for p, r in parts.items())) for t, parts in assignment.items())
        if brokers is None:
            brokers = dict((b, False) for parts in assignment.values() for r in parts.values() for b in r)
        self.brokers = dict(brokers)
        self.leaders = dict((t, dict((p, r[0]) for p, r in parts.items())) for t, parts in self.assignment.items())
        for topic, parts in (leaders or {}).items():
            self.leaders[topic].update(parts)
        self.isr = dict((t, dict((p, list(r)) for p, r in parts.items())) for t, parts in self.assignment.items())
        for topic, parts in (isr or {}).items():
            self.isr[topic].update(dict((p, list(r)) for p, r in parts.items()))
        self.configs = dict((key, dict(values)) for key, values in (configs or {}).items())
        self.ongoing = {}
        self.lag = 0
        self.stuck = set()
        self.refuse_reassignment = {}
        self.election_errors = {}

    def answer(self, kafka):
        for name, reply in (('DescribeClusterRequest', self.describe_cluster), ('MetadataRequest', self.metadata),
                            ('ListPartitionReassignmentsRequest', self.list_reassignments),
                            ('AlterPartitionReassignmentsRequest', self.reassign),
                            ('DescribeConfigsRequest', self.describe_configs),
                            ('IncrementalAlterConfigsRequest', self.alter_configs),
                            ('ElectLeadersRequest', self.elect), ('UnregisterBrokerRequest', self.unregister)):
            kafka.answer(name, reply)
        return self

    def describe_cluster(self, address, request):
        return cluster_response(brokers=sorted(self.brokers.items()), controller_id=1)

    def metadata(self, address, request):
        return metadata_response(
            brokers=sorted(b for b, fenced in self.brokers.items() if not fenced),
            partitions=[(t, p, self.leaders[t][p], replicas, self.isr[t][p])
                        for t, parts in sorted(self.assignment.items()) for p, replicas in sorted(parts.items())])

    def _complete(self, topic, partition, target):
        self.assignment[topic][partition] = list(target)
        self.isr[topic][partition] = list(target)
        if self.leaders[topic][partition] not in target:
            self.leaders[topic][partition] = target[0]

    def reassign(self, address, request):
        for topic in request.topics:
            for part in topic.partitions:
                key = (topic.name, part.partition_index)
                if key in self.refuse_reassignment:
                    continue
                if self.lag or key in self.stuck:
                    self.ongoing[key] = [list(part.replicas), self.lag]
                else:
                    self._complete(topic.name, part.partition_index, part.replicas)
        return reassignment_response(request, self.refuse_reassignment)

    def list_reassignments(self, address, request):
        shown = {}
        for key, entry in sorted(self.ongoing.items()):
            target, left = entry
            if left <= 0 and key not in self.stuck:
                self._complete(key[0], key[1], target)
                del self.ongoing[key]
                continue
            entry[1] -= 1
            before = self.assignment[key[0]][key[1]]
            shown[key] = (before + [b for b in target if b not in before], [b for b in target if b not in before],
                          [b for b in before if b not in target])
        return list_reassignments_response(shown)

    def describe_configs(self, address, request):
        resources = []
        for resource in request.resources:
            set_now = self.configs.get((resource.resource_type, resource.resource_name), {})
            source = 1 if resource.resource_type == 2 else 3
            resources.append((resource.resource_type, resource.resource_name, dict(
                (name, (value, source)) for name, value in set_now.items() if name in resource.configuration_keys)))
        return many_configs_response(resources)

    def alter_configs(self, address, request):
        for resource in request.resources:
            values = self.configs.setdefault((resource.resource_type, resource.resource_name), {})
            for config in resource.configs:
                if config.config_operation == 0:
                    values[config.name] = config.value
                else:
                    values.pop(config.name, None)
            if not values:
                del self.configs[(resource.resource_type, resource.resource_name)]
        return alter_many_configs_response(request)

    def elect(self, address, request):
        errors = dict(self.election_errors)
        for topic in request.topic_partitions:
            for partition in topic.partitions:
                key = (topic.topic, partition)
                preferred = self.assignment[topic.topic][partition][0]
                if key in errors:
                    continue
                if self.leaders[topic.topic][partition] == preferred:
                    errors[key] = 84  # ELECTION_NOT_NEEDED
                elif preferred in self.isr[topic.topic][partition]:
                    self.leaders[topic.topic][partition] = preferred
                else:
                    errors[key] = self.PREFERRED_LEADER_NOT_AVAILABLE
        return elect_leaders_response(request, errors)

    def unregister(self, address, request):
        if request.broker_id not in self.brokers:
            return unregister_broker_response(error_code=102)
        del self.brokers[request.broker_id]
        return unregister_broker_response()


def instant_wait_for(monkeypatch):
    """kafka_movement.wait_for on a FakeClock, returned: its clock and sleep are bound when the
    function is defined, so patching the time module would not reach them."""
    from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_movement
    fake = FakeClock()
    monkeypatch.setattr(kafka_movement.wait_for, '__defaults__', (1.0, fake.monotonic, fake.sleep))
    return fake
