# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster-wide decisions taken once per run, before any host changes: inventory and listener
rules, the cluster ID, meta.properties parsing. Pure functions, unit-tested; exposed to playbooks
as filters (plugins/filter/kraft.py), used by no module, so they run only on the Ansible
controller (plugin_utils, not module_utils)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import os
import re

_BASE64URL = re.compile(r'^[A-Za-z0-9_-]{22}$')


def cluster_id_problem(value):
    """None when `value` is a valid KRaft cluster ID, else why not."""
    if not isinstance(value, str) or not _BASE64URL.match(value):
        return 'must be 22 characters of base64url (A-Z a-z 0-9 - _), as printed by kafka-storage.sh random-uuid'
    if value.startswith('-'):
        return 'must not start with "-" (kafka-storage would read it as an option)'
    try:
        raw = base64.urlsafe_b64decode(value + '==')
    except (binascii.Error, ValueError):
        return 'is not valid base64url'
    if len(raw) != 16 or base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=') != value:
        return 'does not encode exactly 16 bytes'
    return None


def new_cluster_id(random_bytes=None):
    """A fresh cluster ID: 16 random bytes, base64url, never starting with '-'."""
    while True:
        raw = random_bytes if random_bytes is not None else os.urandom(16)
        value = base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')
        if not value.startswith('-'):
            return value
        if random_bytes is not None:
            raise ValueError('the given bytes encode to an ID starting with "-"')


def parse_properties(text):
    """Java .properties subset that meta.properties uses: key=value lines, # comments."""
    result = {}
    for line in (text or '').splitlines():
        line = line.strip()
        if not line or line[0] in '#!':
            continue
        key, sep, value = line.partition('=')
        if sep:
            result[key.strip()] = value.strip()
    return result


# Variables renamed since 0.1.0: a value left under the old name would be silently ignored.
RENAMED = {
    'kafka_broker_default_replication_factor': 'kafka_default_replication_factor',
    'kafka_broker_min_insync_replicas': 'kafka_min_insync_replicas',
    'kafka_broker_num_partitions': 'kafka_num_partitions',
}

DURABILITY_DEFAULTS = dict(kafka_num_partitions=3, kafka_default_replication_factor=3, kafka_min_insync_replicas=2)


def durability_problems(hosts, brokers, hostvars, defaults=None, allow_small=False):
    """The topic defaults must be integers, the same on every node (controllers create topics
    with theirs), with 1 <= min.insync.replicas < replication factor <= number of brokers
    (min.insync.replicas equal to the replication factor only for throwaway clusters)."""
    defaults = dict(DURABILITY_DEFAULTS, **(defaults or {}))
    problems = []
    for host in hosts:
        for old, new in sorted(RENAMED.items()):
            if old in hostvars.get(host, {}):
                problems.append('host %s: %s was renamed %s (cluster-wide, read by controllers and brokers); '
                                'rename it in the inventory' % (host, old, new))
    values = {}
    for name in sorted(defaults):
        seen = {}
        for host in hosts:
            value = hostvars.get(host, {}).get(name, defaults[name])
            try:
                seen.setdefault(int(value), host)
            except (TypeError, ValueError):
                problems.append('host %s: %s %r is not an integer' % (host, name, value))
        if len(seen) > 1:
            problems.append('%s must be the same on every node (set it in group_vars/all), found %s'
                            % (name, ', '.join('%s on %s' % (v, h) for v, h in sorted(seen.items()))))
        elif seen:
            values[name] = list(seen)[0]
    if len(values) < len(defaults):
        return problems
    rf, min_isr, partitions = (values['kafka_default_replication_factor'], values['kafka_min_insync_replicas'],
                               values['kafka_num_partitions'])
    if partitions < 1:
        problems.append('kafka_num_partitions is %d; a topic needs 1 or more' % partitions)
    if min_isr < 1 or min_isr > rf or (min_isr == rf and not allow_small):
        problems.append('kafka_min_insync_replicas is %d with kafka_default_replication_factor %d; it must be 1 or '
                        'more and below the replication factor, or one broker down stops every acks=all write '
                        '(equal only with kafka_allow_small_quorum, for throwaway tests)' % (min_isr, rf))
    if brokers and rf > len(brokers):
        problems.append('kafka_default_replication_factor is %d but kafka_brokers has %d host(s); no topic could be '
                        'created' % (rf, len(brokers)))
    return problems


def inventory_problems(controllers, brokers, hostvars, allow_small_quorum=False, reformat_hosts=(), durability=None):
    """Every cross-host rule the inventory breaks, one sentence each naming host and value.

    controllers, brokers: host names of the two groups; hostvars: host -> its variables;
    reformat_hosts: the kafka_reformat_hosts opt-in (at most one known host per run);
    durability: the role defaults of the durability variables (see durability_problems).
    """
    problems = []
    reformat_hosts = list(reformat_hosts or [])
    for host in reformat_hosts:
        if host not in controllers and host not in brokers:
            problems.append('kafka_reformat_hosts names %r, which is in neither kraft_controllers nor kafka_brokers; '
                            'give the inventory name of the one node to reformat' % (host,))
    if len(reformat_hosts) > 1:
        problems.append('kafka_reformat_hosts names %d hosts %s; reformat one node per run, and let it catch up '
                        'before the next' % (len(reformat_hosts), reformat_hosts))
    if len(controllers) < 3 and not allow_small_quorum:
        problems.append('group kraft_controllers has %d host(s) %s; a quorum that survives the loss of a node '
                        'needs 3 or more (set kafka_allow_small_quorum: true only for throwaway tests)'
                        % (len(controllers), list(controllers)))
    if len(controllers) % 2 == 0 and controllers and not allow_small_quorum:
        problems.append('group kraft_controllers has an even number of hosts (%d): an even quorum tolerates no more '
                        'failures than the odd one below it; use 3 or 5' % len(controllers))
    if not brokers:
        problems.append('group kafka_brokers is empty')
    for host in sorted(set(controllers) & set(brokers)):
        problems.append('host %s is in both kraft_controllers and kafka_brokers; a node runs one process role' % host)
    seen = {}
    for host in list(controllers) + list(brokers):
        node_id = hostvars.get(host, {}).get('kafka_node_id')
        if node_id is None or node_id == '':
            problems.append('host %s: kafka_node_id is not set; give every node a unique integer ID' % host)
            continue
        try:
            node_id = int(node_id)
        except (TypeError, ValueError):
            problems.append('host %s: kafka_node_id %r is not an integer' % (host, node_id))
            continue
        if node_id < 0:
            problems.append('host %s: kafka_node_id %d is negative' % (host, node_id))
        if node_id in seen and seen[node_id] != host:
            problems.append('kafka_node_id %d is used by both %s and %s' % (node_id, seen[node_id], host))
        seen.setdefault(node_id, host)
    # Listener ports: listener_problems(), on the ports each node's role resolved (defaults
    # included), which hostvars alone do not hold.
    problems.extend(durability_problems(list(controllers) + list(brokers), brokers, hostvars, durability,
                                        allow_small=allow_small_quorum))
    problems.extend(security_problems(list(controllers) + list(brokers), hostvars))
    given = None
    for host in list(controllers) + list(brokers):
        value = hostvars.get(host, {}).get('kafka_cluster_id')
        if value:
            problem = cluster_id_problem(value)
            if problem:
                problems.append('host %s: kafka_cluster_id %r %s' % (host, value, problem))
            elif given is not None and value != given[1]:
                problems.append('kafka_cluster_id differs between hosts: %s has %s, %s has %s'
                                % (given[0], given[1], host, value))
            given = given or (host, value)
    return problems


_SCRAM_PASSWORD = re.compile(r'^[A-Za-z0-9_.~!@#%^&*+/-]{12,}$')


def _truthy(value):
    return value is True or str(value).lower() in ('true', 'yes', 'on', '1')


# The role defaults (roles/kafka/defaults/main.yml) of the metrics endpoint's variables, for
# hosts that do not set them: hostvars hold no role defaults. None: kafka_security_enabled's value.
METRICS_DEFAULTS = {'kafka_metrics_enabled': True, 'kafka_metrics_tls': None, 'kafka_metrics_password': '',
                    'kafka_metrics_bind_address': ''}


def security_problems(hosts, hostvars, exists=os.path.isfile):
    """Secure-mode settings every node needs, checked on the Ansible controller before any host
    is touched: the same switch everywhere, the PEM files present, passwords usable, and a
    metrics endpoint that is either served over TLS with basic authentication or bound to an
    address the user chose."""
    enabled = dict((host, _truthy(hostvars.get(host, {}).get('kafka_security_enabled', False))) for host in hosts)

    def setting(host, name):
        value = hostvars.get(host, {}).get(name, METRICS_DEFAULTS[name])
        return enabled[host] if name == 'kafka_metrics_tls' and value is None else value

    exporting = [host for host in hosts if _truthy(setting(host, 'kafka_metrics_enabled'))]
    problems = ['host %s: kafka_metrics_tls serves the metrics endpoint with the node\'s TLS certificate, which only '
                'secure mode installs; set kafka_security_enabled: true, or kafka_metrics_tls: false' % host
                for host in exporting if _truthy(setting(host, 'kafka_metrics_tls')) and not enabled[host]]
    if not any(enabled.values()):
        return problems
    if not all(enabled.values()):
        return ['kafka_security_enabled must be the same on every node: true on %s, false on %s; set it in group_vars/all'
                % (sorted(h for h in hosts if enabled[h]), sorted(h for h in hosts if not enabled[h]))]
    for host in exporting:
        if not setting(host, 'kafka_metrics_bind_address') and not (
                _truthy(setting(host, 'kafka_metrics_tls')) and setting(host, 'kafka_metrics_password')):
            problems.append('host %s: in secure mode the metrics endpoint is served over TLS with basic authentication '
                            '(kafka_metrics_tls: true and kafka_metrics_password, kept in a vault) or bound to an address '
                            'you choose (kafka_metrics_bind_address, e.g. on a management network); or set '
                            'kafka_metrics_enabled: false' % host)
    for host in hosts:
        hv = hostvars.get(host, {})
        for name in ('kafka_tls_ca_file', 'kafka_tls_cert_file', 'kafka_tls_key_file',
                     'kafka_admin_tls_cert_file', 'kafka_admin_tls_key_file'):
            path = hv.get(name)
            if not path:
                problems.append('host %s: %s is not set (secure mode needs it; a PEM file on the Ansible controller)'
                                % (host, name))
            elif not exists(path):
                problems.append('host %s: %s %s does not exist on the Ansible controller' % (host, name, path))
        for name in ('kafka_admin_password', 'kafka_inter_broker_password'):
            value = hv.get(name)
            if not value:
                problems.append('host %s: %s is not set (secure mode creates that SCRAM user at format time)'
                                % (host, name))
            elif not _SCRAM_PASSWORD.match(str(value)):
                # Never echo the value: it is a secret.
                problems.append('host %s: %s must be 12 or more characters of A-Z a-z 0-9 _ . ~ ! @ # %% ^ & * + / - '
                                '(kafka-storage --add-scram syntax)' % (host, name))
    return problems


def decide_cluster_id(given, discovered, expected_node_ids):
    """The one cluster ID for every node: given > what the formatted nodes agree on > None (new).

    discovered: host -> {'cluster.id': ..., 'node.id': ..., 'path': ...} for each formatted
    log/metadata directory found (a list per host), hosts with nothing formatted left out.
    expected_node_ids: host -> node ID from the inventory.
    Returns (cluster_id or None, source, problems). Problems mean: stop, change nothing.
    """
    problems = []
    by_id = {}
    for host in sorted(discovered):
        for meta in discovered[host]:
            cid = meta.get('cluster.id')
            where = '%s:%s' % (host, meta.get('path', '?'))
            if cid:
                by_id.setdefault(cid, []).append(where)
            node_id = meta.get('node.id')
            expected = expected_node_ids.get(host)
            if node_id is not None and expected is not None and str(node_id) != str(expected):
                problems.append('%s has node.id %s in meta.properties but the inventory gives kafka_node_id %s; '
                                'the data belongs to another node: fix the inventory (never reformat to make it fit)'
                                % (where, node_id, expected))
    if len(by_id) > 1:
        problems.append('formatted nodes disagree on the cluster ID: %s' % '; '.join(
            '%s on %s' % (cid, ', '.join(places)) for cid, places in sorted(by_id.items())))
    if given and by_id and given not in by_id:
        problems.append('kafka_cluster_id is %s but the formatted nodes have %s' % (given, '; '.join(
            '%s on %s' % (cid, ', '.join(places)) for cid, places in sorted(by_id.items()))))
    if problems:
        return None, 'conflict', problems
    if given:
        return given, 'variable', []
    if by_id:
        return next(iter(by_id)), 'formatted nodes', []
    return None, 'new', []


def unformatted_voter_problems(unformatted, formatted_hosts, reformat_hosts=()):
    """Controllers of a static quorum (controller.quorum.voters) whose metadata directory is not
    formatted while the cluster is: a replaced or emptied disk. Formatting it again would make a
    voter that forgot what it acknowledged, which can help elect a leader missing committed
    metadata; so it is refused unless kafka_reformat_hosts names the host.

    unformatted: controller host -> its unformatted directories (empty list when formatted).
    formatted_hosts: the hosts (controllers and brokers) with at least one formatted directory.
    """
    formatted = sorted(formatted_hosts)
    if not formatted:
        return []
    problems = []
    for host in sorted(unformatted):
        if unformatted[host] and host not in reformat_hosts:
            problems.append(
                '%s: controller directory %s is not formatted, but the cluster is (formatted on %s). With a static '
                'quorum (controller.quorum.voters) formatting it again would make a voter that forgot what it '
                'acknowledged, which can elect a leader missing committed metadata. Nothing was changed. Two ways '
                'out: restore the disk and migrate the quorum to dynamic (kafka_quorum_mode: dynamic; then '
                'site.yml replaces a lost disk safely, see README "Controller lifecycle"); or, with the other '
                'controllers running and caught up, accept the risk for this one host explicitly: '
                '-e \'{"kafka_reformat_hosts": ["%s"]}\' (also the way out of a first deployment interrupted between '
                'formatting two controllers).'
                % (host, ', '.join(unformatted[host]), ', '.join(formatted), host))
    return problems


def stale_dirs(discovered, cluster_id, node_id):
    """Paths of this node's formatted directories whose meta.properties disagree with the cluster:
    another cluster.id than the one decided, or another node.id than the inventory gives.
    Only these may be wiped by the kafka_reformat_hosts opt-in, so a host left in that list
    is not wiped again once it agrees."""
    return [meta.get('path') for meta in discovered or []
            if meta.get('cluster.id') != cluster_id
            or (meta.get('node.id') is not None and str(meta.get('node.id')) != str(node_id))]


def _port(value):
    # Ports come from templated facts: an int, or its string on ansible-core before 2.19.
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _port_order(port):
    return (0, port, '') if isinstance(port, int) else (1, 0, str(port))


def listener_problems(nodes):
    """Every listener port conflict of the nodes, one sentence each naming host, variables and
    values, and what to change.

    nodes: {inventory_hostname: {'id', 'role': 'controller'|'broker', 'host', 'port',
    'ports': {listener port variable: port}}}, each node as its own role resolved it (defaults
    included). Two listeners of one node cannot share a port; brokers reach the quorum on
    kafka_controller_port, so every node must give it the value the controllers listen on.
    """
    problems = []
    for host in sorted(nodes):
        by_port = {}
        for name, port in sorted((nodes[host].get('ports') or {}).items()):
            by_port.setdefault(_port(port), []).append(name)
        for port, names in sorted(by_port.items(), key=lambda item: _port_order(item[0])):
            if len(names) > 1:
                problems.append('host %s: %s share port %s; every listener of a node needs its own port, '
                                'give each of them a different value' % (host, ' and '.join(names), port))

    def controller_port(host):
        return _port((nodes[host].get('ports') or {}).get('kafka_controller_port'))

    controllers = sorted(h for h in nodes if nodes[h].get('role') == 'controller'
                         and controller_port(h) is not None)
    seen = {}
    for host in controllers:
        seen.setdefault(controller_port(host), []).append(host)
    if len(seen) > 1:
        problems.append('kafka_controller_port differs between the controllers: %s; the quorum listens on one '
                        'port, set kafka_controller_port once for every node (group_vars/all)'
                        % '; '.join('%s on %s' % (port, ', '.join(hosts))
                                    for port, hosts in sorted(seen.items(), key=lambda item: _port_order(item[0]))))
    if not seen:
        return problems
    listened = ' or '.join(str(port) for port in sorted(seen, key=_port_order))
    for host in sorted(nodes):
        port = controller_port(host)
        if nodes[host].get('role') == 'broker' and port is not None and port not in seen:
            problems.append('host %s: kafka_controller_port is %s but the controllers listen on %s; a broker '
                            'reaches the quorum on that port, set kafka_controller_port to the same value for '
                            'brokers and controllers (group_vars/all)' % (host, port, listened))
    return problems


def directory_id(cluster_id, node_id):
    """The metadata directory ID a controller of a new dynamic quorum is formatted with: derived
    from the cluster ID and the node ID (base64url of 16 bytes, never starting with '-', as Kafka's
    own), so every host computes the same --initial-controllers flag, and a first deployment
    interrupted between two controllers formats the rest with the very flag the first ones had."""
    counter = 0
    while True:
        seed = 'kafkaops.kraft directory.id %s %s %d' % (cluster_id, int(node_id), counter)
        raw = hashlib.sha256(seed.encode('utf-8')).digest()[:16]
        value = base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')
        # Kafka reserves the IDs whose first 8 bytes are zero (UNASSIGNED, LOST, MIGRATING...).
        if not value.startswith('-') and raw[:8] != bytes(8):
            return value
        counter += 1


QUORUM_MODES = ('dynamic', 'static')


def _voter_entry(node, directory):
    return '%s@%s:%s:%s' % (int(node['id']), node['host'], node['port'], directory)


def decide_quorum(mode, cluster_id, controllers, formatted_hosts, reformat_hosts=(), voters=None):
    """How each controller's storage is formatted and which controllers must join the quorum.

    mode: kafka_quorum_mode; cluster_id: the decided cluster ID; controllers: host -> {node (the
    __kafka_node fact), directory_id (of its formatted metadata directory, or None), unformatted
    (its directories without meta.properties), wiped (the kafka_reformat_hosts opt-in empties
    it in this run), running (what its controller.properties on
    disk uses: 'static', 'dynamic' or None when there is none yet)}; formatted_hosts: the hosts
    (controllers and brokers) with a formatted directory; reformat_hosts: the destructive opt-in;
    voters: the running quorum's voters ({replica_id, directory_id}, as kraft_quorum_info returns
    them), None when it did not answer.

    Returns {mode, format_args: host -> kafka-storage quorum arguments, join: [hosts], migrate,
    initial_controllers, directories: host -> the directory ID its disk keeps (None when it is
    formatted by this run), problems}. join: controllers whose empty metadata directory is formatted
    with --no-initial-controllers and which become voters only once caught up (a lost disk, or a
    controller added to the inventory), and formatted controllers the running quorum does not
    count as voters (a join interrupted, a controller removed but left in the inventory). migrate: a running static quorum to turn dynamic.
    """
    problems = []
    # A controller the kafka_reformat_hosts opt-in wipes (its disk claims another cluster or node)
    # is formatted again like an empty one, and does not make the cluster a formatted one.
    wiped = [host for host, c in controllers.items() if c.get('wiped')]
    formatted = sorted(host for host in formatted_hosts if host not in wiped)
    controllers = dict((host, dict(c, unformatted=c.get('unformatted') or (['(wiped)'] if c.get('wiped') else []),
                                   directory_id=None if c.get('wiped') else c.get('directory_id')))
                       for host, c in controllers.items())
    by_id = sorted(controllers, key=lambda host: int(controllers[host]['node']['id']))
    running = dict((host, c.get('running')) for host, c in controllers.items()
                   if c.get('running') and not c.get('unformatted'))
    static_hosts = sorted(host for host, how in running.items() if how == 'static')
    dynamic_hosts = sorted(host for host, how in running.items() if how == 'dynamic')
    lost = [host for host in by_id if controllers[host].get('unformatted') and formatted]
    result = dict(mode=mode, format_args=dict((host, []) for host in by_id), join=[], migrate=False,
                  initial_controllers='', problems=problems,
                  directories=dict((host, controllers[host]['directory_id']) for host in by_id))
    if mode not in QUORUM_MODES:
        problems.append('kafka_quorum_mode is %r; use dynamic (the default) or static' % (mode,))
        return result
    if mode == 'static':
        if dynamic_hosts:
            problems.append('kafka_quorum_mode is static but the quorum is dynamic (%s run with '
                            'controller.quorum.bootstrap.servers); a dynamic quorum never goes back to static: '
                            'set kafka_quorum_mode: dynamic' % ', '.join(dynamic_hosts))
        problems.extend(unformatted_voter_problems(
            dict((host, controllers[host]['unformatted']) for host in lost),
            formatted, reformat_hosts))
        return result
    # Voters without a directory ID: kraft.version 0, a static voter set, whatever the files say
    # (a migration interrupted after the files were written, before kraft.version was raised).
    if voters is not None and any(not v.get('directory_id') for v in voters):
        static_hosts = static_hosts or sorted(running)
    if static_hosts:
        result['migrate'] = True
        if lost:
            problems.append('%s: the metadata directory is not formatted, and the quorum is still static (%s run '
                            'with controller.quorum.voters). Nothing was changed. The migration to a dynamic quorum '
                            'needs every controller of the static voter set formatted: restore the disk (or take a new '
                            'controller out of the inventory until the migration is done), or deal with it in static '
                            'mode first '
                            '(kafka_quorum_mode: static for that run, see README "Controller lifecycle"), then '
                            'migrate.' % (', '.join(lost), ', '.join(static_hosts)))
        return result
    # Controllers join through the quorum's leader. When the quorum answered, it has one; when it
    # did not, the controllers formatted (or formatted now as initial voters, under the opt-in)
    # must be a majority to elect one.
    keeping = [host for host in by_id if not controllers[host].get('unformatted') or host in reformat_hosts]
    joining = [host for host in lost if host not in reformat_hosts]
    if joining and voters is None and len(keeping) <= len(by_id) // 2:
        problems.append('%s: the metadata directory is not formatted, and only %d of the %d controllers are (%s): '
                        'a dynamic quorum needs a majority of its voters to let a controller join. Nothing was '
                        'changed. After a first deployment interrupted between controllers, format each as one of '
                        'the initial voters: -e \'{"kafka_reformat_hosts": ["%s"]}\' (one host per run). If the '
                        'disks were lost, the quorum lost its majority: restore them.'
                        % (', '.join(joining), len(keeping), len(by_id), ', '.join(keeping) or 'none',
                           joining[0]))
        return result
    directories = dict((host, controllers[host].get('directory_id')
                        or directory_id(cluster_id, controllers[host]['node']['id'])) for host in by_id)
    result['initial_controllers'] = ','.join(_voter_entry(controllers[host]['node'], directories[host])
                                             for host in by_id)
    for host in by_id:
        if not controllers[host].get('unformatted'):
            directory = controllers[host].get('directory_id')
            node_id = int(controllers[host]['node']['id'])
            if voters is not None and directory and not any(
                    int(v['replica_id']) == node_id and v.get('directory_id') == directory for v in voters):
                result['join'].append(host)
            continue
        if formatted and host not in reformat_hosts:
            result['join'].append(host)
            result['format_args'][host] = ['--no-initial-controllers']
        else:
            result['format_args'][host] = ['--initial-controllers', result['initial_controllers']]
    return result


_RELEASE_DIR = re.compile(r'^kafka_[0-9][0-9.]*-([0-9][0-9A-Za-z.-]*)$')
_MAPPED_LEVEL = re.compile(r'^metadata\.version=([0-9]+)\s*\(([^)]+)\)')


def release_of(path):
    """The Kafka version of a release directory (/opt/kafka/kafka_2.13-4.4.0 -> 4.4.0), '' when
    the path is not one."""
    name = os.path.basename(str(path or '').rstrip('/'))
    match = _RELEASE_DIR.match(name)
    return match.group(1) if match and not name.endswith('.tgz') else ''


def version_key(version):
    """A release version as comparable numbers: 4.10.0 sorts after 4.9.1."""
    return tuple(int(part) for part in re.findall(r'[0-9]+', str(version)))


def mapped_levels(text):
    """`kafka-features.sh version-mapping --release-version R` output, one release or several ->
    {R: its metadata.version level}."""
    levels = {}
    for line in (text or '').splitlines():
        match = _MAPPED_LEVEL.match(line.strip())
        if match:
            levels[match.group(2)] = int(match.group(1))
    return levels


def releases_between(older, newer):
    """The major.minor releases after `older` up to `newer` (4.3.1, 4.4.0 -> ['4.4']), the ones
    whose metadata.version may be above what `older` supports. Kafka's minor releases run to .9 at
    most before a new major (3.9 -> 4.0)."""
    low, high = version_key(older)[:2], version_key(newer)[:2]
    found = []
    for major in range(low[0], high[0] + 1):
        for minor in range(0, 10):
            if low < (major, minor) <= high:
                found.append('%d.%d' % (major, minor))
    return found


def release_problems(target, installed, mapping=None, finalized=None):
    """Whether a move to kafka_version `target` may start, before any host is touched.

    installed: host -> the release its `current` link points to ('' when none yet); mapping:
    {release: metadata.version level} read with the running release's own
    `kafka-features.sh version-mapping` (for `target` and the releases between it and the running
    one), only needed for a move to an older release; finalized: the cluster's finalized
    metadata.version (None when it could not be read).

    Returns dict(problems, downgrade, running): running, the one release other than `target` the
    nodes run; downgrade, whether `target` is older. Every node must run one release (or
    `target`, a change in progress); an older `target` must support the finalized
    metadata.version, which a release change never lowers.
    """
    problems = []
    others = {}
    for host in sorted(installed):
        version = installed[host]
        if version and version != target:
            others.setdefault(version, []).append(host)
    running = sorted(others, key=version_key)[-1] if others else None
    downgrade = bool(running) and version_key(target) < version_key(running)
    result = dict(problems=problems, downgrade=downgrade, running=running)
    if len(others) > 1:
        problems.append('the nodes run different releases (%s); a release change starts with every node on one '
                        'release: set kafka_version to one of them and let site.yml finish that change first'
                        % '; '.join('%s on %s' % (version, ', '.join(hosts))
                                    for version, hosts in sorted(others.items(), key=lambda i: version_key(i[0]))))
        return result
    # Without a mapping (not read yet): the caller reads it, then asks again.
    if not downgrade or mapping is None:
        return result
    if target not in mapping:
        problems.append('kafka_version %s is older than the running %s, and the running release does not know it '
                        '(kafka-features.sh version-mapping). Nothing was changed.' % (target, running))
    elif finalized is None:
        problems.append('kafka_version %s is older than the running %s, and the cluster\'s finalized '
                        'metadata.version could not be read (start the cluster); a move to an older release is '
                        'only made when it is known to support it. Nothing was changed.' % (target, running))
    elif finalized > mapping[target]:
        newer = sorted((r for r, level in mapping.items() if level >= finalized), key=version_key)
        problems.append('kafka_version %s supports metadata.version up to %d, but the cluster has finalized %d '
                        '(finalize_upgrade.yml, or a cluster formatted by a newer release), which a release change '
                        'never lowers; the oldest release that supports it is %s. Keep kafka_version at a %s release '
                        'or newer (running: %s). Nothing was changed.'
                        % (target, mapping[target], finalized, newer[0] if newer else running,
                           newer[0] if newer else running, running))
    return result


def releases_to_prune(paths, current, keep):
    """The release directories (and their downloaded archives) under the install root to delete so
    that `keep` releases stay, the one linked as current always among them, then the newest."""
    releases = sorted(set(release_of(p) for p in paths if release_of(p)), key=version_key, reverse=True)
    running = release_of(current)
    kept = ([running] if running else []) + [r for r in releases if r != running]
    doomed = set(kept[max(int(keep), 1):])
    return sorted(p for p in paths if release_of(p) in doomed
                  or (str(p).endswith('.tgz') and release_of(str(p)[:-4]) in doomed))


def quorum_bootstrap_servers(nodes):
    """controller.quorum.bootstrap.servers from the controllers' node facts, in ID order."""
    entries = sorted((int(node['id']), '%s:%s' % (node['host'], node['port'])) for node in nodes)
    return ','.join(entry for node_id, entry in entries)


def quorum_voters(nodes):
    """controller.quorum.voters from the controllers' node facts ({id, host, port}), in ID order."""
    entries = sorted((int(node['id']), '%s@%s:%s' % (node['id'], node['host'], node['port'])) for node in nodes)
    return ','.join(entry for node_id, entry in entries)


def file_digest(path, algorithm='sha256'):
    """Hex digest of a local file, read in 1 MiB blocks (IOError/OSError propagate)."""
    digest = hashlib.new(algorithm)
    with open(os.path.expanduser(path), 'rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_from_file(text, file_name=None):
    """The sha512 hex digest from an Apache .sha512 file.

    Accepts `sha512sum` output (`<hex>  name`) and the `gpg --print-md` layout Apache releases
    also use (`name: 1A2B 3C4D ...` folded over several lines).
    """
    text = (text or '').strip()
    if ':' in text.split('\n', 1)[0]:
        text = text.split(':', 1)[1]
    else:
        text = text.split()[0] if text else ''
    digest = re.sub(r'\s+', '', text).lower()
    if not re.match(r'^[0-9a-f]{128}$', digest):
        raise ValueError('no sha512 digest found in the checksum file%s' % (' of ' + file_name if file_name else ''))
    return digest
