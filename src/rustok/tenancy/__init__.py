"""Tenants: resolution, validation, cache, administration and per-tenant modules."""
