"""Offline evaluation of AWS IAM policies: who can do what on a resource."""
