"""One module per service check group. Each returns a list of findings; AWS errors become "unknown" findings."""
