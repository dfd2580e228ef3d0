"""``PUT …?mode=preview``: ask each owner's ``POST /preview`` in pipeline order (``asinflow_runtime.pipeline_preview``,
shared with ``asinflow publish --preview``)."""

from asinflow_runtime.pipeline_preview import preview

__all__ = ["preview"]
