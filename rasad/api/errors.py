"""One translated error shape for the whole API.

Every error under ``/api/`` answers
``{"error": {"code", "message", "fields": {field: [messages]}, "request_id"}}``, whatever produced
it: a view's validation, a route that does not exist, a body too large or malformed, a rate
limit, a server error, the database being away. ``fields`` names each bad field and its cause;
``request_id`` is the ``X-Request-ID`` of the response, which the audit trail and the server log
also carry. Django ValidationErrors raised by actions become 400s with the same shape, so a rule
enforced in an action reads the same in the UI and the API.

DRF views get the shape from :func:`exception_handler`; everything outside a view (the URL
resolver's 404, the request middleware's refusals, the error handlers of ``rasad/urls.py``)
builds it with :func:`error_response`, which needs neither DRF nor the database.
"""

from __future__ import annotations

from typing import Any, Final

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from rasad.api.exceptions import PayloadTooLarge
from rasad.core.access import audit_deferred_refusal
from rasad.lib import context, dbhealth, formatting

API_PREFIX: Final = "/api/"
# Seconds a client should wait before retrying while the database is away; a restart of
# PostgreSQL takes a few seconds and service resumes within five of its return.
RETRY_AFTER_UNAVAILABLE: Final = 5


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or request.path_info.startswith(API_PREFIX)


def current_request_id() -> str:
    bound = context.current()
    return bound.request_id if bound is not None else ""


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": fields or {},
            "request_id": current_request_id(),
        }
    }


def error_response(
    status_code: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """The error shape as a plain Django response, for code that runs outside a DRF view."""
    response = JsonResponse(
        error_body(code, message, fields), status=status_code, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unavailable_message() -> str:
    return _("The service is temporarily unavailable. Try again in a few seconds.")


def unavailable_response() -> JsonResponse:
    return error_response(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "unavailable",
        unavailable_message(),
        headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)},
    )


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    if isinstance(detail, dict):
        return [message for item in detail.values() for message in _flatten(item)]
    return [str(detail)]


def _limits_in_reader_digits(detail: Any) -> Any:
    """DRF's refusals of a bound or a length («... مساوی با ۱۰۰ باشد.») with the reader's digits
    (``formatting.limit_refusal``), as the forms show Django's; every other message as it is."""
    if isinstance(detail, list):
        return [_limits_in_reader_digits(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _limits_in_reader_digits(item) for key, item in detail.items()}
    if isinstance(detail, exceptions.ErrorDetail) and detail.code in formatting.LIMIT_CODES:
        return exceptions.ErrorDetail(formatting.limit_refusal(str(detail), detail.code), detail.code)
    return detail


def _fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                fields.update(_fields(value, f"{name}."))
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    fields.update(_fields(item, f"{name}[{index}]."))
            else:
                fields[name] = _flatten(value)
    return fields


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if dbhealth.is_unavailable(exc):
        return Response(
            error_body("unavailable", unavailable_message()),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)},
        )
    if isinstance(exc, DjangoValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(messages)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, Http404):
        audit_deferred_refusal(exc)  # an action's refusal, its transaction now rolled back
        exc = exceptions.NotFound(_("No such object, or you may not see it."))
    if isinstance(exc, DjangoPermissionDenied):
        # Actions raise Django's PermissionDenied (they know nothing of DRF).
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    detail = _limits_in_reader_digits(exc.detail)
    fields = _fields(detail) if isinstance(exc, exceptions.ValidationError) else {}
    if isinstance(exc, exceptions.ValidationError):
        message = _("Some values are invalid.") if fields else " ".join(_flatten(detail))
        fields = fields or {"non_field_errors": _flatten(detail)}
    else:
        message = " ".join(_flatten(detail))
    codes = exc.get_codes()
    code = (
        codes
        if isinstance(codes, str)
        else ("invalid" if isinstance(exc, exceptions.ValidationError) else "error")
    )
    response.data = error_body(code, message, fields)
    return response


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
    request_id = serializers.CharField(help_text="The response's X-Request-ID, also in the audit trail.")


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()
