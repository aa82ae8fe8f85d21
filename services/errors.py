"""Domain errors raised by services; handlers turn them into Russian texts."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a rule of the domain refused the action; nothing was changed."""


class NotFoundError(DomainError):
    pass


class AccessDeniedError(DomainError):
    pass


class ValidationError(DomainError):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class DuplicateError(DomainError):
    pass


class InvitationError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
