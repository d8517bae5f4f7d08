"""GET /v1/definitions (the manifest) and the published bodies, with ETags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from jisr_desktop.sync.protocol import Code
from jisr_server import catalog
from jisr_server.api.deps import Caller, State
from jisr_server.api.links import links
from jisr_server.api.models import PLAIN, Manifest, ManifestEntry
from jisr_server.errors import ApiError, responses

router = APIRouter(tags=["definitions"])

_NOT_MODIFIED = {304: {"description": "Not modified: the copy named by If-None-Match is current"}}
Version = Annotated[int, Path(ge=1, le=2**31 - 1)]
IfNoneMatch = Annotated[str | None, Header(max_length=1000)]


def _url(entry: catalog.Entry) -> str:
    if entry.kind == catalog.REFERENCE_KIND:
        return f"/v1/reference/{entry.id}/{entry.version}"
    return f"/v1/definitions/{entry.kind}/{entry.id}/{entry.version}"


def _etag(digest: str) -> str:
    return f'"{digest}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


@router.get(
    "/v1/definitions",
    response_model=Manifest,
    operation_id="manifest",
    responses={
        **_NOT_MODIFIED,
        **responses(401, 422),
        **links(
            GetDefinition=("definition", {
                "kind": "$response.body#/definitions/0/kind",
                "def_id": "$response.body#/definitions/0/id",
                "version": "$response.body#/definitions/0/version",
            }),
            GetReference=("reference", {
                "list_id": "$response.body#/reference/0/id",
                "version": "$response.body#/reference/0/version",
            }),
            # A device's sync run: the definitions first, then its outbox (sync/engine.py).
            PushOutbox=("push", {}),
        ),
    },
)
def manifest(
    who: Caller, st: State, response: Response, if_none_match: IfNoneMatch = None
) -> Response | Manifest:
    """Every published version of every definition and reference list, with its hash."""
    with st.engine.connect() as conn:
        entries = catalog.manifest(conn)
        conn.rollback()
    items = [
        ManifestEntry(
            kind=e.kind,
            id=e.id,
            version=e.version,
            hash=e.hash,
            media_type=e.media_type,
            url=_url(e),
        )
        for e in entries
    ]
    latest: dict[str, int] = {}
    for e in entries:
        latest[e.id] = max(latest.get(e.id, 0), e.version)
    body = Manifest(
        definitions=[i for i in items if i.kind != catalog.REFERENCE_KIND],
        reference=[i for i in items if i.kind == catalog.REFERENCE_KIND],
        latest=latest,
    )
    etag = _etag(catalog.content_digest([f"{e.id}@{e.version}:{e.hash}" for e in entries]))
    if _matches(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return body


def _published(
    st: State, kind: str, def_id: str, version: int, if_none_match: str | None
) -> Response:
    with st.engine.connect() as conn:
        found = catalog.body(conn, kind, def_id, version)
        conn.rollback()
    if found is None:
        raise ApiError(404, Code.NOT_FOUND, "no such version")
    entry, text = found
    etag = _etag(entry.hash)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(content=text.encode("utf-8"), media_type=entry.media_type, headers=headers)


@router.get(
    "/v1/definitions/{kind}/{def_id}/{version}",
    operation_id="definition",
    responses={
        200: {"description": "The definition", "content": {"application/json": {}}},
        **_NOT_MODIFIED,
        **responses(401, 404, 422),
    },
)
def definition(
    kind: Annotated[str, Path(max_length=32, pattern=PLAIN)],
    def_id: Annotated[str, Path(max_length=100, pattern=PLAIN)],
    version: Version,
    who: Caller,
    st: State,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One published definition (JSON, as in resources/definitions). Its ETag is its content
    hash: send it back in If-None-Match to get 304 when it is unchanged."""
    if kind == catalog.REFERENCE_KIND:
        raise ApiError(404, Code.NOT_FOUND, "no such version")
    return _published(st, kind, def_id, version, if_none_match)


@router.get(
    "/v1/reference/{list_id}/{version}",
    operation_id="reference",
    responses={
        200: {"description": "The list as CSV", "content": {"text/csv": {}}},
        **_NOT_MODIFIED,
        **responses(401, 404, 422),
    },
)
def reference(
    list_id: Annotated[str, Path(max_length=100, pattern=PLAIN)],
    version: Version,
    who: Caller,
    st: State,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One published reference list (regions, provinces, communes) as the HCP CSV file."""
    return _published(st, catalog.REFERENCE_KIND, list_id, version, if_none_match)
