"""Every root field a module contributes answers NOT_FOUND for tenants that disabled the
module (T-6), as its REST routes answer 404: added here for every module, as ``create_app``
adds the module guard to every module route, so no field can forget it."""

from __future__ import annotations

from strawberry.permission import PermissionExtension
from strawberry.types.base import get_object_definition

from rustok.web.permissions import module_enabled


def guard_module_fields(kind: type, slug: str) -> None:
    """Give each field of ``kind`` the ``module_enabled(slug)`` check it does not have yet
    (after its own permissions, as the route guard runs after the permission check)."""
    definition = get_object_definition(kind, strict=True)
    for field in definition.fields:
        if any(getattr(p, "module", None) == slug for p in field.permission_classes):
            continue
        guard = module_enabled(slug)
        field.permission_classes.append(guard)
        extension = next((e for e in field.extensions if isinstance(e, PermissionExtension)), None)
        if extension is None:
            field.extensions.append(PermissionExtension([guard()], use_directives=False))
        else:
            extension.permissions.append(guard())
