"""Benchmarks of the collection and of the cluster it deploys, as one JSON document on stdout.

  make bench            (builds the harness first; writes bench/results/bench-<date>.json)

Each measurement starts from fresh systemd containers built from the test image. Plain Ansible
(the project's ansible.cfg) and Mitogen (README "How fast") are measured in paired rounds,
alternating which goes first; every figure is the median of --runs runs (default 3) with min, max
and the runs themselves:
  deploy        site.yml from bare containers to a verified cluster (leader elected, every broker
                registered), then a second run (must change nothing), then the gated rolling
                restart of all six nodes (playbooks/rolling_restart.yml);
  profile       the first deploy's slowest tasks, its plays, and the tasks each host ran in the
                first deploy and in the second run (first round of each); where the CPU time of
                both went: the Ansible process tree, the Kafka JVMs, the rest of the containers
                (modules, kafka-storage, tar) and the rest of the host (Docker, the kernel), read
                from /proc and the containers' cgroups; the commands the docker connection ran
                on each node (each `docker exec` is one round trip: a module run, a transfer);
  scale         the first deploy with 3 controllers and 1, 3 and 5 brokers;
  rolling       when each node's new process started in the first plain rolling restart (one
                monotonic clock for all containers);
  cluster       kafka-producer-perf-test (1 KiB records, acks=all) and kafka-e2e-latency (acks=all)
                from the archive's own launchers, on a topic created with the roles' defaults;
  settings      before/after of the Ansible settings the project ships (pipelining, forks): the
                second run and a first deploy under Ansible's defaults (pipelining off, 5 forks).

  metrics_cost  (only with --metrics-cost N) what the metrics exporter adds to a first deploy:
                N paired first deploys of 3+3 with kafka_metrics_enabled false and true, in
                alternating order, as median, min and max; nothing else is measured then.
  floor         (only with --floor N) how far a first deploy is above what no orchestration can go
                below here: N rounds of site.yml's first deploy of fresh 3+3 containers, each
                followed, on the same nodes stopped and emptied, by the same node work done with
                docker exec alone (unpack the release, format with the deploy's own command lines,
                start the controllers and wait for their listeners, start the brokers and wait
                until every one is registered), then by site.yml again, which must change nothing;
                seconds of each step, and where the CPU time went in the first round; nothing
                else is measured then.
  compare       (only with --compare REVISION) this tree against the tree at a git revision (a
                worktree made for the run): --runs N paired rounds, alternating which goes first,
                each a first deploy of fresh 3+3 containers and a second run, every run metered
                (wall, CPU of the Ansible processes and of the machine, tasks per host); nothing
                else is measured then.

Options: --runs N (3), --brokers 1,5 (scale points besides 3), --quick (one run, no scale points,
no first deploy under Ansible's defaults), --no-mitogen (plain only), --metrics-cost N, --floor N, --compare REVISION. Progress
goes to stderr. Mitogen must be importable beside this Python (requirements-dev.txt).
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
BIN = os.path.dirname(sys.executable)
NETWORK, SUBNET, PREFIX = 'kraft-test', '172.28.70.0/24', '172.28.70.'
ARCHIVE = os.environ.get('KRAFT_KAFKA_ARCHIVE') or os.path.join(ROOT, '.cache', 'kafka', 'kafka_2.13-4.4.0.tgz')
# What Ansible does without the project's ansible.cfg settings.
ANSIBLE_DEFAULTS = dict(ANSIBLE_PIPELINING='False', ANSIBLE_FORKS='5')
RECORD_SIZE = 1024
Node = collections.namedtuple('Node', 'name group node_id address')


def log(message):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stderr.flush()


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs).stdout


# --- nodes --------------------------------------------------------------------------------

def nodes(brokers):
    """3 controllers and `brokers` brokers, named, numbered and addressed as in inventories/local."""
    result = [Node('kraft-controller-%d' % i, 'kraft_controllers', i, PREFIX + str(10 + i)) for i in (1, 2, 3)]
    result += [Node('kafka-broker-%d' % i, 'kafka_brokers', 3 + i, PREFIX + str(20 + i)) for i in range(1, brokers + 1)]
    return result


def cleanup():
    subprocess.run(['bash', os.path.join(ROOT, 'tests', 'harness', 'cleanup.sh')], check=False)


def fresh_cluster(brokers, image, workdir, host_vars=None, root=ROOT):
    """Bare containers (same settings as molecule/default) and an inventory for them (host_vars:
    added to every node's variables; the group variables of the tree at root)."""
    cleanup()
    run(['docker', 'network', 'create', '--subnet', SUBNET, NETWORK])
    members = nodes(brokers)
    for node in members:
        run(['docker', 'run', '-d', '--name', node.name, '--hostname', node.name, '--network', NETWORK, '--ip', node.address,
             '--cap-add', 'SYS_ADMIN', '--cgroupns', 'host', '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw',
             '--tmpfs', '/run', '--tmpfs', '/run/lock', '--tmpfs', '/tmp', image, '/lib/systemd/systemd'])
    for node in members:
        state = subprocess.run(['docker', 'exec', node.name, 'systemctl', 'is-system-running', '--wait'],
                               capture_output=True, text=True, check=False).stdout.strip()
        if state not in ('running', 'degraded'):
            raise SystemExit('container %s did not boot (systemd: %s)' % (node.name, state))
    inventory = os.path.join(workdir, '3+%d' % brokers + ('' if root == ROOT else '-' + os.path.basename(root)))
    os.makedirs(inventory, exist_ok=True)
    if not os.path.isdir(os.path.join(root, 'inventories', 'local', 'group_vars')):
        raise SystemExit('%s has no inventories/local/group_vars to deploy with' % root)
    if not os.path.exists(os.path.join(inventory, 'group_vars')):
        os.symlink(os.path.join(root, 'inventories', 'local', 'group_vars'), os.path.join(inventory, 'group_vars'))
    groups = {}
    for node in members:
        groups.setdefault(node.group, {'hosts': {}})['hosts'][node.name] = dict(
            host_vars or {}, kafka_node_id=node.node_id, kafka_advertised_host=node.address)
    cluster_vars = {}
    if brokers < 3:
        # Fewer brokers than the default replication factor: preflight refuses the defaults.
        cluster_vars = dict(kafka_default_replication_factor=brokers, kafka_min_insync_replicas=brokers,
                            kafka_allow_small_quorum=True)
    with open(os.path.join(inventory, 'hosts.yml'), 'w') as handle:
        json.dump({'all': {'vars': cluster_vars, 'children': groups}}, handle, indent=1)  # JSON is YAML
    return inventory, members


# --- playbooks ----------------------------------------------------------------------------

def seconds(duration):
    def parse(value):
        return datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    return round((parse(duration['end']) - parse(duration['start'])).total_seconds(), 1)


def spread(values):
    """Median, min and max of repeated measurements, with the runs themselves."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return dict(median=round(median, 1), min=ordered[0], max=ordered[-1], runs=list(values))


# --- CPU accounting -------------------------------------------------------------------------

def host_busy_seconds():
    """CPU seconds the whole machine has worked since boot (all cores): user, nice, system, irq and
    softirq; not idle, iowait or steal, and guest time only once (user and nice hold it)."""
    with open('/proc/stat') as handle:
        values = [int(v) for v in handle.readline().split()[1:]] + [0] * 10
    return sum(values[i] for i in (0, 1, 2, 5, 6)) / float(os.sysconf('SC_CLK_TCK'))


def container_cpu_files(members):
    """Each container's CPU usage file in its cgroup (v1 cpuacct or v2 cpu.stat), or None."""
    result = {}
    for node in members:
        cid = run(['docker', 'inspect', '-f', '{{.Id}}', node.name]).strip()
        candidates = ['/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage' % cid,
                      '/sys/fs/cgroup/cpu,cpuacct/docker/%s/cpuacct.usage' % cid,
                      '/sys/fs/cgroup/system.slice/docker-%s.scope/cpu.stat' % cid,
                      '/sys/fs/cgroup/docker/%s/cpu.stat' % cid]
        found = [path for path in candidates if os.path.exists(path)]
        if not found:
            return None
        result[node.name] = found[0]
    return result


def container_cpu_seconds(path):
    with open(path) as handle:
        text = handle.read()
    if path.endswith('cpuacct.usage'):
        return int(text) / 1e9
    return int(dict(line.split() for line in text.splitlines())['usage_usec']) / 1e6


def java_cpu_seconds(members):
    """{(node, pid, start time): CPU seconds used since it started} of the running java processes."""
    result = {}
    ticks = float(os.sysconf('SC_CLK_TCK'))
    for node in members:
        out = subprocess.run(['docker', 'exec', node.name, 'sh', '-c', 'for p in $(pgrep -x java); do cat /proc/$p/stat; done'],
                             capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            pid, rest = line.split(' ', 1)
            fields = rest.rsplit(')', 1)[1].split()  # from field 3 (state) on
            result[(node.name, pid, fields[19])] = (int(fields[11]) + int(fields[12])) / ticks
    return result


class CpuMeter(object):
    """Where the CPU time of one playbook run went, from counters read before and after it."""

    def __init__(self, members):
        self.members = members
        self.files = container_cpu_files(members)

    def read(self, busy_first):
        """The counters; the machine's busy time read next to the run (last before it, first after
        it), so that this meter's own docker exec calls stay outside the window."""
        busy = host_busy_seconds() if busy_first else None
        counters = dict(java=java_cpu_seconds(self.members),
                        containers=sum(container_cpu_seconds(f) for f in self.files.values()) if self.files else None)
        counters['busy'] = busy if busy_first else host_busy_seconds()
        return counters

    def report(self, before, after, ansible_seconds, wall):
        busy = after['busy'] - before['busy']
        # Per process: a JVM that started during the run counts whole, one that exited not at all
        # (kafka-storage's: in containers_other).
        jvms = sum(seconds - before['java'].get(key, 0.0) for key, seconds in after['java'].items())
        result = dict(wall_seconds=round(wall, 1), cores=os.cpu_count(),
                      busy_share=round(busy / (wall * os.cpu_count()), 2), busy_cpu_seconds=round(busy, 1),
                      ansible_process_tree=round(ansible_seconds, 1), kafka_jvms=round(jvms, 1))
        if self.files:
            containers = after['containers'] - before['containers']
            result.update(containers_other=round(containers - result['kafka_jvms'], 1),
                          host_other=round(busy - ansible_seconds - containers, 1))
        else:
            result['note'] = 'no cgroup CPU file found for the containers: containers_other and host_other not split'
        return result


class DockerCommands(object):
    """What the docker connection ran on each node during one playbook run: a `docker` placed in
    front of the real one on PATH logs its arguments. Each `docker exec` is one round trip to the
    node (a module run, a file transfer, a temporary directory made or removed); over SSH each
    would be one too. Under Mitogen it is its one start on each node (its interpreter there then
    runs every task). The wrapper's own cost (a shell per call) is in the profiled round."""

    # docker exec's options that take a value (the container is the first other word).
    VALUED = {'-u', '--user', '-e', '--env', '-w', '--workdir', '--env-file', '--detach-keys'}

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='bench-docker-')
        self.log = os.path.join(self.dir, 'calls')
        wrapper = os.path.join(self.dir, 'docker')
        with open(wrapper, 'w') as handle:
            # One write per call (a line of \037-separated words), so parallel calls do not mix.
            handle.write('#!/bin/sh\nline=$(printf \'%%s\\037\' "$@")\nprintf \'%%s\\n\' "$line" >> %s\nexec %s "$@"\n'
                         % (shlex.quote(self.log), shlex.quote(shutil.which('docker'))))
        os.chmod(wrapper, 0o755)

    def wrap(self, env):
        env['PATH'] = self.dir + os.pathsep + env.get('PATH', os.defpath)

    def per_host(self):
        counts = collections.Counter()
        if os.path.exists(self.log):
            with open(self.log) as handle:
                for line in handle:
                    words = line.rstrip('\n').split('\037')
                    if words[:1] != ['exec']:
                        continue
                    rest = iter(words[1:])
                    for word in rest:
                        if word in self.VALUED:
                            next(rest, None)
                        elif not word.startswith('-'):
                            counts[word] += 1
                            break
        return dict(counts)


def playbook(name, inventory, settings=None, extra_vars=None, cpu=None, root=ROOT, count_commands=None):
    """Run playbooks/<name>.yml of the tree at root; with cpu (a CpuMeter) the result says where its
    CPU time went and (unless count_commands is false) how many commands the docker connection ran
    on each node."""
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_CONFIG=os.path.join(root, 'ansible.cfg'),
               KRAFT_KAFKA_ARCHIVE=ARCHIVE)
    env.pop('KRAFT_ARCHIVE_MIRROR', None)
    env.update(settings or {})
    commands = DockerCommands() if (cpu if count_commands is None else count_commands) else None
    if commands:
        commands.wrap(env)
    argv = [os.path.join(BIN, 'ansible-playbook'), '-i', inventory, 'playbooks/%s.yml' % name]
    if extra_vars:
        argv += ['-e', json.dumps(extra_vars)]
    try:
        return run_playbook(argv, env, cpu, commands, root)
    finally:
        if commands:
            shutil.rmtree(commands.dir, ignore_errors=True)


def children_cpu_seconds():
    """User and system CPU seconds of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_playbook(argv, env, cpu, commands, root):
    """playbook()'s run and what it reports."""
    counters = cpu.read(busy_first=False) if cpu else None
    children = children_cpu_seconds()
    started = time.monotonic()
    proc = subprocess.run(argv,
                          cwd=root, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    ansible_seconds = children_cpu_seconds() - children
    cpu_report = cpu.report(counters, cpu.read(busy_first=True), ansible_seconds, wall) if cpu else None
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-3000:])
        raise SystemExit('%s failed (rc %s)' % (' '.join(argv[1:]), proc.returncode))
    result = json.loads(proc.stdout)
    plays = [dict(play=p['play']['name'], seconds=seconds(p['play']['duration'])) for p in result['plays']]
    changed = sum(stats.get('changed', 0) for stats in result['stats'].values())
    tasks = sum(len(p['tasks']) for p in result['plays'])
    # ok counts the changed tasks too
    per_host = dict((host, sum(stats.get(k, 0) for k in ('ok', 'skipped', 'failures')))
                    for host, stats in result['stats'].items())
    return dict(wall_seconds=round(wall, 1), changed=changed, tasks=tasks, tasks_per_host=per_host,
                node_tasks_per_host=node_tasks(result), plays=plays, profile=profile(result), started=started,
                cpu=cpu_report, connection_commands_per_host=commands.per_host() if commands else None, raw=result)


# Actions that run on the Ansible controller whatever the host (no connection to it).
CONTROLLER_ACTIONS = {'set_fact', 'assert', 'debug', 'fail', 'meta', 'include_tasks', 'include_role', 'import_tasks',
                      'import_role', 'validate_argument_spec', 'add_host', 'group_by', 'pause', 'include_vars'}


def node_tasks(result):
    """Per host: the module runs on the node itself (not skipped, not delegated, not an action
    that stays on the Ansible controller; each loop item counted), the costly part of a task."""
    counts = collections.Counter()
    for play in result['plays']:
        for task in play['tasks']:
            for host, outcome in task['hosts'].items():
                action = outcome.get('action', '').rsplit('.', 1)[-1]
                if outcome.get('skipped') or action in CONTROLLER_ACTIONS or outcome.get('_ansible_delegated_vars'):
                    continue
                items = outcome.get('results')
                counts[host] += sum(1 for item in items if not item.get('skipped')) if items else 1
    return dict(counts)


def profile(result, top=25):
    """The run's slowest tasks (the JSON callback's own start and end of each task, all hosts
    together), with the play each ran in and how many hosts ran it; what they add up to."""
    rows = []
    for play in result['plays']:
        for task in play['tasks']:
            ran = [h for h, r in task['hosts'].items() if not r.get('skipped')]
            rows.append(dict(task=task['task']['name'], play=play['play']['name'].split(' - ')[0],
                             seconds=seconds(task['task']['duration']), hosts=len(ran)))
    rows.sort(key=lambda row: -row['seconds'])
    return dict(tasks=len(rows), total_seconds=round(sum(row['seconds'] for row in rows), 1), slowest=rows[:top])


def public(result):
    return dict((k, v) for k, v in result.items() if k not in ('started', 'raw'))


def deploy(brokers, image, workdir, settings=None, extra_vars=None, host_vars=None, meter=False, root=ROOT,
           count_commands=None):
    """site.yml (of the tree at root) on fresh containers: the inventory, the nodes, the playbook's
    result (with cpu where meter)."""
    inventory, members = fresh_cluster(brokers, image, workdir, host_vars, root)
    under = 'Mitogen' if 'mitogen' in (settings or {}).get('ANSIBLE_STRATEGY', '') else 'Ansible defaults'
    how = (' under %s' % under if settings else '') + (' with %s' % json.dumps(extra_vars) if extra_vars else '')
    log('3+%d: containers up; site.yml%s%s' % (brokers, how, '' if root == ROOT else ' of ' + os.path.basename(root)))
    cpu = CpuMeter(members) if meter else None
    return inventory, members, playbook('site', inventory, settings, extra_vars, cpu=cpu, root=root,
                                        count_commands=count_commands)


def metrics_cost(image, workdir, pairs):
    """First deploys with the exporter off and on, paired and alternating which goes first."""
    walls = {False: [], True: []}
    changed = {}
    for dummy, order in paired(pairs, [False, True]):
        for enabled in order:
            result = deploy(3, image, workdir, extra_vars=dict(kafka_metrics_enabled=enabled))[2]
            walls[enabled].append(result['wall_seconds'])
            changed[enabled] = result['changed']
    off, on = spread(walls[False]), spread(walls[True])
    return dict(first_deploy_metrics_off=dict(off, changed=changed[False]),
                first_deploy_metrics_on=dict(on, changed=changed[True]),
                added_seconds_median=round(on['median'] - off['median'], 1),
                added_per_pair=[round(b - a, 1) for a, b in zip(walls[False], walls[True])],
                note='3+3 from bare containers, site.yml wall time; the exporter jar pushed from '
                     'kafka_jmx_exporter_local_jar as inventories/local does')


def mitogen_variant():
    """Ansible settings and node variables that run the playbooks under Mitogen (README "How
    fast"): its linear strategy, and the docker connection by its short name, which Mitogen
    replaces with its own (it does not know the FQCN community.docker.docker)."""
    try:
        import ansible_mitogen
    except ImportError:
        raise SystemExit('mitogen is not installed beside this Python: pip install -r requirements-dev.txt')
    strategy = os.path.join(os.path.dirname(ansible_mitogen.__file__), 'plugins', 'strategy')
    return dict(settings=dict(ANSIBLE_STRATEGY_PLUGINS=strategy, ANSIBLE_STRATEGY='mitogen_linear'),
                host_vars=dict(ansible_connection='docker'))


def variants(with_mitogen):
    result = collections.OrderedDict(plain=dict(settings=None, host_vars=None))
    if with_mitogen:
        result['mitogen'] = mitogen_variant()
    return result


def paired(runs, names):
    """The order of paired rounds over the variants: as given, then reversed, and so on."""
    for index in range(runs):
        yield index, list(names) if index % 2 == 0 else list(reversed(names))


def deploy_rounds(report, args, image, workdir, chosen):
    """First deploy, second run and rolling restart of 3+3 for each variant, paired; the first
    plain round also measures the cluster and the Ansible defaults' second run."""
    runs = dict((name, dict(first=[], second=[], second_changed=[], rolling=[])) for name in chosen)
    profiles = {}
    for index, order in paired(args.runs, list(chosen)):
        for name in order:
            variant = chosen[name]
            inventory, members, first = deploy(3, image, workdir, variant['settings'], host_vars=variant['host_vars'],
                                               meter=index == 0)
            log('%s: second run' % name)
            second = playbook('site', inventory, variant['settings'], cpu=CpuMeter(members) if index == 0 else None)
            if index == 0:
                profiles[name] = dict(first_deploy_seconds=first['wall_seconds'], plays=first['plays'],
                                      slowest_tasks=first['profile'],
                                      tasks_per_host=dict(first_deploy=first['tasks_per_host'], second_run=second['tasks_per_host']),
                                      node_tasks_per_host=dict(first_deploy=first['node_tasks_per_host'],
                                                               second_run=second['node_tasks_per_host']),
                                      connection_commands_per_host=dict(first_deploy=first['connection_commands_per_host'],
                                                                        second_run=second['connection_commands_per_host']),
                                      cpu=dict(first_deploy=first['cpu'], second_run=second['cpu']))
            if index == 0 and name == 'plain':
                log('second run under Ansible defaults')
                defaults = public(playbook('site', inventory, ANSIBLE_DEFAULTS))
                report['settings'] = dict(second_run=dict(after=second['wall_seconds'], before=defaults['wall_seconds']))
                log('facts of all six nodes')
                report['settings']['fact_gathering_seconds'] = dict(
                    one_setup_on_all_nodes=fact_gathering(inventory),
                    note='what each host play of site.yml would add with gather_facts on; the roles use no facts')
            log('%s: rolling restart' % name)
            roll = rolling(inventory, members, variant['settings'])
            if index == 0 and name == 'plain':
                report['rolling_restart_nodes'] = dict(nodes=roll['nodes'],
                                                       last_start_to_end_seconds=roll['last_start_to_end_seconds'])
                report['cluster'] = cluster_performance(workdir, members, args.records)
            runs[name]['first'].append(first['wall_seconds'])
            runs[name]['second'].append(second['wall_seconds'])
            runs[name]['second_changed'].append(second['changed'])
            runs[name]['rolling'].append(roll['wall_seconds'])
    report['deploy'] = dict((name, dict(first_deploy=spread(r['first']), second_run=spread(r['second']),
                                        second_run_changed=r['second_changed'], rolling_restart=spread(r['rolling'])))
                            for name, r in runs.items())
    if 'mitogen' in runs:
        report['deploy']['speedup_median'] = dict(
            (what, round(report['deploy']['plain'][what]['median'] / report['deploy']['mitogen'][what]['median'], 2))
            for what in ('first_deploy', 'second_run', 'rolling_restart'))
    report['profile'] = profiles


def scale_rounds(report, args, image, workdir, chosen):
    """First deploys of 3+N for each scale point and variant, paired; 3+3 from deploy_rounds."""
    counts = sorted(set([int(c) for c in args.brokers.split(',') if c.strip()]) - {3})
    report['scale'] = dict((name, [dict(brokers=3, nodes=6, first_deploy=report['deploy'][name]['first_deploy'])])
                           for name in chosen)
    for count in counts:
        walls = dict((name, []) for name in chosen)
        for dummy, order in paired(args.runs, list(chosen)):
            for name in order:
                result = deploy(count, image, workdir, chosen[name]['settings'], host_vars=chosen[name]['host_vars'])[2]
                walls[name].append(result['wall_seconds'])
        for name in chosen:
            row = dict(brokers=count, nodes=3 + count, first_deploy=spread(walls[name]))
            if count < 3:
                row['note'] = 'replication factor and min.insync.replicas %d (one broker cannot hold 3 replicas)' % count
            report['scale'][name].append(row)
    for rows in report['scale'].values():
        rows.sort(key=lambda row: row['brokers'])


# --- rolling restart ----------------------------------------------------------------------

def process_start(name):
    """Monotonic start of the node's Kafka process in microseconds (the kernel's clock, shared by all containers)."""
    return int(run(['docker', 'exec', name, 'systemctl', 'show', 'kafka', '-p', 'ExecMainStartTimestampMonotonic',
                    '--value']).strip())


def rolling(inventory, members, settings=None):
    before = dict((node.name, process_start(node.name)) for node in members)
    result = playbook('rolling_restart', inventory, settings)
    begin_us = int(result['started'] * 1e6)
    end_us = begin_us + int(result['wall_seconds'] * 1e6)
    after = sorted((process_start(node.name), node.name) for node in members)
    if any(start <= before[name] for start, name in after):
        raise SystemExit('rolling restart left a node unrestarted: %s' % after)
    order, previous = [], begin_us
    for start, name in after:
        order.append(dict(node=name, started_after_seconds=round((start - begin_us) / 1e6, 1),
                          since_previous_seconds=round((start - previous) / 1e6, 1)))
        previous = start
    result = public(result)
    result['nodes'] = order
    result['last_start_to_end_seconds'] = round((end_us - previous) / 1e6, 1)
    return result


# --- the deployed cluster -----------------------------------------------------------------

def kafka_tools(workdir):
    target = os.path.join(workdir, 'kafka')
    if not os.path.isdir(target):
        os.makedirs(target)
        run(['tar', '-xzf', ARCHIVE, '-C', target])
    (release,) = os.listdir(target)
    return os.path.join(target, release, 'bin')


def cluster_performance(workdir, members, records):
    tools = kafka_tools(workdir)
    brokers = ','.join('%s:9092' % node.address for node in members if node.group == 'kafka_brokers')
    env = dict(os.environ, KAFKA_HEAP_OPTS='-Xmx512m', LOG_DIR=os.path.join(workdir, 'logs'))

    def tool(name, *args):
        return run([os.path.join(tools, name)] + list(args), env=env)

    report = {}
    for topic in ('bench-throughput', 'bench-latency'):
        tool('kafka-topics.sh', '--bootstrap-server', brokers, '--create', '--topic', topic)  # the roles' defaults
    described = tool('kafka-topics.sh', '--bootstrap-server', brokers, '--describe', '--topic', 'bench-throughput')
    effective = tool('kafka-configs.sh', '--bootstrap-server', brokers, '--describe', '--all', '--entity-type', 'topics',
                     '--entity-name', 'bench-throughput')
    report['topic'] = dict(
        partitions=int(re.search(r'PartitionCount: (\d+)', described).group(1)),
        replication_factor=int(re.search(r'ReplicationFactor: (\d+)', described).group(1)),
        min_insync_replicas=int(re.search(r'(?m)^\s*min\.insync\.replicas=(\d+) ', effective).group(1)))

    log('producer perf test: %d records of %d bytes, acks=all' % (records, RECORD_SIZE))
    out = tool('kafka-producer-perf-test.sh', '--topic', 'bench-throughput', '--num-records', str(records),
               '--record-size', str(RECORD_SIZE), '--throughput', '-1',
               '--producer-props', 'bootstrap.servers=' + brokers, 'acks=all')
    final = [line for line in out.splitlines() if line.startswith('%d records sent' % records)][-1]
    numbers = re.match(r'(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, '
                       r'([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th', final)
    report['producer'] = dict(tool='kafka-producer-perf-test', records=records, record_bytes=RECORD_SIZE, acks='all',
                              records_per_second=float(numbers.group(2)), mb_per_second=float(numbers.group(3)),
                              latency_ms=dict(avg=float(numbers.group(4)), p50=int(numbers.group(6)),
                                              p95=int(numbers.group(7)), p99=int(numbers.group(8)),
                                              max=float(numbers.group(5))),
                              note='throughput-bound run (--throughput -1): latencies include queueing in the producer')

    messages = max(records // 100, 1000)
    log('end-to-end latency: %d messages, one at a time' % messages)
    out = tool('kafka-e2e-latency.sh', brokers, 'bench-latency', str(messages), 'all', str(RECORD_SIZE))
    average = float(re.search(r'Avg latency: ([\d.]+) ms', out).group(1))
    p50, p99, p999 = (int(v) for v in re.search(r'Percentiles: 50th = (\d+), 99th = (\d+), 99.9th = (\d+)', out).groups())
    report['end_to_end'] = dict(tool='kafka-e2e-latency', messages=messages, record_bytes=RECORD_SIZE, acks='all',
                                latency_ms=dict(avg=average, p50=p50, p99=p99, p999=p999),
                                note='produce, then consume, one message at a time')
    return report


def fact_gathering(inventory):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'))
    started = time.monotonic()
    run([os.path.join(BIN, 'ansible'), '-i', inventory, 'all', '-m', 'ansible.builtin.setup'], cwd=ROOT, env=env)
    return round(time.monotonic() - started, 1)


# --- two revisions paired -------------------------------------------------------------------

def git(*args):
    return run(['git', '-C', ROOT] + list(args)).strip()


def this_commit():
    """HEAD of this tree, and whether tracked files differ from it (make's own output file is not tracked)."""
    def out(*args):
        return subprocess.run(['git', '-C', ROOT] + list(args), capture_output=True, text=True, check=False).stdout.strip()
    return (out('rev-parse', 'HEAD') or 'unknown') + (' with changes not committed' if out('status', '--porcelain', '--untracked-files=no') else '')


def compare_rounds(image, workdir, revision, runs):
    """The tree at revision (a git worktree made for the run, with this tree's .cache) against this
    tree, paired: per round each deploys fresh 3+3 containers with its site.yml and runs it again,
    alternating which tree goes first; every run metered (the CPU counters only: the docker commands
    are not counted, whose logging wrapper would cost each tree in proportion to its commands). Both
    trees run with this tree's bench: the same Python, Ansible, image, archive, container settings
    and cleanup."""
    commit = git('rev-parse', '--verify', revision + '^{commit}')
    other = os.path.join(workdir, 'tree-' + commit[:12])
    git('worktree', 'add', '--detach', other, commit)
    try:
        if not os.path.exists(os.path.join(other, '.cache')):
            os.symlink(os.path.join(ROOT, '.cache'), os.path.join(other, '.cache'))
        trees = collections.OrderedDict([('before', other), ('after', ROOT)])
        runs_of = dict((name, collections.defaultdict(list)) for name in trees)
        for index, order in paired(runs, list(trees)):
            for name in order:
                inventory, members, first = deploy(3, image, workdir, meter=True, root=trees[name], count_commands=False)
                log('%s: second run' % name)
                second = playbook('site', inventory, cpu=CpuMeter(members), root=trees[name], count_commands=False)
                got = runs_of[name]
                for what, result in (('first_deploy', first), ('second_run', second)):
                    got[what].append(result['wall_seconds'])
                    got[what + '_ansible_cpu'].append(result['cpu']['ansible_process_tree'])
                    got[what + '_busy_cpu'].append(result['cpu']['busy_cpu_seconds'])
                got['second_run_changed'].append(second['changed'])
                if index == 0:
                    got['tasks_per_host'] = dict(first_deploy=first['tasks_per_host'], second_run=second['tasks_per_host'])
                    got['node_tasks_per_host'] = dict(first_deploy=first['node_tasks_per_host'],
                                                      second_run=second['node_tasks_per_host'])
    finally:
        subprocess.run(['git', '-C', ROOT, 'worktree', 'remove', '--force', other], check=False, capture_output=True)
        subprocess.run(['git', '-C', ROOT, 'worktree', 'prune'], check=False, capture_output=True)
    report = dict(before=dict(revision=revision, commit=commit), after=dict(commit=this_commit(), tree='this working tree'))
    for name in trees:
        got = runs_of[name]
        for what, values in got.items():
            report[name][what] = values if what.endswith('_changed') or what.endswith('per_host') else spread(values)
    report['after_minus_before'] = dict(
        (what, [round(b - a, 1) for a, b in zip(runs_of['before'][what], runs_of['after'][what])])
        for what in ('first_deploy', 'second_run', 'first_deploy_ansible_cpu', 'second_run_ansible_cpu'))
    report['note'] = ('3+3, plain Ansible, each run from fresh containers; wall seconds and CPU seconds (the Ansible '
                      'process tree; the whole machine busy) per run; after_minus_before per round, in the order run')
    return report


# --- the floor: a first deploy's node work without Ansible -------------------------------

FORMAT_TASK = 'Format the unformatted data directories'


def format_task():
    """The roles' format task (roles/kafka/tasks/storage.yml), as YAML data."""
    import yaml  # ansible-core's dependency
    with open(os.path.join(ROOT, 'roles', 'kafka', 'tasks', 'storage.yml')) as handle:
        (task,) = [t for t in yaml.safe_load(handle) if t.get('name') == FORMAT_TASK]
    return task


def format_jvm_options():
    """The JVM options the roles' format task gives kafka-storage."""
    return format_task()['environment']['KAFKA_JVM_PERFORMANCE_OPTS']


def format_commands(result):
    """{host: the kafka-storage format argv} as the deploy's format task ran it."""
    commands = {}
    for play in result['plays']:
        for task in play['tasks']:
            if task['task']['name'].rsplit(' : ', 1)[-1] == FORMAT_TASK:
                for host, outcome in task['hosts'].items():
                    if outcome.get('skipped'):
                        continue
                    if 'cmd' not in outcome:
                        raise SystemExit('floor: the format task of %s shows no command line (no_log, as in secure mode); '
                                         'the floor measures the plain deploy' % host)
                    commands[host] = outcome['cmd']
    return commands


def on_nodes(members, argv_of, stdin_path=None):
    """One command per node, all at once; wait for every one, stop on the first that failed."""
    procs = []
    for node in members:
        stdin = open(stdin_path, 'rb') if stdin_path else subprocess.DEVNULL
        procs.append((node, subprocess.Popen(argv_of(node), stdin=stdin, stdout=subprocess.PIPE,
                                             stderr=subprocess.STDOUT, text=True)))
        if stdin_path:
            stdin.close()
    failed = []
    for node, proc in procs:
        out = proc.communicate()[0]
        if proc.returncode:
            failed.append('%s (rc %s): %s' % (node.name, proc.returncode, out[-2000:]))
    if failed:
        raise SystemExit('floor: ' + '\n'.join(failed))


def node_layout(node, argv):
    """The release directory, the data directories and the first listener's port of a deployed
    node, from its format command line and its configuration file."""
    config = argv[argv.index('--config') + 1]
    props = dict(line.split('=', 1) for line in run(['docker', 'exec', node.name, 'cat', config]).splitlines()
                 if '=' in line and not line.startswith('#'))
    dirs = props['log.dirs'].split(',') + ([props['metadata.log.dir']] if 'metadata.log.dir' in props else [])
    current = os.path.dirname(os.path.dirname(argv[0]))  # <current>/bin/kafka-storage.sh
    release = run(['docker', 'exec', node.name, 'readlink', '-f', current]).strip()
    port = int(props['listeners'].split(',')[0].rsplit(':', 1)[1])
    environment = run(['docker', 'exec', node.name, 'systemctl', 'show', 'kafka', '-p', 'Environment', '--value']).split()
    log_dir = [word.split('=', 1)[1] for word in environment if word.startswith('LOG_DIR=')][0]
    return dict(release=release, dirs=sorted(set(dirs)), port=port, log_dir=log_dir)


def wait_listening(members, layouts, timeout=120):
    import socket
    deadline = time.monotonic() + timeout
    for node in members:
        while True:
            try:
                socket.create_connection((node.address, layouts[node.name]['port']), 0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit('floor: %s does not listen on %d' % (node.name, layouts[node.name]['port']))
                time.sleep(0.1)


def wait_registered(brokers, layouts, timeout=120):
    """Until every broker is registered and unfenced (DescribeCluster), as site.yml's broker gate
    waits for them."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError
    wanted = set(node.node_id for node in brokers)
    admin = KafkaAdminClient(bootstrap_servers=['%s:%d' % (node.address, layouts[node.name]['port']) for node in brokers],
                             request_timeout_ms=5000)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                unfenced = set(b['broker_id'] for b in admin.describe_cluster()['brokers'] if not b.get('is_fenced'))
            except KafkaError:
                unfenced = set()
            if unfenced == wanted:
                return
            if time.monotonic() > deadline:
                raise SystemExit('floor: brokers %s not all registered and unfenced' % sorted(wanted))
            time.sleep(0.1)
    finally:
        admin.close()


def floor_run(members, argvs, layouts):
    """The node work of a first deploy, done by docker exec alone on nodes that site.yml deployed
    and that were then stopped and emptied (data and release gone; the user, directories,
    configuration, unit, exporter jar and rules and the `current` link kept): push the archive to
    every node as a file, unpack it, sync every file and remove the archive (as kraft_release
    does); format every node with the deploy's own command line and environment; start the
    controllers together and wait for their listeners; start the brokers together and wait until
    every one is registered and unfenced. Seconds of each step and in all."""
    controllers = [node for node in members if node.group == 'kraft_controllers']
    brokers = [node for node in members if node.group == 'kafka_brokers']
    options = format_jvm_options()
    steps, started = {}, time.monotonic()
    mark = started
    unpack = ('set -e; cd %(parent)s; cat > .bench-archive.tgz; tar -xzf .bench-archive.tgz --no-same-owner; '
              'rm .bench-archive.tgz; test -x %(release)s/bin/kafka-server-start.sh; '
              'find %(release)s \\( -type f -o -type d \\) -exec sync {} +')
    on_nodes(members, lambda node: ['docker', 'exec', '-i', node.name, 'sh', '-c', unpack % dict(
        parent=shlex.quote(os.path.dirname(layouts[node.name]['release'])), release=shlex.quote(layouts[node.name]['release']))],
        stdin_path=ARCHIVE)
    steps['unpack'], mark = round(time.monotonic() - mark, 1), time.monotonic()
    on_nodes(members, lambda node: ['docker', 'exec', '-u', 'kafka', '-e', 'LOG_DIR=' + layouts[node.name]['log_dir'], '-e',
                                    'KAFKA_JVM_PERFORMANCE_OPTS=' + options, node.name] + argvs[node.name])
    steps['format'], mark = round(time.monotonic() - mark, 1), time.monotonic()
    on_nodes(controllers, lambda node: ['docker', 'exec', node.name, 'systemctl', 'start', 'kafka'])
    wait_listening(controllers, layouts)
    steps['controllers_listening'], mark = round(time.monotonic() - mark, 1), time.monotonic()
    on_nodes(brokers, lambda node: ['docker', 'exec', node.name, 'systemctl', 'start', 'kafka'])
    wait_listening(brokers, layouts)
    wait_registered(brokers, layouts)
    steps['brokers_registered'] = round(time.monotonic() - mark, 1)
    return round(time.monotonic() - started, 1), steps


def floor_rounds(image, workdir, runs):
    """Per round: site.yml's first deploy of fresh 3+3 containers; then every node stopped and
    emptied and the same node work redone without Ansible (floor_run); then site.yml again, which
    must change nothing (the floor left the nodes as the deploy had). The first round also meters
    where the CPU time of the deploy and of the floor went."""
    deploys, floors, checks, changed, steps, cpu = [], [], [], [], collections.defaultdict(list), {}
    for index in range(runs):
        inventory, members, first = deploy(3, image, workdir, meter=index == 0)
        argvs = format_commands(first['raw'])
        if sorted(argvs) != sorted(node.name for node in members):
            raise SystemExit('floor: the deploy formatted %s, not every node' % sorted(argvs))
        layouts = dict((node.name, node_layout(node, argvs[node.name])) for node in members)
        log('floor: stop and empty every node')
        on_nodes(members, lambda node: ['docker', 'exec', node.name, 'sh', '-c',
                                        'systemctl kill -s KILL kafka; systemctl stop kafka && rm -rf %s && for d in %s; do find "$d" -mindepth 1 -delete; done'
                                        % (shlex.quote(layouts[node.name]['release']),
                                           ' '.join(shlex.quote(d) for d in layouts[node.name]['dirs']))])
        log('floor: unpack, format, start without Ansible')
        meter = CpuMeter(members) if index == 0 else None
        before = meter.read(busy_first=False) if meter else None
        children = children_cpu_seconds()
        wall, took = floor_run(members, argvs, layouts)
        if meter:
            report = meter.report(before, meter.read(busy_first=True), children_cpu_seconds() - children, wall)
            report['docker_clients'] = report.pop('ansible_process_tree')
            cpu = dict(first_deploy=first['cpu'], floor=report)
        log('floor: site.yml on what the floor left (must change nothing)')
        check = playbook('site', inventory)
        deploys.append(first['wall_seconds'])
        floors.append(wall)
        checks.append(check['wall_seconds'])
        changed.append(check['changed'])
        for name, seconds_taken in took.items():
            steps[name].append(seconds_taken)
    if any(changed):
        raise SystemExit('floor: site.yml changed %s after the floor runs: the floor did not redo the deploy' % changed)
    return dict(site_first_deploy=spread(deploys), floor=spread(floors),
                floor_steps=dict((name, spread(values)) for name, values in steps.items()),
                ansible_above_floor=[round(a - b, 1) for a, b in zip(deploys, floors)],
                check_run=dict(spread(checks), changed=changed), cpu=cpu,
                note='3+3, plain Ansible; the floor is the node work no orchestration can go below on this machine: '
                     'the same push and unpack, format and starts with nothing between them but docker exec; it waits '
                     'for the controllers to listen (not for a leader and caught-up voters, as the deploy does: the brokers '
                     'cannot register without a leader) and for every broker registered and unfenced. It leaves out what '
                     'is cheap without Ansible (user, directories, configuration files, unit, exporter jar and rules, kept '
                     'from the deploy) and what the deploy does besides (discovery, gates, verification)')


# --- main ---------------------------------------------------------------------------------

def machine():
    with open('/proc/meminfo') as handle:
        mem_kib = int(handle.readline().split()[1])
    model = ''
    with open('/proc/cpuinfo') as handle:
        for line in handle:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    versions = run([os.path.join(BIN, 'ansible'), '--version']).splitlines()[0]
    return dict(cores=os.cpu_count(), cpu=model, memory_gib=round(mem_kib / 1048576, 1), kernel=platform.release(),
                python=platform.python_version(), ansible=versions,
                docker=run(['docker', 'version', '--format', '{{.Server.Version}}']).strip(),
                connection='community.docker.docker (docker exec)',
                heaps='controllers 256m, brokers 512m (inventories/local)')


def measure_all(report, args, image, workdir):
    """Every section but metrics_cost, into report."""
    chosen = variants(not args.no_mitogen)
    report['variants'] = dict(
        plain='ansible-core with the project\'s ansible.cfg (pipelining, forks 12), community.docker.docker',
        mitogen='mitogen 0.3.54, strategy mitogen_linear, ansible_connection docker; otherwise the same' if 'mitogen' in chosen
        else 'not measured (--no-mitogen)')
    deploy_rounds(report, args, image, workdir, chosen)
    if not args.quick:
        scale_rounds(report, args, image, workdir, chosen)
        log('first deploy under Ansible defaults')
        before = deploy(3, image, workdir, ANSIBLE_DEFAULTS)[2]
        report['settings']['first_run'] = dict(after=report['deploy']['plain']['first_deploy']['median'],
                                               before=before['wall_seconds'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=3, metavar='N')
    parser.add_argument('--brokers', default='1,5')
    parser.add_argument('--records', type=int, default=200000)
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--no-mitogen', action='store_true')
    parser.add_argument('--metrics-cost', type=int, default=0, metavar='N')
    parser.add_argument('--floor', type=int, default=0, metavar='N')
    parser.add_argument('--compare', metavar='REVISION')
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    image = os.environ.get('KRAFT_TEST_IMAGE') or open(os.path.join(ROOT, '.cache', 'image-tag')).read().strip()
    workdir = tempfile.mkdtemp(prefix='kraft-bench-')
    report = dict(date=datetime.date.today().isoformat(), started=time.strftime('%H:%M:%S %Z'), machine=machine(),
                  commit=this_commit(),
                  project_settings='ansible.cfg: pipelining on, forks 12, gathering explicit (no play gathers facts)',
                  ansible_defaults='ANSIBLE_PIPELINING=False ANSIBLE_FORKS=5')
    try:
        if args.metrics_cost:
            report['metrics_cost'] = metrics_cost(image, workdir, args.metrics_cost)
        elif args.floor:
            report['floor'] = floor_rounds(image, workdir, args.floor)
        elif args.compare:
            report['compare'] = compare_rounds(image, workdir, args.compare, args.runs)
        else:
            measure_all(report, args, image, workdir)
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == '__main__':
    main()
