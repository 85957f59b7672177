"""The outbound URL guard refuses internal targets (A-8)."""

from __future__ import annotations

import pytest

from rustok.core.ssrf import OutboundUrlRefused, check_outbound_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.5/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 as a number
        "http://0x7f.1/",
        "http://224.0.0.1/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "http:///nohost",
        "http://example.com:99999/",
    ],
)
async def test_refused(url: str) -> None:
    with pytest.raises(OutboundUrlRefused):
        await check_outbound_url(url)


async def test_public_address_allowed() -> None:
    assert (
        await check_outbound_url("https://93.184.216.34/webhook") == "https://93.184.216.34/webhook"
    )


async def test_private_targets_when_explicitly_allowed() -> None:
    assert (
        await check_outbound_url("http://127.0.0.1:9000/x", allow_private=True)
        == "http://127.0.0.1:9000/x"
    )
    with pytest.raises(OutboundUrlRefused, match="only http and https"):
        await check_outbound_url("file:///etc/passwd", allow_private=True)


async def test_error_names_the_field() -> None:
    with pytest.raises(OutboundUrlRefused) as info:
        await check_outbound_url("http://10.0.0.1/", field="target_url")
    assert set(info.value.errors) == {"target_url"}
