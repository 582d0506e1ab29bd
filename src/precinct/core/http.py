"""Request helpers shared by the apps' views and APIs."""

from django.http import FileResponse


def client_address(request) -> str:
    """The client's address as the server sees it (the proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")


def file_download(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file handed to the reader as a download, never shown in the browser.

    ``attachment`` makes the browser save it; ``nosniff`` keeps it from guessing another
    type than the one checked at upload; ``sandbox`` keeps a file opened anyway from
    running script in the site's origin; and no cache keeps a copy of it.
    """
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response
