"""The payment provider interface, the built-in ``manual`` provider, and a ``test`` provider
that can be told to fail.

Every call goes through the provider's circuit breaker and a timeout (R-1, R-2): a provider
that keeps failing is refused at once (503 ``CIRCUIT_OPEN``) instead of holding checkouts.
A decline is the provider's answer, not its failure, and does not trip the breaker.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from rustok.core.errors import ValidationFailed
from rustok.core.platform import Platform
from rustok.core.resilience import BreakerConfig, CircuitBreaker
from rustok.modules.commerce.errors import PaymentDeclined, PaymentProviderFailed

T = TypeVar("T")
PROVIDER_TIMEOUT_SECONDS = 10
DECLINE_TOKEN = "tok_decline"  # noqa: S105 - the test provider declines payments carrying it
ERROR_TOKEN = "tok_error"  # noqa: S105 - the test provider fails (like an outage) on it
SERVICES_KEY = "commerce.payments"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount: int
    currency: str
    token: str | None = None


class PaymentProvider(Protocol):
    """What a payment provider does; each method returns the provider's reference."""

    name: str

    async def authorize(self, request: PaymentRequest) -> str: ...

    async def capture(self, reference: str, amount: int, currency: str) -> str: ...

    async def refund(self, reference: str, amount: int, currency: str) -> str: ...

    async def void(self, reference: str) -> str: ...


class ManualProvider:
    """Payment outside the system (bank transfer, cash on delivery): always accepts; an
    administrator marks the order paid."""

    name = "manual"

    async def authorize(self, request: PaymentRequest) -> str:
        return f"manual_{request.payment_id.hex}"

    async def capture(self, reference: str, amount: int, currency: str) -> str:
        return f"{reference}_capture"

    async def refund(self, reference: str, amount: int, currency: str) -> str:
        return f"{reference}_refund_{secrets.token_hex(4)}"

    async def void(self, reference: str) -> str:
        return f"{reference}_void"


@dataclass
class TestProvider:
    """An in-memory provider for tests and demos. Set the ``fail_*``/``decline`` flags, or
    send ``payment_token`` ``tok_decline`` / ``tok_error`` at checkout."""

    __test__ = False  # not a pytest class
    name: str = "test"
    decline_authorizations: bool = False
    fail_authorizations: bool = False
    fail_captures: bool = False
    fail_refunds: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    async def authorize(self, request: PaymentRequest) -> str:
        self.calls.append(("authorize", str(request.payment_id)))
        if self.decline_authorizations or request.token == DECLINE_TOKEN:
            raise PaymentDeclined("the test provider declined the payment")
        if self.fail_authorizations or request.token == ERROR_TOKEN:
            raise PaymentProviderFailed("the test provider is failing")
        return f"test_{request.payment_id.hex}"

    async def capture(self, reference: str, amount: int, currency: str) -> str:
        self.calls.append(("capture", reference))
        if self.fail_captures:
            raise PaymentProviderFailed("the test provider cannot capture")
        return f"{reference}_capture"

    async def refund(self, reference: str, amount: int, currency: str) -> str:
        self.calls.append(("refund", reference))
        if self.fail_refunds:
            raise PaymentProviderFailed("the test provider cannot refund")
        return f"{reference}_refund"

    async def void(self, reference: str) -> str:
        self.calls.append(("void", reference))
        return f"{reference}_void"


class PaymentProviders:
    """The installed providers by name, each behind its own circuit breaker."""

    def __init__(
        self, providers: list[PaymentProvider], *, timeout: int = PROVIDER_TIMEOUT_SECONDS
    ) -> None:
        self._providers = {p.name: p for p in providers}
        self._breakers = {
            p.name: CircuitBreaker(
                f"payment_{p.name}",
                BreakerConfig(),
                failure_types=(PaymentProviderFailed, TimeoutError, OSError),
            )
            for p in providers
        }
        self._timeout = timeout

    @classmethod
    def default(cls) -> PaymentProviders:
        return cls([ManualProvider(), TestProvider()])

    def names(self) -> list[str]:
        return sorted(self._providers)

    def get(self, name: str) -> PaymentProvider:
        provider = self._providers.get(name)
        if provider is None:
            raise ValidationFailed(
                errors={"payment_provider": [f"choose one of {', '.join(self.names())}"]}
            )
        return provider

    def breaker(self, name: str) -> CircuitBreaker:
        return self._breakers[name]

    async def call(self, name: str, action: Callable[[PaymentProvider], Awaitable[T]]) -> T:
        provider = self.get(name)

        async def bounded() -> T:
            try:
                async with asyncio.timeout(self._timeout):
                    return await action(provider)
            except TimeoutError:
                raise PaymentProviderFailed(f"payment provider {name!r} timed out") from None

        return await self._breakers[name].call(bounded)


def payment_providers(platform: Platform) -> PaymentProviders:
    """The platform's providers (one set of circuit breakers per platform), made on first use
    and kept in ``Platform.services``."""
    found = platform.services.get(SERVICES_KEY)
    if not isinstance(found, PaymentProviders):
        found = platform.services[SERVICES_KEY] = PaymentProviders.default()
    return found
