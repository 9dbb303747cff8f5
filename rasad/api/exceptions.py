"""The API's own exception types (kept apart from ``rasad.api.errors``, which imports DRF's views:
the parsers raise these and DRF's views import the parsers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is larger than Rasad accepts.")
    default_code = "too_large"
