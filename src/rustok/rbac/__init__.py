"""Roles, permissions and their per-tenant grants."""
