"""Command line of the AWS logging & monitoring baseline: `python -m baseline preview | check | audit`."""
