"""Offline evaluation of AWS IAM policies (evaluator, conditions) and the access proofs built on it: the plan's
stores and documents (plan), the service deliveries and outsiders evaluated against them (proofs), and the
outsider requests one resource policy lets in (open_grants)."""
