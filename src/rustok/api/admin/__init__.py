"""The admin UI's shell at ``/admin`` (issue 18): sign-in, sessions, CSRF, the dashboard,
and the router that mounts every module's admin pages. The kit the pages share is
``rustok.web.admin``; docs/admin-kit.md shows how a module adds a screen."""
