"""Benchmark of what the access proofs add to `check` of the example stack (a script, not a test):
`python benchmarks/bench_access.py [-n N]`. Target: at most 0.3 s.

Two parts: the proofs `check` computes in-process to print the delivery paths and exposure lines, and the pack's
access policies (log-delivery-paths-allowed, log-stores-refuse-outsiders, resource-policy-refuses-outsiders, and the
evaluator-based bucket, key and service-principal judgments), measured three ways: the CPU time of their own code called in-process as the host calls them; the pack process's
CPU time with them enabled minus disabled (includes the host's per-policy work: it deserializes every resource once
per stack policy); and the pack's wall time on minus off (noisy on a loaded machine).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aws_logging_baseline.access.plan import from_run  # noqa: E402
from aws_logging_baseline.access.proofs import prove  # noqa: E402
from aws_logging_baseline.offline.crossguard import PolicyPackProcess  # noqa: E402
from aws_logging_baseline.offline.engine import run_program  # noqa: E402

sys.path.insert(0, str(REPO / "aws_logging_baseline" / "policies"))  # the pack's modules, as the pack imports them

from google.protobuf import json_format  # noqa: E402
from pulumi_policy.deserialize import deserialize_properties  # noqa: E402
from pulumi_policy.proxy import unknown_checking_proxy  # noqa: E402

from baseline_policies import access_proofs, iam, kms, s3  # noqa: E402

FIXTURE = REPO / "examples" / "account.yaml"
# The access policies, and the resource-policy judgments that now evaluate documents instead of looking for keys
# (their old key-presence checks cost next to nothing, so counting them whole gives an upper bound).
ACCESS_POLICIES = ("log-delivery-paths-allowed", "log-stores-refuse-outsiders", "resource-policy-refuses-outsiders",
                   "s3-bucket-policy-no-public-principal", "s3-bucket-ssl-requests-only",
                   "kms-no-unconditioned-wildcard-principal", "iam-service-principal-source-conditions")
TARGET_SECONDS = 0.3


def _resource(registration, struct) -> SimpleNamespace:
    """A resource as the pack's host builds it: deserialized properties behind the unknown-checking proxy."""
    props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))
    return SimpleNamespace(resource_type=registration.type, props=props, urn=registration.urn, name=registration.name,
                           provider=None, get_config=lambda: {}, not_applicable=lambda reason: None)


def pack_cpu_seconds(run) -> float:
    """CPU time of the access policies' own work in the pack (no gRPC, no other policies): each stack policy
    gets freshly deserialized resources (the host deserializes per policy), each resource policy its inputs."""
    started = time.process_time()
    for validate in (access_proofs._deliveries, access_proofs._outsiders):
        resources = [_resource(r, r.output_struct) for r in run.resources]
        validate(SimpleNamespace(resources=resources, get_config=lambda: {}), lambda *a: None)
    for registration in run.resources:
        args = _resource(registration, registration.input_struct)
        for validate in (s3._no_public_principal, s3._ssl_only, kms._wildcard_principal, iam._service_conditions,
                         access_proofs._resource_policies):
            validate(args, lambda *a: None)
    return time.process_time() - started


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), unaffected by other processes' load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=7, help="repetitions (median reported)")
    args = parser.parse_args()
    run = run_program(REPO, "example", FIXTURE)
    in_process = []
    for _ in range(args.n):
        t = time.perf_counter()
        proofs = prove(*from_run(run))
        in_process.append(time.perf_counter() - t)
    with_access, without_access, cpu_on, cpu_off = [], [], [], []
    disabled = {name: "disabled" for name in ACCESS_POLICIES}
    with PolicyPackProcess(REPO / "aws_logging_baseline" / "policies") as pack:
        pack.check(run)  # warm up (imports, catalog)
        pid = pack.process.pid
        for _ in range(args.n):  # interleaved, so load on the machine affects both alike
            for config, wall, cpu in ((None, with_access, cpu_on), (disabled, without_access, cpu_off)):
                before = process_cpu_seconds(pid)
                wall.append(pack.check(run, config).analyze_seconds)
                cpu.append(process_cpu_seconds(pid) - before)
    cpu = [pack_cpu_seconds(run) for _ in range(args.n)]
    med = statistics.median
    pack_added = med(with_access) - med(without_access)
    added = med(in_process) + med(cpu)
    requests = len(proofs.deliveries) + sum(len(e.attempts) for e in proofs.exposures)
    print(f"example stack: {len(run.resources)} registrations, {requests} requests evaluated "
          f"({len(proofs.deliveries)} deliveries, {len(proofs.exposures)} stores) (n={args.n})")
    print(f"  check, in-process proofs (printed)     : {med(in_process):6.3f} s")
    print(f"  pack, access policies' CPU time        : {med(cpu):6.3f} s  (in-process, as the host calls them)")
    print(f"  pack process CPU on - off              : {med(cpu_on) - med(cpu_off):6.3f} s  ({med(cpu_on):.3f} - {med(cpu_off):.3f})")
    print(f"  pack, wall time on - off (noisy)       : {pack_added:6.3f} s  ({med(with_access):.3f} - {med(without_access):.3f})")
    print(f"  added to check (proofs + policies' CPU) : {added:6.3f} s  (target <= {TARGET_SECONDS} s: "
          f"{'met' if added <= TARGET_SECONDS else 'NOT met'})")


if __name__ == "__main__":
    main()
