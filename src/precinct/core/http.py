"""Request helpers shared by the apps' views and APIs."""


def client_address(request) -> str:
    """The client's address as the server sees it (the proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")
