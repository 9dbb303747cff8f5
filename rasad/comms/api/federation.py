"""Node-to-node endpoints: the inbox peers push envelopes to, the endpoint they push key bundles
to, and the public bundle of each centre hosted here.

These endpoints take no session or token: what they receive authenticates itself (signatures
under keys an administrator pinned), and what they serve is public (bundles). Every refusal
answers with the standard error shape plus the part that failed, in English for the peer's
logs; the sending node shows its own users the translated reason for that code.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rasad.comms import errors, throttle
from rasad.comms.actions import accept_envelope, apply_bundle_update, published_bundle
from rasad.comms.actions.envelopes import limits
from rasad.comms.crypto import Failure
from rasad.comms.models import Centre
from rasad.core.middleware import client_ip

logger = logging.getLogger(__name__)

MAX_BUNDLE_BYTES = 256 * 1024

STATUS_FOR = {
    Failure.TOO_LARGE.value: 413,
    errors.NOT_HOSTED: 404,
    errors.UNKNOWN_SENDER: 403,
    errors.NOT_PINNED: 403,
    errors.PEER_KEY_CHANGED: 403,
    errors.PEER_BLOCKED: 403,
    Failure.REPLAY.value: 409,
    errors.RATE_LIMITED: 429,
}


def _refused(refusal: errors.Refusal) -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": refusal.code,
                "message": str(errors.MESSAGES.get(refusal.code, refusal.code)),
                "detail": refusal.detail,
                "centre": refusal.centre,
            }
        },
        status=STATUS_FOR.get(refusal.code, 422),
    )


def _read_body(request: HttpRequest, maximum: int) -> bytes | None:
    """The raw body, or None when it is over ``maximum`` (read without Django's form-size
    limit, which is meant for form posts, and never more than ``maximum + 1`` bytes)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > maximum:
        return None
    data = request.read(maximum + 1)
    return None if len(data) > maximum else data


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    raw = _read_body(request, limits().max_envelope_bytes)
    if raw is None:
        return _refused(
            errors.Refusal(Failure.TOO_LARGE.value, "the envelope is larger than this node accepts")
        )
    try:
        result = accept_envelope(raw, client=client_ip(request))
    except errors.Refusal as refusal:
        if refusal.code == errors.RATE_LIMITED:
            response = _refused(refusal)
            response["Retry-After"] = str(throttle.WINDOW_SECONDS)
            return response
        logger.info("inbox refused an envelope: %s %s", refusal.code, refusal.detail)
        return _refused(refusal)
    return JsonResponse(
        {
            "status": result.status,
            "msg_id": result.msg_id,
            "accepted": result.accepted,
            "refused": {
                centre: {"code": refusal.code, "detail": refusal.detail}
                for centre, refusal in result.refused.items()
            },
        }
    )


@csrf_exempt
@require_POST
def bundles(request: HttpRequest) -> HttpResponse:
    raw = _read_body(request, MAX_BUNDLE_BYTES)
    if raw is None:
        return _refused(errors.Refusal(Failure.TOO_LARGE.value, "the bundle is too large"))
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _refused(errors.Refusal(Failure.MALFORMED.value, "the bundle is not JSON"))
    try:
        peers = apply_bundle_update(data)
    except errors.Refusal as refusal:
        return _refused(refusal)
    return JsonResponse({"status": "stored", "centres": sorted({peer.local_centre.code for peer in peers})})


@require_GET
def centre_bundle(request: HttpRequest, code: str) -> HttpResponse:
    centre = Centre.objects.filter(code=code, is_local=True).first()
    if centre is None:
        return _refused(errors.Refusal(errors.NOT_HOSTED, f"{code} is not hosted here"))
    return JsonResponse(published_bundle(centre), json_dumps_params={"ensure_ascii": False})


@require_GET
def node(request: HttpRequest) -> HttpResponse:
    """Which centres this node hosts (codes and names): what a peer's administrator picks from."""
    centres = Centre.objects.filter(is_local=True).order_by("code")
    return JsonResponse(
        {"centres": [{"code": centre.code, "name": centre.name} for centre in centres]},
        json_dumps_params={"ensure_ascii": False},
    )
