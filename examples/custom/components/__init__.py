"""This team's own components; the baseline lives in its own namespace (aws_logging_baseline), so both coexist."""
