"""Is the server there? One small GET of `/v1/health`, a few hundred bytes each way,
before a sync run is tried on a link that may have been gone for days."""

from __future__ import annotations

import requests

from jisr_desktop.sync.protocol import DEVICE_HEADER

# A probe that waits long on a dead link only delays the next one: short timeouts.
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 10.0


def server_reachable(base_url: str, device_id: str | None = None,
                     session: requests.Session | None = None) -> bool:
    """True when the server itself answered: a captive portal's or a proxy's page (a
    redirect, HTML, JSON of its own) is no link to the server."""
    headers = {DEVICE_HEADER: device_id} if device_id else {}
    try:
        response = (session or requests).get(
            base_url.rstrip("/") + "/v1/health", headers=headers,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), allow_redirects=False)
        body = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return False
    return isinstance(body, dict) and body.get("status") == "ok" and "server_id" in body
