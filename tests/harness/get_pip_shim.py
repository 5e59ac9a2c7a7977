"""Stand-in for ansible-test's pip bootstrap script (get-pip.py), which it downloads from a host
the test machines cannot reach: bootstrap pip from the interpreter's own ensurepip, then install
the requested pip from PyPI with the same arguments.

tests/harness/ansible-test.sh copies it to ~/.ansible/test/cache/get_pip_<version>.py."""
import subprocess
import sys

GET_PIP_ONLY = {'--no-setuptools', '--no-wheel'}

args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
