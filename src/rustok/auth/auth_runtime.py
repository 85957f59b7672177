"""The auth parts a running server holds: token keys, grant cache, throttles, sessions,
API keys."""

from __future__ import annotations

from dataclasses import dataclass

from rustok.auth.api_keys.authenticator import KeyAuthenticator
from rustok.auth.api_keys.service import ApiKeyService
from rustok.auth.api_keys.usage import UsageRecorder
from rustok.auth.flows import AuthFlows
from rustok.auth.service import AuthService
from rustok.auth.sessions import SessionService
from rustok.auth.throttle import LoginThrottle, RegistrationThrottle
from rustok.auth.tokens import AccessTokens
from rustok.core.platform import Platform
from rustok.mail.queue import MailQueue
from rustok.rbac.grants import GrantStore

AUTH_STATE_KEY = "auth"


@dataclass
class AuthRuntime:
    platform: Platform
    tokens: AccessTokens
    grants: GrantStore
    sessions: SessionService
    service: AuthService
    flows: AuthFlows
    keys: KeyAuthenticator
    api_keys: ApiKeyService

    @classmethod
    def build(cls, platform: Platform) -> AuthRuntime:
        settings = platform.settings
        tokens = AccessTokens(settings)
        grants = GrantStore(platform.db)
        sessions = SessionService(platform, tokens, grants)
        throttle = LoginThrottle(
            platform.db, settings.login_rate_limit, settings.login_ip_rate_limit
        )
        registrations = RegistrationThrottle(platform.db, settings.register_ip_rate_limit)
        service = AuthService(platform, sessions, grants, throttle, registrations)
        flows = AuthFlows(platform, MailQueue(settings), sessions, service)
        keys = KeyAuthenticator(platform.db, grants, UsageRecorder(platform.db))
        sessions.on_change(keys.cache.drop)
        return cls(
            platform=platform, tokens=tokens, grants=grants, sessions=sessions,
            service=service, flows=flows, keys=keys, api_keys=ApiKeyService(platform, sessions),
        )  # fmt: skip
