"""Refuse characters no database can store before any endpoint sees them (one check for the API).

A JSON body may carry a lone surrogate (``"\\ud800"``) and a query string a NUL (``%00``); either
would otherwise fail deep inside a query or the password hasher as a 500. Every endpoint gets this
check from one decorator (urls.py), so it sees exactly the parsed arguments
(body schemas, query filters, path and header values), naming the field as the client sent it.
It wraps the endpoint function (ninja's "operation" decorator mode): after authentication and
parsing, before the endpoint's code.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from priemnaya.core.errors import ValidationFailed
from priemnaya.core.text import has_unstorable

MESSAGE = "Недопустимые символы в поле."


class InvalidCharacters(ValidationFailed):
    code = "invalid_characters"


def _bad_fields(value: Any, field: str) -> Iterator[str]:
    """Yield ``field`` (or, for a schema, the name of each of its fields) holding a bad string."""
    if isinstance(value, str):
        if has_unstorable(value):
            yield field
    elif isinstance(value, BaseModel):
        # A whole schema (the body, a set of query filters) stands for its fields.
        for name, info in type(value).model_fields.items():
            yield from _bad_fields(getattr(value, name), info.alias or name)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _bad_fields(item, field)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _bad_fields(item, field)


def _param_names(view: Callable) -> dict[str, str]:
    """Map each argument of the view to the name the client uses (a header's alias)."""
    names = {}
    for name, param in inspect.signature(view).parameters.items():
        alias = param.default.alias if isinstance(param.default, FieldInfo) else None
        names[name] = alias or name
    return names


def refuse_unstorable(view: Callable) -> Callable:
    """Wrap an endpoint so that NUL or a lone surrogate in any argument is a 422 on its field."""
    names = _param_names(view)

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        bad = [f for n, value in kwargs.items() for f in _bad_fields(value, names.get(n, n))]
        if bad:
            raise InvalidCharacters({field: [MESSAGE] for field in dict.fromkeys(bad)})
        return view(request, *args, **kwargs)

    return checked
