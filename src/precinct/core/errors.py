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
        # Several fields may be refused at once (a form); ``field`` is then the first.
        self.errors = errors if errors is not None else [(field, message)]

    @classmethod
    def of_fields(cls, errors: dict[str, str] | list[tuple[str | None, str]], **kwargs):
        """One refusal of several fields at once (``{field: message}``), as forms collect them."""
        rows = list(errors.items()) if isinstance(errors, dict) else list(errors)
        message = "; ".join(f"{f}: {m}" if f else str(m) for f, m in rows)
        return cls(message, field=rows[0][0] if rows else None, errors=rows, **kwargs)

    def __str__(self) -> str:
        return str(self.message)


class FieldErrorOut(Schema):
    """One refused field (``None`` when the refusal is about the whole request)."""

    field: str | None = None
    message: str


class ErrorOut(Schema):
    """The body of every 4xx and 5xx answer of the JSON API."""

    code: str
    detail: str
    errors: list[FieldErrorOut] = []


def error_body(code: str, detail: str, errors: list[tuple[str | None, str]] | None = None) -> dict:
    """The ``ErrorOut`` body as a dict, for endpoints that answer a refusal themselves."""
    rows = [{"field": f, "message": str(m)} for f, m in (errors or [])]
    return {"code": code, "detail": str(detail), "errors": rows}


def domain_error_body(exc: DomainError) -> dict:
    """The ``ErrorOut`` body of a domain error."""
    return error_body(exc.code, exc.message, exc.errors)


def error_responses(*statuses: int) -> dict:
    """The error answers an operation declares in the OpenAPI document, each an ErrorOut.

    ``response={200: ThingOut, **error_responses(400, 401, 404)}``: name every status the operation
    can answer with (401 when it needs a token, 400 when it takes input).
    """
    return {status: ErrorOut for status in statuses}
