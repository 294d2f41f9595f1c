"""How django-bootstrap5 renders the platform's fields (``BOOTSTRAP5["field_renderers"]`` in the settings)."""

from __future__ import annotations

from django_bootstrap5.renderers import FieldRenderer


class PlatformFieldRenderer(FieldRenderer):
    """A field with an error is marked ``is-invalid``; a valid field stays plain (no green on every field
    of a form sent back for one mistake)."""

    def get_server_side_validation_classes(self) -> str:
        return "is-invalid" if self.field_errors else ""
