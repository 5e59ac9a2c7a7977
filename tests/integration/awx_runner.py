"""Run a playbook of the collection the way AWX does: ansible-runner with a private data dir
(project, inventory, env), then read the job's artifacts (status, rc, host events). Prints a
JSON summary and exits non-zero unless the job succeeded with a play recap and no failed event.

  awx_runner.py --project <repo> --inventory <inventory> --playbook playbooks/verify.yml [--check]

With --container-image the job runs inside that execution environment, as AWX runs every job:
ansible-runner's process isolation with docker, the project copied into the private data dir
as AWX's checkout would hold it (its collections/ link to itself included), the environment
AWX's job adds (collection and role paths), the inventory copied beside it, and a machine
credential's user and SSH key (--user, --ssh-key: runner hands the key to ssh-agent inside the
container). --thin-project copies only playbooks/: a project of playbooks that gets
kafkaops.kraft from the execution environment alone.

  awx_runner.py ... --container-image kraft-ee:<tag> --network kraft-test --mount <dir> \\
      --user deploy --ssh-key <key file>
"""
import argparse
import configparser
import json
import os
import shutil
import sys
import tempfile

import ansible_runner

# What a checkout of the project holds that is not in git (AWX's would not have it).
PROJECT_IGNORE = shutil.ignore_patterns('.git', '.venv*', '.cache', '__pycache__', '.pytest_cache', '*.tar.gz', '*.tgz',
                                        'output')
# The directory of a role's tasks inside a collection: what a task path is cut at.
COLLECTION_MARK = '/ansible_collections/kafkaops/kraft/'


def awx_path_env(project):
    """The collection and role paths AWX's job environment sets (RunJob.build_env): the job's
    requirements directory, the project's ansible.cfg `collections_paths` / `roles_path` when
    set, then Ansible's defaults. ansible-core 2.19 reads ANSIBLE_COLLECTIONS_PATH only, so the
    project's ansible.cfg `collections_path`, if any, still decides where collections come from."""
    config = configparser.ConfigParser()
    config.read(os.path.join(project, 'ansible.cfg'))
    env = {}
    for key, setting, folder, default in (
            ('ANSIBLE_COLLECTIONS_PATHS', 'collections_paths', 'requirements_collections',
             '~/.ansible/collections:/usr/share/ansible/collections'),
            ('ANSIBLE_ROLES_PATH', 'roles_path', 'requirements_roles', '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles')):
        paths = default.split(':')
        if config.has_option('defaults', setting):
            paths = [config.get('defaults', setting)] + paths
        env[key] = ':'.join(['/runner/' + folder] + paths)
    return env


def read_artifact(private, ident, name):
    try:
        with open(os.path.join(private, 'artifacts', ident, name)) as handle:
            return handle.read().strip()
    except OSError:
        return None


def summarize(result, private, ident):
    events = list(result.events)
    tasks_ok = sorted(set(e['event_data'].get('task') for e in events if e['event'] == 'runner_on_ok'))
    failed = [e['event_data'].get('task') for e in events if e['event'] == 'runner_on_failed'
              and not e['event_data'].get('ignore_errors')]
    unreachable = sorted(set(e['event_data'].get('host') for e in events if e['event'] == 'runner_on_unreachable'))
    stats = [e['event_data'] for e in events if e['event'] == 'playbook_on_stats']
    # Where the collection's role tasks were loaded from (the EE's installed copy, or the checkout's).
    roots = sorted(set(path.split(COLLECTION_MARK)[0] + COLLECTION_MARK.rstrip('/')
                       for path in (e['event_data'].get('task_path') or '' for e in events
                                    if e['event'] in ('runner_on_ok', 'runner_on_skipped'))
                       if COLLECTION_MARK in path and '/roles/' in path))
    changed = {}
    if stats:
        changed = dict((host, count) for host, count in (stats[-1].get('changed') or {}).items())
    rc_file = read_artifact(private, ident, 'rc')
    return dict(status=result.status, rc=result.rc, artifact_status=read_artifact(private, ident, 'status'),
                artifact_rc=int(rc_file) if rc_file not in (None, '') else None,
                events=len(events), recap=bool(stats), failed_tasks=failed, unreachable=unreachable,
                changed=changed, changed_total=sum(changed.values()), ok_tasks=tasks_ok,
                collection_roots=roots, stats=result.stats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--project', required=True)
    parser.add_argument('--inventory', required=True)
    parser.add_argument('--playbook', required=True)
    parser.add_argument('--check', action='store_true')
    parser.add_argument('--container-image', help='run inside this execution environment (docker)')
    parser.add_argument('--network', help='docker network of the EE container (where the hosts are)')
    parser.add_argument('--mount', action='append', default=[], help='host directory mounted read-only at the same path')
    parser.add_argument('--user', help="the machine credential's user (ansible-playbook -u)")
    parser.add_argument('--ssh-key', help="the machine credential's private key file")
    parser.add_argument('--thin-project', action='store_true', help='copy only playbooks/ into the project')
    parser.add_argument('--ident', default='job')
    args = parser.parse_args()
    private = tempfile.mkdtemp(prefix='awx-job-')
    try:
        envvars = {'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0'}
        for name in ('MOLECULE_EPHEMERAL_DIRECTORY', 'KRAFT_KAFKA_ARCHIVE'):
            if os.environ.get(name):
                envvars[name] = os.environ[name]
        cmdline = ['--check'] if args.check else []
        if args.user:
            cmdline += ['-u', args.user]
        kwargs = dict(private_data_dir=private, playbook=args.playbook, envvars=envvars, ident=args.ident,
                      cmdline=' '.join(cmdline) or None, quiet=True, json_mode=False)
        if args.ssh_key:
            # Where AWX puts a machine credential's key: runner feeds it to ssh-agent for the job.
            os.makedirs(os.path.join(private, 'env'), mode=0o700)
            shutil.copyfile(args.ssh_key, os.path.join(private, 'env', 'ssh_key'))
            os.chmod(os.path.join(private, 'env', 'ssh_key'), 0o600)
        if args.container_image:
            # AWX's layout: /runner/project (a checkout), /runner/inventory; nothing else of the host.
            project = os.path.join(private, 'project')
            if args.thin_project:
                shutil.copytree(os.path.join(args.project, 'playbooks'), os.path.join(project, 'playbooks'))
            else:
                shutil.copytree(args.project, project, symlinks=True, ignore=PROJECT_IGNORE)
            envvars.update(awx_path_env(project))
            shutil.copytree(args.inventory, os.path.join(private, 'inventory'))
            kwargs.update(process_isolation=True, process_isolation_executable='docker',
                          container_image=args.container_image,
                          container_options=['--network=%s' % args.network] if args.network else [],
                          container_volume_mounts=['%s:%s:ro' % (path, path) for path in args.mount])
        else:
            # AWX points ANSIBLE_COLLECTIONS_PATH at the collections the project (or EE) provides;
            # here the checkout's collections/ link.
            envvars['ANSIBLE_COLLECTIONS_PATH'] = os.path.join(args.project, 'collections')
            kwargs.update(project_dir=args.project, inventory=args.inventory)
        result = ansible_runner.run(**kwargs)
        summary = summarize(result, private, args.ident)
        if summary['failed_tasks'] or not summary['recap']:
            summary['stdout_tail'] = (read_artifact(private, args.ident, 'stdout') or '')[-4000:]
        print(json.dumps(summary))
        ok = (result.status == 'successful' and result.rc == 0 and summary['artifact_status'] == 'successful'
              and summary['artifact_rc'] == 0 and summary['recap'] and not summary['failed_tasks']
              and not summary['unreachable'])
        return 0 if ok else 1
    finally:
        shutil.rmtree(private, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
