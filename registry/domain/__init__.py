"""Input rules of DESIGN.md §7 as plain functions: no database, no Flask request, easy to test."""


class InputError(ValueError):
    """Input that breaks a rule; ``message`` is the reason, in Chinese, ready to show beside the field."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
