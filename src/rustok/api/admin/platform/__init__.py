"""The platform's admin screens (issue 18): events, audit log, API keys, users, invitations
and sessions, tenants. Platform parts belong to no module, so they sit next to the shell and
are always in the sidebar (for callers holding each screen's permission)."""

from __future__ import annotations

from pathlib import Path

from rustok.api.admin.middleware import ADMIN_ACCESS
from rustok.api.admin.platform.api_keys import KEYS_PATH, ApiKeysAdminController
from rustok.api.admin.platform.audit import AUDIT_PATH, AuditAdminController
from rustok.api.admin.platform.events import EVENTS_PATH, EventsAdminController
from rustok.api.admin.platform.invites import INVITES_PATH, InvitesAdminController
from rustok.api.admin.platform.sessions import SESSIONS_PATH, SessionsAdminController
from rustok.api.admin.platform.tenants import (
    MODULES_PATH,
    TENANTS_PATH,
    ModulesAdminController,
    TenantsAdminController,
)
from rustok.api.admin.platform.users import USERS_PATH, UsersAdminController
from rustok.core.module import AdminScreen
from rustok.web.admin.i18n import N_

PLATFORM_HANDLERS = [
    EventsAdminController, AuditAdminController, SessionsAdminController, ApiKeysAdminController,
    UsersAdminController, InvitesAdminController, TenantsAdminController,
    ModulesAdminController,
]  # fmt: skip
PLATFORM_SCREENS = (
    AdminScreen(N_("Events"), EVENTS_PATH, "logs:list"),
    AdminScreen(N_("Audit log"), AUDIT_PATH, "audit:list"),
    AdminScreen(N_("API keys"), KEYS_PATH, "api_keys:list"),
    AdminScreen(N_("Users"), USERS_PATH, "users:list"),
    AdminScreen(N_("Invitations"), INVITES_PATH, "users:list"),
    AdminScreen(N_("Modules"), MODULES_PATH, "modules:list"),
    AdminScreen(N_("Tenants"), TENANTS_PATH, "tenants:list"),
    # Any signed-in user's own sessions: shown to everyone the admin lets in.
    AdminScreen(N_("Your sessions"), SESSIONS_PATH, ADMIN_ACCESS),
)
# Under admin/templates, where the catalogue extraction looks (tests/admin/test_i18n.py).
PLATFORM_TEMPLATES = Path(__file__).parent.parent / "templates"
