"""The admin UI's cookie names, for the tenant middleware too (which imports nothing else of
the admin: its pages are imported on first use, ``rustok.api.admin_mount``)."""

SESSION_COOKIE = "rustok_admin"
TENANT_COOKIE = "rustok_admin_tenant"
