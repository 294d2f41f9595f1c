"""Reading pages as a browser does: their links, and their forms with what a browser would submit.

A browser drops a value an input cannot show (``2026/12/03`` in ``<input type="date">``), so
:class:`PageForm` records such values in ``dropped`` and submits them blank, as Chromium does.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# URL namespaces that are not pages people read: the admin site and the JSON API.
NOT_PAGES = frozenset({"admin", "api"})


def page_name(path: str, skip: Collection[str] = NOT_PAGES) -> str | None:
    """The view name of a page of the platform, or None for paths in ``skip``'s namespaces and unknown paths."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if set(match.namespaces) & set(skip):
        return None
    return match.view_name


def plain_pages(skip: Collection[str] = NOT_PAGES) -> list[str]:
    """Every page of the URL conf that takes no argument (outside ``skip``'s namespaces)."""
    out: list[str] = []

    def visit(resolver: URLResolver, prefix: str, namespaces: set[str]) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                visit(pattern, route, namespaces | {pattern.namespace or ""})
            elif "<" not in route and "^" not in route and not namespaces & set(skip):
                out.append("/" + route)

    visit(get_resolver(), "", set())
    return out


# What Chromium accepts as the value of each input type; anything else is shown and submitted blank.
VALID_VALUE = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
    "number": re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"),
}
NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


@dataclass
class PageForm:
    """One ``<form>``: where it goes, what a browser submits unchanged, and what it could not show."""

    action: str
    method: str
    confirm: str = ""  # the data-confirm question asked before submitting
    data: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value)
    inputs: list[dict[str, str]] = field(default_factory=list)
    has_file: bool = False
    submit: tuple[str, str] | None = None

    def confirmations(self) -> list[tuple[str, str]]:
        """The boxes a person ticks to confirm a save: required ones and those named ``confirm``."""
        return [
            (i["name"], i["value"])
            for i in self.inputs
            if i["type"] == "checkbox" and (i["required"] or i["name"] == "confirm")
        ]

    def as_post(self, *, confirm: bool = False) -> dict[str, list[str]]:
        """What a browser submits unchanged (with the confirmation boxes ticked if ``confirm``)."""
        out: dict[str, list[str]] = {}
        ticked = [c for c in self.confirmations() if c not in self.data] if confirm else []
        for name, value in self.data + ticked + ([self.submit] if self.submit else []):
            out.setdefault(name, []).append(value)
        return out


@dataclass
class _Select:
    name: str
    multiple: bool
    options: list[tuple[str, bool]] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form: PageForm | None = None
        self._select: _Select | None = None
        self._option: list[str] | None = None
        self._option_attrs: dict[str, str] = {}
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = PageForm(
                action=attrs.get("action", ""),
                method=attrs.get("method", "get").lower(),
                confirm=attrs.get("data-confirm", ""),
            )
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button":
            if attrs.get("type", "submit") == "submit" and attrs.get("name") and self._form.submit is None:
                self._form.submit = (attrs["name"], attrs.get("value", ""))
        elif tag == "select" and attrs.get("name"):
            self._select = _Select(attrs["name"], "multiple" in attrs)
        elif tag == "option" and self._select is not None:
            self._option = []
            self._option_attrs = attrs
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = (attrs["name"], [])

    def _input(self, attrs: dict[str, str]) -> None:
        assert self._form is not None
        kind = attrs.get("type", "text").lower()
        name = attrs.get("name")
        if kind == "file":
            self._form.has_file = True
        if not name or kind in NOT_SUBMITTED:
            if kind in {"submit", "image"} and name and self._form.submit is None:
                self._form.submit = (name, attrs.get("value", ""))
            return
        value = attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")
        self._form.inputs.append(
            {"name": name, "type": kind, "value": value, "required": "1" if "required" in attrs else ""}
        )
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self._form.data.append((name, value))
            return
        pattern = VALID_VALUE.get(kind)
        if pattern is not None and value and not pattern.match(value):
            self._form.dropped.append((name, kind, value))
            value = ""
        self._form.data.append((name, value))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option is not None:
            value = self._option_attrs.get("value", "".join(self._option).strip())
            self._select.options.append((value, "selected" in self._option_attrs))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [v for v, selected in self._select.options if selected]
            if not chosen and not self._select.multiple and self._select.options:
                chosen = [self._select.options[0][0]]
            self._form.data.extend((self._select.name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            # A browser drops the one newline that follows <textarea>.
            self._form.data.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def read_page(html: str) -> tuple[list[PageForm], list[str]]:
    """The forms and the link targets of one page."""
    parser = _PageParser()
    parser.feed(html)
    return parser.forms, parser.links


def crawl(
    start: list[str],
    fetch: Callable[[str], Any],
    *,
    per_view: int,
    name_of: Callable[[str], str | None] = page_name,
) -> Iterator[tuple[str, str, Any, list[PageForm]]]:
    """Follow the links of the pages reachable from ``start``, as a person clicking through would.

    Each path is fetched once with ``fetch(path)`` (a response), and at most ``per_view`` pages of each view
    (``name_of(path)``; ``None``: not a page, skipped). Yields ``(path, view, response, forms)`` for every page
    answered with 200 and HTML, then queues the links of that page on this site.
    """
    seen: set[str] = set()
    counted: dict[str, int] = {}
    queue = deque(start)
    while queue:
        path = queue.popleft()
        name = name_of(path)
        if path in seen or name is None or counted.get(name, 0) >= per_view:
            continue
        seen.add(path)
        response = fetch(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        counted[name] = counted.get(name, 0) + 1
        forms, links = read_page(response.content.decode())
        yield path, name, response, forms
        for link in links:
            target = urlsplit(link)
            if not target.netloc and target.path.startswith("/"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
