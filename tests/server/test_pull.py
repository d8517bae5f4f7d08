"""Pull: paging by change number, tombstones, scope, start-over."""

from __future__ import annotations

from tests.server.conftest import (
    PROVINCE_A,
    PROVINCE_A2,
    PROVINCE_B,
    Backend,
    delete_op,
    run_cli,
    upsert,
)


def test_pages_return_each_change_once_in_order(backend: Backend) -> None:
    client = backend.client("agent_a")
    ops = [upsert() for _ in range(25)]
    results = client.results(ops)
    since = results[0]["change"] - 1
    seen: list[int] = []
    cursor = since
    pages = 0
    while True:
        page = client.get("/v1/sync/pull", params={"since": cursor, "limit": 7}).json()
        pages += 1
        assert page["since"] == cursor
        seen += [c["change"] for c in page["changes"]]
        cursor = page["next"]
        if not page["more"]:
            break
    mine = {op["record_id"] for op in ops}
    assert pages >= 4
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert {r["change"] for r in results} <= set(seen)
    pulled = client.pull_all(since)
    assert mine <= {c["id"] for c in pulled}
    # At the end, the cursor stays put and nothing more comes.
    empty = client.get("/v1/sync/pull", params={"since": cursor}).json()
    assert empty["changes"] == [] and empty["next"] == cursor and not empty["more"]


def test_latest_state_and_tombstones(backend: Backend) -> None:
    client = backend.client("agent_a")
    create = upsert()
    rid = create["record_id"]
    results = client.results([create, upsert(rid, 1, household_size=2), delete_op(rid, 2)])
    since = results[0]["change"] - 1
    mine = [c for c in client.pull_all(since) if c["id"] == rid]
    assert len(mine) == 1  # the log is compacted: one entry, the newest state
    tombstone = mine[0]
    assert tombstone["deleted"] is True and tombstone["version"] == 3
    assert tombstone["answers"] is None  # no personal data left on the server
    assert tombstone["change"] == results[2]["change"]
    # Deleting again is a duplicate, not a conflict.
    assert client.results([delete_op(rid, 2)])[0]["status"] == "duplicate"


def test_pull_is_limited_to_the_scope(backend: Backend) -> None:
    agent_a = backend.client("agent_a")
    agent_a2 = backend.client("agent_a2")
    agent_b = backend.client("agent_b")
    in_a = upsert(place=PROVINCE_A)
    in_a2 = upsert(place=PROVINCE_A2)
    in_b = upsert(place=PROVINCE_B)
    first = agent_a.results([in_a])[0]["change"]
    agent_a2.results([in_a2])
    agent_b.results([in_b])
    since = first - 1
    ids = {"a": in_a["record_id"], "a2": in_a2["record_id"], "b": in_b["record_id"]}

    def visible(username: str) -> set[str]:
        got = {c["id"] for c in backend.client(username).pull_all(since)}
        return {k for k, v in ids.items() if v in got}

    assert visible("agent_a") == {"a"}
    assert visible("agent_b") == {"b"}
    assert visible("supervisor_07") == {"a", "a2"}
    assert visible("supervisor_01") == {"b"}
    assert visible("admin") == {"a", "a2", "b"}
    narrowed = backend.client("supervisor_07").pull_all(since, province="07.161")
    assert {c["province"] for c in narrowed} == {"07.161"}


def test_start_over_when_the_cursor_is_too_old(backend: Backend) -> None:
    client = backend.client("agent_a")
    create = upsert()
    results = client.results([create, delete_op(create["record_id"], 1)])
    old_cursor = results[0]["change"] - 1
    done = run_cli("prune", "--older-than-days", "0", url=backend.server.database_url)
    assert done.returncode == 0, done.stderr
    response = client.get("/v1/sync/pull", params={"since": old_cursor})
    assert response.status_code == 410
    assert response.json()["code"] == "cursor_expired"
    assert response.json()["start_over_since"] == 0
    assert client.get("/v1/sync/pull", params={"since": 0}).status_code == 200
    # A cursor the server never gave out (a reset server) also means start over.
    ahead = client.get("/v1/sync/pull", params={"since": 2**40})
    assert ahead.status_code == 410 and ahead.json()["code"] == "cursor_unknown"
