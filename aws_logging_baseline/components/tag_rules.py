"""`baseline:tags` checked by AWS's tagging rules, before any resource is registered.

https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (tag naming limits and requirements):
at most 50 tags per resource; a key of 1 to 128 characters and a value of 0 to 256; letters, numbers and
spaces representable in UTF-8 and `_ . : / = + - @`; keys and values starting `aws:` are reserved for AWS.
The baseline adds its own tags (BASELINE_TAG_KEYS) to every resource, so they count against the 50.
"""

import re

from aws_logging_baseline.echo import echo

MAX_TAGS = 50
BASELINE_TAG_KEYS = ("ManagedBy", "Baseline")
MAX_KEY, MAX_VALUE = 128, 256
_CHARACTERS = re.compile(r"[\w .:/=+\-@]*")  # \w: letters and numbers of any script, as AWS allows
MAX_PROBLEMS = 10  # problems listed before "... and N more"


def tag_problems(key_name: str, tags: tuple[str, ...]) -> list[str]:
    """Problems with the Key=Value strings of `tags`, each a line starting with `key_name`."""
    room = MAX_TAGS - len(BASELINE_TAG_KEYS)
    if len(tags) > room:  # first, and alone: 50,000 tags must not mean 50,000 checks and messages
        return [f"{key_name}: {len(tags)} tags; AWS allows {MAX_TAGS} per resource and the baseline adds "
                f"{len(BASELINE_TAG_KEYS)} ({', '.join(BASELINE_TAG_KEYS)}), so at most {room}"]
    problems: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        key, sep, value = tag.partition("=")
        if not sep:
            problems.append(f"{key_name}: {echo(tag)} is not Key=Value")
            continue
        if not 1 <= len(key) <= MAX_KEY:
            problems.append(f"{key_name}: key {echo(key)} must be 1 to {MAX_KEY} characters, it has {len(key)}")
        if len(value) > MAX_VALUE:
            problems.append(f"{key_name}: the value of {echo(key)} must be at most {MAX_VALUE} characters, it has {len(value)}")
        if not (_CHARACTERS.fullmatch(key) and _CHARACTERS.fullmatch(value)):
            problems.append(f"{key_name}: {echo(tag)} has characters AWS does not allow in tags "
                            "(letters, numbers, spaces and _ . : / = + - @)")
        if key.lower().startswith("aws:") or value.lower().startswith("aws:"):
            problems.append(f"{key_name}: {echo(tag)}: the aws: prefix is reserved for AWS")
        if key in seen:
            problems.append(f"{key_name}: key {echo(key)} is given more than once")
        seen.add(key)
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [f"{key_name}: ... and {len(problems) - MAX_PROBLEMS} more problems"]
    return problems
