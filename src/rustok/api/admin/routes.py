"""The shell's pages: sign-in, sign-out, the language switch.

Sign-in uses ``AuthService.login`` (api/admin/sessions.py). In header and path modes the
form names the tenant (its slug; empty for the default tenant), kept in a cookie that
selects the tenant of every later admin request (path mode: ``/admin`` carries no
``/t/<slug>`` prefix, so the admin works as in header mode); in host and subdomain modes
the host decides.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect

from rustok.api.admin.cookie_names import SESSION_COOKIE, TENANT_COOKIE
from rustok.api.admin.cookies import admin_cookie
from rustok.api.admin.sessions import AdminSessions
from rustok.api.deps import auth_from_state, tenancy_from_state
from rustok.auth.errors import InvalidCredentials
from rustok.core.context import DEFAULT_TENANT_ID, current_context, set_context
from rustok.core.errors import RateLimited, RustokError
from rustok.rbac.declare import AUTHENTICATED
from rustok.tenancy.identifiers import validate_slug
from rustok.tenancy.resolver import PATH_PREFIX
from rustok.web.admin.csrf import PRESESSION_COOKIE, new_presession
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import LANGUAGE_COOKIE, LANGUAGES, N_, gettext
from rustok.web.admin.render import ADMIN_PATH, NO_STORE, page, redirect_with_flash
from rustok.web.principals import principal_of, require_principal

AnyRequest = Request[Any, Any, Any]
# The resolution modes whose admin names its tenant on the sign-in form.
CHOOSING_MODES = ("header", "path")
YEAR = 365 * 24 * 3600


def safe_next(value: object) -> str:
    """Only a local admin path: never an open redirect."""
    if not isinstance(value, str) or not value.startswith(ADMIN_PATH):
        return ADMIN_PATH
    if "//" in value or "\\" in value or any(ord(c) < 32 for c in value):
        return ADMIN_PATH
    return value


def _login_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    presession = new_presession(request)
    settings = auth_from_state(request.app.state).platform.settings
    response = page(
        request, "admin/login.html", title=gettext("Sign in"), status_code=status_code,
        form=form, next=safe_next(request.query_params.get("next") or form.values.get("next")),
        choose_tenant=settings.tenant_resolution in CHOOSING_MODES,
    )  # fmt: skip
    if presession is not None:
        response.set_cookie(admin_cookie(request, PRESESSION_COOKIE, presession))
    return response


async def _choose_tenant(request: AnyRequest, slug: str) -> None:
    """Header and path modes: the form's tenant becomes the request's (its users, its
    throttle)."""
    tenancy = tenancy_from_state(request.app.state)
    client = request.client.host if request.client else None
    if tenancy.resolver.mode == "path":
        path = f"{PATH_PREFIX}{validate_slug(slug)}{ADMIN_PATH}" if slug else ADMIN_PATH
        resolution = await tenancy.resolver.resolve(path, {}, client)
    else:
        headers = {"x-tenant-id": slug} if slug else {}
        resolution = await tenancy.resolver.resolve(ADMIN_PATH, headers, client)
    set_context(current_context().with_tenant(resolution.tenant))


class AdminShellController(Controller):
    path = ADMIN_PATH
    include_in_schema = False

    @get("/login", public=True)
    async def login_form(self, request: AnyRequest) -> Response[Any]:
        """The sign-in form (already signed in: the dashboard)."""
        if principal_of(request) is not None:
            return Redirect(path=ADMIN_PATH, status_code=303, headers=dict(NO_STORE))
        # The tenant this request is for (path mode's /t/<slug>, the last sign-in's cookie).
        tenant = current_context().tenant
        chosen = tenant.slug if tenant is not None and tenant.id != DEFAULT_TENANT_ID else ""
        return _login_page(request, FormState(values={"tenant": chosen}))

    @post("/login", public=True)
    async def login(self, request: AnyRequest) -> Response[Any]:
        """Sign in: the API's accounts, password check, throttle and audit."""
        form = await request.form()
        values = {k: str(form.get(k) or "")[:255] for k in ("email", "tenant", "next")}
        password = str(form.get("password") or "")[:1024]
        auth = auth_from_state(request.app.state)
        header_mode = auth.platform.settings.tenant_resolution in CHOOSING_MODES
        state = FormState(values=values)
        try:
            if header_mode:
                await _choose_tenant(request, values["tenant"].strip().lower())
            token = await AdminSessions(auth).sign_in(
                values["email"], password, request.headers.get("user-agent")
            )
        except InvalidCredentials:
            state.message = gettext("The email or password is wrong.")
            return _login_page(request, state, 401)
        except RateLimited as exc:
            state.message = gettext("Too many failed attempts; try again later.")
            response = _login_page(request, state, 429)
            response.headers.update(exc.headers)
            return response
        except RustokError as exc:  # an unknown or inactive tenant
            state.message = exc.detail
            return _login_page(request, state, exc.status)
        lifetime = auth.platform.settings.admin_session_lifetime
        response = Redirect(path=safe_next(values["next"]), status_code=303, headers=dict(NO_STORE))
        response.set_cookie(admin_cookie(request, SESSION_COOKIE, token, max_age=lifetime))
        if header_mode:
            tenant = current_context().tenant
            assert tenant is not None
            response.set_cookie(admin_cookie(request, TENANT_COOKIE, tenant.slug, max_age=YEAR))
        response.delete_cookie(PRESESSION_COOKIE, path=ADMIN_PATH)
        return response

    @post("/logout", permission=AUTHENTICATED, home_tenant=True)
    async def logout(self, request: AnyRequest) -> Response[Any]:
        """End this session (its row is revoked, as by ``POST /api/auth/logout``)."""
        auth = auth_from_state(request.app.state)
        await AdminSessions(auth).sign_out(require_principal(request))
        response = redirect_with_flash(request, "/admin/login", N_("You are signed out."))
        response.delete_cookie(SESSION_COOKIE, path=ADMIN_PATH)
        return response

    @post("/language", public=True)
    async def language(self, request: AnyRequest) -> Response[Any]:
        """Remember the chosen language in this browser (the user's setting)."""
        form = await request.form()
        chosen = str(form.get("lang") or "")
        response = Redirect(
            path=safe_next(form.get("next")), status_code=303, headers=dict(NO_STORE)
        )
        if chosen in LANGUAGES:
            response.set_cookie(admin_cookie(request, LANGUAGE_COOKIE, chosen, max_age=YEAR))
        return response
