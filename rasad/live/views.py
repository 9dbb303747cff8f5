"""The live UI: the command view (map of field posts by status, feed of events), a post's page
(devices, recent history, agent credentials) and the forms that register devices and issue or
revoke credentials. Every page is a generic scoped view (``rasad.web.generic``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy

from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization
from rasad.live.actions import (
    DeviceValues,
    do_change_device,
    do_issue_credential,
    do_register_device,
    do_retire_device,
    do_revoke_credential,
)
from rasad.live.api.views import post_rows
from rasad.live.choices import EventKind, Severity, Status
from rasad.live.forms import CredentialForm, DeviceForm
from rasad.live.models import AgentCredential, Device, DeviceEvent
from rasad.live.status import STATUS_BADGES, STATUS_COLOURS
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedView,
    refusal,
)
from rasad.web.maps import points_response

FEED_LENGTH = 30


def _labels() -> dict[str, dict[str, str]]:
    """Translated labels the page's script needs to show pushed events."""
    return {
        "kind": {k.value: str(k.label) for k in EventKind},
        "severity": {s.value: str(s.label) for s in Severity},
        "status": {s.value: str(s.label) for s in Status},
        "badge": {s.value: STATUS_BADGES[s] for s in Status},
        "colour": {s.value: STATUS_COLOURS[s] for s in Status},
    }


class CommandView(ScopedView):
    """The command centre's page: every field post the user may see on the map, coloured by
    status, the posts as a list, and the latest events."""

    model = Device
    template_name = "live/command.html"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        posts = post_rows(self.scoped(Organization.objects.all()), self.get_queryset())
        events = self.scoped(DeviceEvent.objects.select_related("device", "organization"))[:FEED_LENGTH]
        counts = {s.value: sum(1 for p in posts if p["status"] == s.value) for s in Status}
        return self.render(
            {
                "posts": posts,
                "events": events,
                "counts": [(s, counts[s.value]) for s in Status],
                "badges": STATUS_BADGES,
                "labels": _labels(),
                "last_event_id": events[0].pk if events else 0,
            }
        )


class PostPointsView(ScopedView):
    """The posts as map points (the shared map component's ``data-points``), coloured by status."""

    model = Device

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        posts = post_rows(self.scoped(Organization.objects.all()), self.get_queryset())
        return points_response(
            (
                post["latitude"],
                post["longitude"],
                {
                    "name": f"{post['name']} · {Status(post['status']).label}",
                    "url": reverse("live:post", args=[post["id"]]),
                    "colour": STATUS_COLOURS[Status(post["status"])],
                    "id": post["id"],
                    "status": post["status"],
                },
            )
            for post in posts
            if post["latitude"] is not None and post["longitude"] is not None
        )


class PostDetailView(ScopedDetailView):
    """A field post: its devices with their readings, recent events, and agent credentials."""

    model = Organization
    template_name = "live/post.html"

    def get_object(self, action: str | None = None, pk: Any = None) -> Any:
        post = super().get_object(action, pk)
        if post.kind != OrganizationKind.FIELD_POST:
            raise refusal()
        return post

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        post = context["object"]
        devices = list(
            self.scoped(Device.objects.filter(organization=post)).order_by("retired_at", "kind", "serial")
        )
        events = self.scoped(DeviceEvent.objects.filter(organization=post).select_related("device"))[:50]
        credentials = self.scoped(AgentCredential.objects.filter(organization=post))
        row = post_rows(Organization.objects.filter(pk=post.pk), self.scoped(Device.objects.all()))[0]
        return super().get_context_data(
            **context,
            post=post,
            devices=devices,
            events=events,
            credentials=credentials,
            status=Status(row["status"]),
            badges=STATUS_BADGES,
            can_add_device=self.can("add", Device(organization=post)),
            changeable=self.permitted("change", devices),
            can_issue=self.can("add", AgentCredential(organization=post)),
            revocable=self.permitted("change", list(credentials)),
        )


class DeviceCreateView(ScopedFormView):
    """Register a device at the post in the URL."""

    model = Organization
    creates = Device
    form_class = DeviceForm
    template_name = "live/form.html"
    title = gettext_lazy("Register a device")
    success_message = gettext_lazy("The device was registered.")

    def perform(self, form: DeviceForm) -> Device | None:
        data = form.cleaned_data
        return form.run_action(  # type: ignore[no-any-return]
            do_register_device,
            DeviceValues(self.object, data["kind"], data["serial"], data["name"], data["heartbeat_interval"]),
            acting_user=self.user,
        )

    def get_success_url(self, result: Device) -> str:
        return reverse("live:post", args=[result.organization_id])


class DeviceEditView(ScopedFormView):
    model = Device
    scope_action = "change"
    form_class = DeviceForm
    template_name = "live/form.html"
    title = gettext_lazy("Change a device")
    success_message = gettext_lazy("The device was saved.")

    def get_initial(self) -> dict[str, Any]:
        device = self.object
        return {
            "kind": device.kind,
            "serial": device.serial,
            "name": device.name,
            "heartbeat_interval": device.heartbeat_interval,
        }

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, post=self.object.organization)

    def perform(self, form: DeviceForm) -> Device | None:
        data = form.cleaned_data
        return form.run_action(  # type: ignore[no-any-return]
            do_change_device,
            self.object,
            DeviceValues(
                self.object.organization,
                data["kind"],
                data["serial"],
                data["name"],
                data["heartbeat_interval"],
            ),
            acting_user=self.user,
        )

    def get_success_url(self, result: Device) -> str:
        return reverse("live:post", args=[result.organization_id])


class DeviceRetireView(ScopedActionView):
    model = Device
    scope_action = "change"
    confirm_template = "live/confirm.html"
    success_message = gettext_lazy("The device was retired.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context,
            question=gettext_lazy("Retire this device?"),
            consequence=gettext_lazy(
                "It no longer counts towards the post's status, and what it sends afterwards is refused. "
                "Its history stays."
            ),
            button=gettext_lazy("Retire"),
        )

    def perform(self, obj: Device) -> Device:
        return do_retire_device(obj, acting_user=self.user)

    def get_success_url(self, obj: Device) -> str:
        return reverse("live:post", args=[obj.organization_id])


class CredentialIssueView(ScopedFormView):
    """Issue a credential for the post's agent; the secret is shown on the answer, once."""

    model = Organization
    creates = AgentCredential
    form_class = CredentialForm
    template_name = "live/form.html"
    title = gettext_lazy("Issue an agent credential")

    def perform(self, form: CredentialForm) -> tuple[AgentCredential, str] | None:
        return form.run_action(  # type: ignore[no-any-return]
            do_issue_credential, self.object, form.cleaned_data["name"], acting_user=self.user
        )

    def succeeded(self, result: tuple[AgentCredential, str]) -> HttpResponseBase:
        credential, secret = result
        response: HttpResponse = self.render(
            {"credential": credential, "secret": secret, "post": self.object}
        )
        response["Cache-Control"] = "no-store"
        return response

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        if "secret" in context:
            context.setdefault("title", gettext_lazy("Agent credential issued"))
        context.setdefault("post", self.object)
        return super().get_context_data(**context)


class CredentialRevokeView(ScopedActionView):
    model = AgentCredential
    scope_action = "change"
    confirm_template = "live/confirm.html"
    success_message = gettext_lazy("The credential was revoked; the agent can no longer send with it.")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context,
            question=gettext_lazy("Revoke this credential?"),
            consequence=gettext_lazy("The agent that uses it can no longer send anything, from this moment."),
            button=gettext_lazy("Revoke"),
        )

    def perform(self, obj: AgentCredential) -> AgentCredential:
        return do_revoke_credential(obj, acting_user=self.user)

    def get_success_url(self, obj: AgentCredential) -> str:
        return reverse("live:post", args=[obj.organization_id])
