"""The only way a report may load anything: packaged template assets, the user's
template folder, and ``data:`` URIs. Everything else (other local files, http, ftp …)
is refused and remembered, so text from a cell can never read a file or reach a network.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname


def allowed_path(url: str, roots: Sequence[Path]) -> Path | None:
    """The local file ``url`` names when it is a ``file:`` URL inside one of ``roots``
    (after resolving ``..`` and symlinks); None otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    for root in roots:
        root = root.resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def make_url_fetcher(roots: Sequence[Path]) -> Any:
    """A WeasyPrint ``URLFetcher`` limited to ``roots`` and ``data:``; its ``refused``
    list records every URL it turned down."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
            self.refused: list[str] = []
            self.roots = tuple(roots)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            path = allowed_path(url, self.roots)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"goalreport does not load {url!r}: reports may only use "
                                 "files from the template folders")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": kind})

    return SafeURLFetcher()
