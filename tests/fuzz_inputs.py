"""Seeded generator of broken and hostile inputs for the tools (tests/baseline/test_fuzz.py and
benchmarks/bench_fuzz.py): stack files, account fixtures, policy configs, `-c` flags and Pulumi.yaml files,
each a small mutation of a valid one (a hostile value, a typo'd key, a wrong shape, broken YAML), so most
cases get past the first check and reach a later one."""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SEED = 20261130
KINDS = ("stack", "fixture", "policy-config", "config-flag", "project")

# What a validating program does first: the components' settings check (no resources, so a case is cheap).
PROGRAM_MAIN = "from aws_logging_baseline.components.settings import load_settings\n\nload_settings()\n"

BILLION_LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9))


@dataclass
class Case:
    kind: str
    name: str
    stack: str = ""  # Pulumi.dev.yaml text
    project: str = ""  # Pulumi.yaml text
    fixture: str = ""  # account fixture text
    policy_config: str = ""  # --policy-config file text
    flags: list[str] = field(default_factory=list)  # -c values


def _hostile_values(rng: random.Random) -> list:
    return [
        "", " ", "a" * rng.choice((300, 5000, 200_000)), "١١١١١١١١١١١١", "111111111111\n", "mars-1", "us-east-1\n",
        -1, 0, 2 ** 63, 10 ** 200, 1.5, float("inf"), True, None, [], {}, [[[]]], ["x"] * rng.choice((3, 60, 5000)),
        {"secure": "AAAA"}, {"a": {"b": {"c": 1}}}, "aws:owner=me", "Owner=" + "v" * 300, "=", "rate(٥ minutes)",
        "o-a1b2c3d4e5\n", "arn:aws:kms:us-east-1:١١١١١١١١١١١١:key/x", "\x00", "${env:HOME}", "'", "[",
        "\u202eevil", "a@b", [f"K{i}=v" for i in range(rng.choice((49, 51, 2000)))],
    ]


def _typo(rng: random.Random, key: str) -> str:
    if not key:
        return "x"
    position = rng.randrange(len(key))
    action = rng.choice(("drop", "swap", "add", "case"))
    if action == "drop":
        return key[:position] + key[position + 1:]
    if action == "add":
        return key[:position] + rng.choice("xyz:_-") + key[position:]
    if action == "case":
        return key.swapcase()
    if position + 1 < len(key):
        return key[:position] + key[position + 1] + key[position] + key[position + 2:]
    return key + "s"


def _break_text(rng: random.Random, text: str) -> str:
    """Text-level damage: truncation, a stray character, tabs, an alias bomb, deep nesting, a 5000-digit int."""
    action = rng.choice(("truncate", "stray", "tab", "aliases", "deep", "bigint", "binary", "duplicate"))
    if action == "truncate":
        return text[: rng.randrange(len(text))]
    if action == "stray":
        position = rng.randrange(len(text))
        return text[:position] + rng.choice(":[]{}&*!|>%@`\"'") + text[position:]
    if action == "tab":
        return text.replace("  ", "\t", 1)
    if action == "aliases":
        return text + BILLION_LAUGHS
    if action == "deep":
        depth = rng.choice((40, 1000, 20_000))
        return text + "deep: " + "[" * depth + "]" * depth + "\n"
    if action == "bigint":
        return text + "big: " + "9" * 5000 + "\n"
    if action == "binary":
        return text + "blob: !!binary aGVsbG8=\nobj: !!python/object:os.system x\n"
    return text + text  # duplicate keys (YAML allows them; the last wins)


def _mutate_mapping(rng: random.Random, doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))  # a deep copy of plain data
    keys = list(doc)
    action = rng.choice(("value", "value", "typo", "drop", "extra", "shape"))
    key = rng.choice(keys) if keys else "x"
    if action == "value":
        doc[key] = rng.choice(_hostile_values(rng))
    elif action == "typo":
        doc[_typo(rng, key)] = doc.pop(key)
    elif action == "drop":
        doc.pop(key, None)
    elif action == "extra":
        doc[rng.choice(("configx", "unknown", "baseline:namePrefx", "baseline:", ":x", "a:b:c", 5))] = "x"
    else:
        return rng.choice(([doc], "text", 5, None, {"config": [doc]}))
    return doc


def _dump(rng: random.Random, doc) -> str:
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10_000)
    return _break_text(rng, text) if rng.random() < 0.3 else text


def generate(count: int = 300, seed: int = SEED) -> list[Case]:
    rng = random.Random(seed)
    stack = yaml.safe_load((REPO / "Pulumi.example.yaml").read_text())
    fixture = yaml.safe_load((REPO / "examples" / "account.yaml").read_text())
    project = {"name": "baseline", "runtime": "python",
               "config": {"baseline:namePrefix": {"type": "string", "default": "baseline"},
                          "baseline:regions": {"type": "array", "items": {"type": "string"}, "default": ["us-east-1"]},
                          "baseline:logRetentionDays": {"type": "integer", "default": 365}}}
    good_stack = yaml.safe_dump(stack, sort_keys=False)
    cases = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        name = f"{kind}-{index}"
        if kind == "stack":
            config = stack["config"]
            mutated = {"config": _mutate_mapping(rng, config)} if rng.random() < 0.8 else _mutate_mapping(rng, stack)
            cases.append(Case(kind, name, stack=_dump(rng, mutated)))
        elif kind == "fixture":
            doc = _mutate_mapping(rng, fixture)
            if isinstance(doc, dict) and rng.random() < 0.3 and isinstance(doc.get("vpcs"), dict):
                doc["vpcs"] = _mutate_mapping(rng, doc["vpcs"])
            cases.append(Case(kind, name, stack=good_stack, fixture=_dump(rng, doc)))
        elif kind == "policy-config":
            policies = ["cloudtrail-multi-region-enabled", "cw-loggroup-retention-period-check", "kms-key-deletion-window",
                        "all", "no-such-policy"]
            doc = {rng.choice(policies): rng.choice(["mandatory", "advisory", "disabled", "strict",
                                                     {"enforcementLevel": "advisory"}, {"minRetentionDays": "a year"},
                                                     {"minimumDay": 7}, 5, None, [1]])
                   for _ in range(rng.randrange(0, 4))}
            text = json.dumps(doc)
            if rng.random() < 0.3:
                text = rng.choice((text[: max(1, len(text) // 2)], "[" * 50_000 + "]" * 50_000, "9" * 5000,
                                   '{"all": "advisory", "all": 1}', "\ufeff{}", "null"))
            cases.append(Case(kind, name, stack=good_stack, policy_config=text))
        elif kind == "config-flag":
            keys = ["baseline:namePrefix", "namePrefix", "baseline:logRetentionDays", "aws:region", "baseline:tags",
                    "baseline:regions", ":", "a:b:c", "", "baseline:namePrefx", "baseline:replicaAccountId"]
            flags = []
            for _ in range(rng.randrange(1, 4)):
                value = rng.choice(_hostile_values(rng))
                text = value if isinstance(value, str) else json.dumps(value)
                flags.append(f"{rng.choice(keys)}{rng.choice(('=', '=', '', '=='))}{text}")
            cases.append(Case(kind, name, stack=good_stack, flags=flags))
        else:
            doc = _mutate_mapping(rng, project)
            if isinstance(doc, dict) and isinstance(doc.get("config"), dict) and rng.random() < 0.6:
                doc["config"] = _mutate_mapping(rng, doc["config"])
                entry = doc["config"].get("baseline:regions") if isinstance(doc["config"], dict) else None
                if isinstance(entry, dict) and rng.random() < 0.5:
                    doc["config"]["baseline:regions"] = _mutate_mapping(rng, entry)
            cases.append(Case(kind, name, stack=good_stack, project=_dump(rng, doc)))
    return cases


def write_program(directory: Path, case: Case) -> tuple[Path, Path]:
    """The case's program directory (Pulumi.yaml, Pulumi.dev.yaml, the validating __main__.py) and fixture."""
    directory.mkdir(parents=True, exist_ok=True)
    project = case.project or (REPO / "Pulumi.yaml").read_text()
    (directory / "Pulumi.yaml").write_text(project, encoding="utf-8")
    (directory / "Pulumi.dev.yaml").write_text(case.stack or "config: {}\n", encoding="utf-8")
    (directory / "__main__.py").write_text(PROGRAM_MAIN)
    fixture = directory / "account.yaml"
    fixture.write_text(case.fixture or (REPO / "examples" / "account.yaml").read_text(), encoding="utf-8")
    return directory, fixture
