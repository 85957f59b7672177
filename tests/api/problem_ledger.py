"""Records the problems an API answers and checks each against the OpenAPI document: the
operation the request was for must list the status, and the code under it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True, order=True)
class Answered:
    method: str
    template: str
    status: int
    code: str


@dataclass
class ProblemLedger:
    document: dict[str, Any]
    seen: set[Answered] = field(default_factory=set)
    unmatched: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Literal segments win over parameters (/carts/merge before /carts/{cart_id}).
        self._templates: list[str] = sorted(
            self.document["paths"],
            key=lambda t: [(s.startswith("{"), s) for s in t.split("/")],
        )
        self._patterns = {
            t: re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(t)) + "$")
            for t in self._templates
        }

    def operation_of(self, method: str, path: str) -> str | None:
        for template in self._templates:
            if self._patterns[template].match(path) and method in self.document["paths"][template]:
                return template
        return None

    def record(self, method: str, path: str, status: int, code: str) -> None:
        template = self.operation_of(method.lower(), path)
        if template is None:
            self.unmatched.add(f"{method} {path}")
            return
        self.seen.add(Answered(method.lower(), template, status, code))

    def record_for(self, method: str, template: str, status: int, code: str) -> None:
        """A problem answered to a request made for the operation at ``template``."""
        self.seen.add(Answered(method.lower(), template, status, code))

    async def hook(self, response: httpx.Response) -> None:
        """An httpx response hook: every problem+json answer is recorded."""
        if not response.headers.get("content-type", "").startswith("application/problem+json"):
            return
        await response.aread()
        body = response.json()
        self.record(response.request.method, urlsplit(str(response.request.url)).path,
                    response.status_code, str(body.get("code")))  # fmt: skip

    def undocumented(self) -> list[str]:
        missing = []
        for answer in sorted(self.seen):
            operation = self.document["paths"][answer.template][answer.method]
            response = operation["responses"].get(str(answer.status))
            codes = response.get("x-problem-codes", []) if response else []
            if answer.code not in codes:
                missing.append(
                    f"{answer.method.upper()} {answer.template} answered {answer.status} "
                    f"{answer.code}; documented: {codes or 'nothing for that status'}"
                )
        return missing

    def codes(self) -> set[tuple[int, str]]:
        return {(a.status, a.code) for a in self.seen}
