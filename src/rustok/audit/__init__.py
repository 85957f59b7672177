"""The audit log: who did what, to what, from where (A-9)."""
