import os
import sys

# The repository is the collection kafkaops.kraft; collections/ makes it importable as
# ansible_collections.kafkaops.kraft, as Ansible imports it.
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'collections'))
