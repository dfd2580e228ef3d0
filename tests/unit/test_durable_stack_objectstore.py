"""The durable broker's object store (asinflow_runtime.embedded.objectstore), request by request: the
conditional writes Tansu relies on for its watermarks and metadata, conditional reads, listing with prefix,
delimiter and continuation, and objects that survive a restart of the store. Files in a temporary folder;
the HTTP side is exercised end to end by the durable `asinflow run` journeys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from asinflow_runtime.embedded.objectstore import ObjectStore

pytestmark = pytest.mark.unit


def put(store: ObjectStore, key: str, body: bytes, **headers: str) -> tuple[int, str]:
    response = store.handle("PUT", f"/tansu/{key}", {k.replace("_", "-"): v for k, v in headers.items()}, body)
    return response.status, (response.headers or {}).get("ETag", "")


def keys(xml: bytes) -> list[str]:
    return re.findall(r"<Key>([^<]*)</Key>", xml.decode())


def test_create_only_if_absent_and_update_only_if_unchanged(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path, fsync=False)
    status, etag = put(store, "c/watermark.json", b'{"high": 1}', if_none_match="*")
    assert status == 200 and etag
    assert put(store, "c/watermark.json", b'{"high": 9}', if_none_match="*")[0] == 412  # exists
    status, newer = put(store, "c/watermark.json", b'{"high": 2}', if_match=etag)
    assert status == 200 and newer != etag
    assert put(store, "c/watermark.json", b'{"high": 3}', if_match=etag)[0] == 412  # stale version
    assert put(store, "c/missing.json", b"{}", if_match=etag)[0] == 412
    got = store.handle("GET", "/tansu/c/watermark.json", {}, b"")
    assert (got.status, got.body) == (200, b'{"high": 2}')
    assert store.handle("GET", "/tansu/c/watermark.json", {"if-none-match": newer}, b"").status == 304
    assert store.handle("GET", "/tansu/c/nope", {}, b"").status == 404


def test_list_by_prefix_with_delimiter_and_pages(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path, fsync=False)
    for n in range(5):
        put(store, f"t/p0/records/{n:020d}.batch", b"x")
    put(store, "t/p0/watermark.json", b"{}")
    put(store, "t/p1/watermark.json", b"{}")
    listed = store.handle("GET", "/tansu?list-type=2&prefix=t/p0/records/", {}, b"")
    assert keys(listed.body) == [f"t/p0/records/{n:020d}.batch" for n in range(5)]
    grouped = store.handle("GET", "/tansu?list-type=2&prefix=t/&delimiter=/", {}, b"").body.decode()
    assert re.findall(r"<Prefix>(t/p\d/)</Prefix>", grouped) == ["t/p0/", "t/p1/"]
    page = store.handle("GET", "/tansu?list-type=2&prefix=t/p0/records/&max-keys=2", {}, b"").body.decode()
    token = re.search(r"<NextContinuationToken>([^<]*)<", page)
    assert token and len(keys(page.encode())) == 2
    rest = store.handle("GET", f"/tansu?list-type=2&prefix=t/p0/records/&continuation-token={token[1]}", {}, b"")
    assert len(keys(rest.body)) == 3


def test_objects_survive_a_restart_and_deletes_are_kept(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path)
    _, etag = put(store, "groups/g1/offsets/t/0000000000.json", b'{"offset": 42}')
    put(store, "gone.json", b"{}")
    assert store.handle("DELETE", "/tansu/gone.json", {}, b"").status == 204
    (tmp_path / ".tmp" / "interrupted-write").write_bytes(b"half")  # a write a crash cut short
    again = ObjectStore(tmp_path)
    got = again.handle("GET", "/tansu/groups/g1/offsets/t/0000000000.json", {}, b"")
    assert (got.status, got.body, (got.headers or {})["ETag"]) == (200, b'{"offset": 42}', etag)
    assert again.handle("GET", "/tansu/gone.json", {}, b"").status == 404
    assert list((tmp_path / ".tmp").iterdir()) == []


def test_keys_cannot_leave_the_bucket(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path, fsync=False)
    assert put(store, "../outside", b"x")[0] == 400
    assert store.handle("GET", "/..%2Fescape/key", {}, b"").status == 400
