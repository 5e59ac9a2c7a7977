"""ansible-playbook on this machine, through the local connection, for the integration tests that
run the collection's plugins for real (test_push_actions.py, test_template_lookup.py)."""
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def run_play(tmp_path, tasks, argv_extra=(), play_vars=None, **env):
    """ansible-playbook running `tasks` (with `play_vars`) on localhost through the local connection,
    remote_tmp under tmp_path/remote-tmp unless env says otherwise; the finished process."""
    play = dict(hosts='localhost', gather_facts=False, tasks=tasks)
    if play_vars:
        play['vars'] = play_vars
    path = tmp_path / 'play.yml'
    path.write_text(json.dumps([play]))
    env = dict(dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_REMOTE_TMP=str(tmp_path / 'remote-tmp'),
                    ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_INVENTORY_UNPARSED_WARNING='False'), **env)
    argv = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
            '-e', 'ansible_python_interpreter=' + sys.executable, str(path)] + list(argv_extra)
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def play_results(tmp_path, tasks, argv_extra=(), play_vars=None, **env):
    """run_play with the JSON callback; (rc, {task name: localhost's result})."""
    proc = run_play(tmp_path, tasks, argv_extra, play_vars, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', **env)
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(proc.stdout[-3000:] + proc.stderr[-3000:])
    return proc.returncode, dict((task['task']['name'], task['hosts']['localhost']) for task in out['plays'][0]['tasks'])
