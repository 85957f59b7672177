"""``rustok reindex`` and ``rustok index check``: the demo shop's read models are empty until
its events are projected; check says so (exit 1), reindex fills them, check passes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.cli.test_cli import cli, invoke

__all__ = ["cli"]


def test_check_reindex_check(cli: CliRunner) -> None:
    assert invoke(cli, "demo")[0] == 0
    # No relay ran: the demo's events are still in the outbox, the read models are empty.
    code, out, err = invoke(cli, "index", "check", "--tenant", "demo", "--json")
    assert code == 1, err
    results = {r["read_model"]: r for r in json.loads(out)}
    assert results["products"]["checked"] == 30
    assert {d["problem"] for d in results["products"]["drift"]} == {"missing"}
    content = results["content"]
    # Every listable node is missing (comments and forum replies are checked, never listed).
    assert 0 < len({d["entity_id"] for d in content["drift"]}) <= content["checked"]

    code, out, err = invoke(cli, "reindex", "--tenant", "demo", "--only", "products")
    assert code == 0, err
    assert "demo products: 30 entities, 60 listings written" in out  # en and ru
    code, out, _ = invoke(cli, "index", "check", "--tenant", "demo", "--only", "products")
    assert code == 0 and "demo products: 30 checked, 0 drifted" in out

    code, out, err = invoke(cli, "reindex")
    assert code == 0, err
    assert "demo content:" in out and "default products: 0 entities" in out
    code, out, err = invoke(cli, "index", "check")
    assert code == 0, out + err
    assert out.count("0 drifted") == 4  # two tenants, two read models


def test_bad_arguments(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "reindex", "--tenant", "nosuch")
    assert code == 1 and "no tenant 'nosuch'" in err
    code, _, err = invoke(cli, "reindex", "--only", "orders")
    assert code == 2 and "orders" in err
    code, _, err = invoke(cli, "reindex", "--batch-size", "0")
    assert code == 2 and "batch-size" in err
    code, _, err = invoke(cli, "index", "check", "--tenant", "nosuch")
    assert code == 1 and "no tenant 'nosuch'" in err
