# The two commands of the README:
#   make cluster   deploy a verified 3-controller + 3-broker cluster on six local containers
#   make test      lint, unit tests and every Molecule scenario (what CI runs)
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?= python3
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(abspath ansible.cfg)
export KRAFT_KAFKA_ARCHIVE := $(abspath .cache/kafka/kafka_2.13-4.4.0.tgz)
# The previous release, for the upgrade checks (built beside it by `make harness`).
KAFKA_PREVIOUS := 4.3.1
IMAGE_TAG = $(shell cat .cache/image-tag)
# Debian 13 (Java 21) for the ssh scenario: the roles proven on two Debian releases.
IMAGE_TAG_DEBIAN13 = $(shell cat .cache/image-tag-trixie)
SCENARIOS ?= default secure ssh
KAFKA_BIN := /opt/kafka/current/bin

# ansible-test sanity needs git (it lists the collection's files) and PyPI (its requirements).
.PHONY: help venv floor-venv harness ee image-debian13 cluster cluster-down test lint unit molecule bench bench-metrics bench-floor bench-compare clean promtool

help:
	@echo "make cluster       deploy the 6-node KRaft cluster on local containers and verify it"
	@echo "make cluster-down  remove the local cluster's containers"
	@echo "make test          lint + unit tests + molecule test (what CI runs)"
	@echo "make bench         plain and Mitogen: deploy, re-run, rolling restart, scale 3+1/3+3/3+5 (medians of 3), profile, cluster (~35 min)"
	@echo "make bench-metrics what the metrics exporter adds to a first deploy (3 paired runs, ~8 min)"
	@echo "make bench-floor   a first deploy against the same node work without Ansible (3 rounds, ~6 min)"
	@echo "make bench-compare REV=<commit>  this tree against another revision, paired (3 rounds, ~15 min)"
	@echo "make ee            build the AWX execution environment image from local parts (no registry)"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# The oldest ansible-core meta/runtime.yml claims (requires_ansible ">=X"), in its own venv: the
# unit tests and the default scenario's floor check run on it, so the claim is tested.
FLOOR_VENV ?= .venv-floor
ANSIBLE_FLOOR := $(shell sed -n 's/^requires_ansible: ">=\([0-9.]*\).*/\1/p' meta/runtime.yml)
export KRAFT_FLOOR_VENV := $(abspath $(FLOOR_VENV))
floor-venv: $(FLOOR_VENV)/.installed
$(FLOOR_VENV)/.installed: meta/runtime.yml requirements-dev.txt
	$(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/pip install -q --upgrade pip
	$(FLOOR_VENV)/bin/pip install -q ansible-core==$(ANSIBLE_FLOOR) $$(grep -E '^(kafka-python|pytest)==' requirements-dev.txt)
	touch $@

# Docker daemon, test image (debootstrap + docker import) and Kafka archive (Maven Central).
harness: venv
	bash tests/harness/ensure-docker.sh
	bash tests/harness/build-image.sh
	bash tests/harness/build-kafka-archive.sh
	KAFKA_VERSION=$(KAFKA_PREVIOUS) bash tests/harness/build-kafka-archive.sh
	bash tests/harness/fetch-jmx-exporter.sh

# molecule destroy first: it also forgets Molecule's record of containers a killed run left.
cluster: harness
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule destroy -s default >/dev/null 2>&1 || true
	bash tests/harness/cleanup.sh
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule create -s default
	ansible-playbook -i inventories/local playbooks/site.yml
	@echo
	@echo "Cluster up. Try it (topics are not auto-created):"
	@echo "  docker exec kafka-broker-1 $(KAFKA_BIN)/kafka-topics.sh --bootstrap-server 172.28.70.21:9092 --create --topic demo"
	@echo "  echo hello | docker exec -i kafka-broker-1 $(KAFKA_BIN)/kafka-console-producer.sh --bootstrap-server 172.28.70.21:9092 --topic demo"
	@echo "  docker exec kafka-broker-2 $(KAFKA_BIN)/kafka-console-consumer.sh --bootstrap-server 172.28.70.22:9092 --topic demo --from-beginning --max-messages 1"
	@echo "  docker exec kraft-controller-1 $(KAFKA_BIN)/kafka-metadata-quorum.sh --bootstrap-controller 172.28.70.11:9093 describe --status   # voters, directory IDs"
	@echo "  . $(VENV)/bin/activate && ansible-playbook -i inventories/local playbooks/verify.yml   # health report"
	@echo "  make cluster-down                                                                  # remove the containers"

cluster-down: venv
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule destroy -s default || true
	bash tests/harness/cleanup.sh

# promtool (alert rules checks) comes with Debian's prometheus package; its service is not started.
promtool:
	command -v promtool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

# ansible-test's shellcheck test is skipped, not failed, without shellcheck: install it (Debian).
lint: venv
	command -v shellcheck >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; }
	$(MAKE) promtool
	promtool check rules prometheus/kafka-alerts.yml
	yamllint -s .
	ansible-lint
	for i in example example-secure; do for p in playbooks/*.yml; do ansible-playbook -i inventories/$$i --syntax-check $$p || exit 1; done; done
	ansible-playbook --syntax-check awx/configure_awx.yml
	antsibull-changelog lint
	bash tests/harness/ansible-test.sh sanity

unit: venv floor-venv promtool
	pytest -q tests/unit tests/integration
	cd prometheus/tests && promtool test rules kafka-alerts.test.yml
	$(FLOOR_VENV)/bin/python -m pytest -q tests/unit
	bash tests/harness/ansible-test.sh units

# The AWX execution environment, built from local parts (tests/harness/build-ee.sh); the ssh
# scenario runs the job templates' playbooks from inside it. Tag in .cache/ee-image-tag.
ee: harness
	bash tests/harness/build-ee.sh

# A target of its own: the molecule recipe reads its tag file when make expands the recipe.
image-debian13: harness
	bash tests/harness/build-image.sh trixie

molecule: harness floor-venv image-debian13 promtool ee
	bash tests/harness/cleanup.sh
	set -e; for s in $(SCENARIOS); do \
	  KRAFT_TEST_IMAGE=$(IMAGE_TAG) KRAFT_TEST_IMAGE_DEBIAN13=$(IMAGE_TAG_DEBIAN13) KRAFT_EE_IMAGE=$$(cat .cache/ee-image-tag) \
	    bash tests/harness/molecule-test.sh $$s \
	    || { bash tests/harness/cleanup.sh; exit 1; }; \
	done
	bash tests/harness/cleanup.sh

test: lint unit molecule

# bench/results/.<name>.json (what bench.py just printed) to bench/results/<name>-<date>.json, or
# <name>-<date>-<n>.json where a bench of that name ran that day already (another machine, another
# commit): never over an earlier file; then print it.
keep_result = out=bench/results/$(1)-$$(date +%Y%m%d).json; n=2; \
	while [ -e $$out ]; do out=bench/results/$(1)-$$(date +%Y%m%d)-$$n.json; n=$$((n+1)); done; \
	mv bench/results/.$(1).json $$out && cat $$out

# Benchmarks (bench/bench.py), plain Ansible and Mitogen paired, medians of 3: first deploy, re-run,
# gated rolling restart, scale 3+1/3+3/3+5, the first deploy's per-task profile; producer throughput
# and end-to-end latency, Ansible settings before/after; JSON to bench/results/.
bench: harness
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule destroy -s default >/dev/null 2>&1 || true
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) python bench/bench.py $(BENCH_ARGS) > bench/results/.bench.json
	$(call keep_result,bench)

# What the metrics exporter adds to a first deploy: 3 paired first deploys, off and on.
bench-metrics: harness
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule destroy -s default >/dev/null 2>&1 || true
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) python bench/bench.py --metrics-cost 3 > bench/results/.metrics-cost.json
	mv bench/results/.metrics-cost.json bench/results/metrics-cost-$$(date +%Y%m%d).json
	cat bench/results/metrics-cost-$$(date +%Y%m%d).json

# How far a first deploy is above the same node work done without Ansible: 3 rounds
# (BENCH_ARGS="--floor N" for another count).
bench-floor: harness
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule destroy -s default >/dev/null 2>&1 || true
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) python bench/bench.py --floor 3 $(BENCH_ARGS) > bench/results/.floor.json
	$(call keep_result,floor)

# This tree against another revision, paired (first deploy and second run, 3 rounds):
#   make bench-compare REV=<commit>
bench-compare: harness
	@test -n "$(REV)" || { echo "make bench-compare needs REV=<git revision> to compare this tree with" >&2; exit 2; }
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) molecule destroy -s default >/dev/null 2>&1 || true
	KRAFT_TEST_IMAGE=$(IMAGE_TAG) python bench/bench.py --compare $(REV) $(BENCH_ARGS) > bench/results/.compare.json
	$(call keep_result,compare)

clean: cluster-down
	rm -rf $(VENV) .cache
