"""The baseline program: validated settings in, one AccountBaseline, its outputs exported. No logic here."""

import pulumi

from components import AccountBaseline, load_settings

settings = load_settings()
baseline = AccountBaseline("baseline", settings)
for key, value in baseline.outputs.items():
    pulumi.export(key, value)
