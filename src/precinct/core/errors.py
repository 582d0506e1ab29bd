"""The one vocabulary of refusals: domain errors and the API error body.

A service refuses input by raising ``DomainError`` (or an app's subclass of it) naming the
field and saying why in words for people. The API turns it into the one error body,
``ErrorOut`` (``{"code", "detail", "errors": [{"field", "message"}]}``, as CONTRIBUTING
promises); pages show the message beside the field; commands print it with the line.
"""

from ninja import Schema


class DomainError(ValueError):
    """A rule of the domain refused the input: which field (or none) and why."""

    status = 400
    code = "invalid_input"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        status: int | None = None,
        errors: list[tuple[str | None, str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        # Several fields may be refused at once (a form); the first names the whole.
        self.errors = errors if errors is not None else [(field, message)]


class FieldErrorOut(Schema):
    """One refused field (``None`` when the refusal is about the whole request)."""

    field: str | None = None
    message: str


class ErrorOut(Schema):
    """The body of every 4xx answer of the JSON API."""

    code: str
    detail: str
    errors: list[FieldErrorOut] = []


def error_body(code: str, detail: str, errors: list[tuple[str | None, str]] | None = None) -> dict:
    """The ``ErrorOut`` body as a dict, for endpoints that answer a refusal themselves."""
    rows = [{"field": f, "message": m} for f, m in (errors or [])]
    return {"code": code, "detail": detail, "errors": rows}


def domain_error_body(exc: DomainError) -> dict:
    """The ``ErrorOut`` body of a domain error."""
    return error_body(exc.code, exc.message, exc.errors)


# The error answers most endpoints declare in the OpenAPI document.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
