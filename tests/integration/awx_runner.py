"""Run a playbook of the collection the way AWX does: ansible-runner with a private data dir
(project, inventory, env), then read the job's status and events. Prints a JSON summary and
exits non-zero unless the job succeeded with no failed event.

  awx_runner.py --project <repo> --inventory <inventory> --playbook playbooks/verify.yml [--check]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import ansible_runner


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--project', required=True)
    parser.add_argument('--inventory', required=True)
    parser.add_argument('--playbook', required=True)
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    private = tempfile.mkdtemp(prefix='awx-job-')
    try:
        # AWX copies the project in and points ANSIBLE_COLLECTIONS_PATH at the collections the
        # project (or execution environment) provides; here the checkout's collections/ link.
        envvars = {'ANSIBLE_COLLECTIONS_PATH': os.path.join(args.project, 'collections'),
                   'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0'}
        for name in ('MOLECULE_EPHEMERAL_DIRECTORY', 'KRAFT_KAFKA_ARCHIVE'):
            if os.environ.get(name):
                envvars[name] = os.environ[name]
        result = ansible_runner.run(private_data_dir=private, project_dir=args.project,
                                    playbook=args.playbook, inventory=args.inventory,
                                    envvars=envvars, cmdline='--check' if args.check else None,
                                    quiet=True, json_mode=False)
        events = list(result.events)
        tasks_ok = sorted(set(e['event_data'].get('task') for e in events if e['event'] == 'runner_on_ok'))
        failed = [e['event_data'].get('task') for e in events if e['event'] == 'runner_on_failed'
                  and not e['event_data'].get('ignore_errors')]
        summary = dict(status=result.status, rc=result.rc, events=len(events), failed_tasks=failed,
                       ok_tasks=tasks_ok, stats=result.stats)
        print(json.dumps(summary))
        return 0 if result.status == 'successful' and result.rc == 0 and not failed else 1
    finally:
        shutil.rmtree(private, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
