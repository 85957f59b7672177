"""The admin UI kit (issue 18, SYSTEM.md §16): what every module's admin pages share.

- ``render``: the Jinja environment, :func:`page` (a full page with the sidebar, breadcrumbs,
  flash message and CSRF token) and :func:`redirect_with_flash`;
- ``lists``: :class:`ListQuery` (filters, search, sort, page of 50 rows) read from the query
  string, and :class:`ListView` the list templates render;
- ``forms``: :class:`FormState` with inline errors from a service's ``ValidationFailed`` and
  the optimistic concurrency check (:func:`ensure_fresh`);
- ``csrf``: the per-session CSRF token every form and htmx request carries;
- ``i18n``: English and Russian gettext catalogues (``locale/<lang>/LC_MESSAGES/*.po``);
- ``panels``: :class:`DashboardPanel`, what a module contributes to the dashboard.

The shell (sign-in, sessions, dashboard, the ``/admin`` router) is ``rustok.api.admin``; a
module declares its pages in ``ModuleSpec(admin=ModuleAdmin(...))`` (docs/admin-kit.md).
"""
