"""IAM policy documents as resources carry them: JSON text, read statement by statement.
Grammar: IAM user guide, "IAM JSON policy elements reference" (`Action`, `Resource` and
`Principal` take one value or a list; `NotAction` and `NotResource` invert them)."""

from typing import Any, Optional

from .resources import decoded


def statements(document: Any) -> Optional[list[dict]]:
    """The document's statements; None when the plan cannot show it (unknown, secret) or it is not a policy."""
    document = decoded(document)
    found = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(found, dict):
        found = [found]
    return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else None


def values(element: Any) -> list:
    """An element's values, whether written as one or as a list."""
    return element if isinstance(element, list) else [element]


def allows(statement: dict) -> bool:
    return statement.get("Effect") == "Allow"


def label(statement: dict, position: int) -> str:
    return f"statement {statement['Sid']!r}" if statement.get("Sid") else f"statement {position + 1}"
