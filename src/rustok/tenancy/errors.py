"""Tenant errors. Resolution errors are answered before routing (T-4)."""

from __future__ import annotations

from rustok.core.errors import Conflict, NotFound, PermissionDenied, RustokError
from rustok.tenancy.identifiers import InvalidTenantIdentifier


class TenantNotFound(NotFound):
    code = "TENANT_NOT_FOUND"
    title = "Tenant not found"


class TenantDisabled(PermissionDenied):
    code = "TENANT_DISABLED"
    title = "Tenant disabled"


class TenantExists(Conflict):
    code = "TENANT_EXISTS"
    title = "Tenant already exists"


class ModuleConflict(Conflict):
    code = "MODULE_DEPENDENCY_CONFLICT"
    title = "Module dependency conflict"


class ModuleRequired(Conflict):
    """Switching off a module the deployment requires (``RUSTOK_REQUIRED_MODULES``)."""

    code = "MODULE_REQUIRED"
    title = "Module required"


class ModuleNotFound(NotFound):
    code = "MODULE_NOT_FOUND"
    title = "Module not found"


class ModuleHookFailed(RustokError):
    code = "MODULE_HOOK_FAILED"
    title = "Module hook failed"


__all__ = [
    "InvalidTenantIdentifier",
    "ModuleConflict",
    "ModuleHookFailed",
    "ModuleNotFound",
    "ModuleRequired",
    "TenantDisabled",
    "TenantExists",
    "TenantNotFound",
]
