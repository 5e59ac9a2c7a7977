#!/usr/bin/env python3
"""Deploy benchmark: six bare containers -> verified cluster, split by play, then an idempotent
re-run and a gated rolling restart of all six nodes. Prints JSON (machine noted).

Run through `make bench` (it builds the harness and brings up bare containers first)."""

import datetime
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
BIN = os.path.dirname(sys.executable)


def playbook(name, *extra):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'))
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'inventories/local',
                           'playbooks/%s.yml' % name] + list(extra),
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit('%s failed (rc %s)' % (name, proc.returncode))
    result = json.loads(proc.stdout)

    def seconds(duration):
        parse = lambda value: datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
        return round((parse(duration['end']) - parse(duration['start'])).total_seconds(), 1)

    plays = [dict(play=p['play']['name'], seconds=seconds(p['play']['duration'])) for p in result['plays']]
    changed = sum(stats.get('changed', 0) for stats in result['stats'].values())
    return dict(wall_seconds=round(wall, 1), plays=plays, changed=changed)


def machine():
    with open('/proc/meminfo') as handle:
        mem_kib = int(handle.readline().split()[1])
    return dict(cores=os.cpu_count(), memory_gib=round(mem_kib / 1048576, 1), kernel=platform.release(),
                python=platform.python_version(), connection='community.docker.docker, pipelining on')


def main():
    report = dict(date=datetime.date.today().isoformat(), machine=machine())
    report['first_deploy'] = playbook('site')
    report['second_run'] = playbook('site')
    report['rolling_restart'] = playbook('rolling_restart')
    print(json.dumps(report, indent=2))


if __name__ == '__main__':
    main()
