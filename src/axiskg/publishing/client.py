"""HTTP to a SPARQL store: one ``requests`` session with a timeout, Basic or Digest credentials
(chosen from the server's challenge), and store errors as one-line :class:`PublishError`."""

from __future__ import annotations

import html
import re

from axiskg.vocab import ALL_GRAPH

EXIT_STORE = 3  # the store is unreachable, refused a request, or answered nonsense
EXIT_PARTIAL = 4  # the load ran, but the store does not hold what was sent

DEFAULT_TIMEOUT = 300.0
AUTH_SCHEMES = ("auto", "basic", "digest")


class PublishError(Exception):
    """The store could not be loaded or verified; ``exit_code`` is :data:`EXIT_STORE` or
    :data:`EXIT_PARTIAL`."""

    def __init__(self, message: str, exit_code: int = EXIT_STORE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _problem(response) -> str:
    """The store's error message in one line (tags of an HTML error page removed)."""
    text = response.text or ""
    if "html" in response.headers.get("Content-Type", "").lower():
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    reason = f"HTTP {response.status_code}"
    if response.status_code == 401:
        reason += " (wrong or missing --user/--password)"
    return f"{reason}: {text[:300]}" if text else reason


class StoreClient:
    """A ``requests`` session with a timeout, credentials and one-line errors."""

    def __init__(
        self, user: str | None, password: str | None, auth: str = "auto", timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        import requests

        self.requests = requests
        self.session = requests.Session()
        self.timeout = timeout
        self.user, self.password, self.scheme = user, password or "", auth
        self._auth_ready = user is None

    def _authenticate(self, url: str) -> None:
        """Pick Basic or Digest from the server's challenge (``auto``); a Digest challenge
        answered once here lets every later request authenticate up front."""
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        scheme = self.scheme
        if scheme == "auto":
            probe = self._request("HEAD", url, params={"graph": ALL_GRAPH})
            challenge = probe.headers.get("WWW-Authenticate", "") if probe.status_code == 401 else ""
            scheme = "digest" if challenge.lower().startswith("digest") else "basic"
        assert self.user is not None  # (_auth_ready is true without a user)
        self.session.auth = (HTTPDigestAuth if scheme == "digest" else HTTPBasicAuth)(self.user, self.password)
        self._auth_ready = True
        if scheme == "digest":
            self._request("HEAD", url, params={"graph": ALL_GRAPH})

    def send(self, method: str, url: str, **kwargs):
        if not self._auth_ready:
            self._authenticate(url)
        return self._request(method, url, **kwargs)

    def _request(self, method: str, url: str, **kwargs):
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except self.requests.Timeout:
            raise PublishError(f"{method} {url}: no answer within {self.timeout:g} s") from None
        except self.requests.ConnectionError as exc:
            reason = exc.args[0] if exc.args else exc
            reason = getattr(reason, "reason", reason)
            raise PublishError(f"cannot reach the store at {url}: {reason}") from None

    def checked(self, method: str, url: str, what: str, **kwargs):
        response = self.send(method, url, **kwargs)
        if not 200 <= response.status_code < 300:
            raise PublishError(f"{what} refused by {url}: {_problem(response)}")
        return response
