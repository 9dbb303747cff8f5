from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from rasad.core.access import access_organization_by_id
from rasad.core.audit_log import event_label, visible_events
from rasad.core.filtersets import AuditEventFilterSet, OrganizationFilterSet
from rasad.core.models import Organization, User
from rasad.web.views import RasadView


class OrganizationListView(RasadView):
    """The organization tree (or a flat list of matches when searching or filtering)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        visible = Organization.objects.visible_to(user).select_related("province")
        filterset = OrganizationFilterSet(request.GET or None, queryset=visible)
        organizations = list(filterset.qs[:2000])
        is_filtered = any(value for key, value in request.GET.items() if key not in {"lang", "page"})
        return render(request, "core/organization_list.html", {
            "filter": filterset, "organizations": organizations, "is_filtered": is_filtered,
            "tree": [] if is_filtered else build_tree(organizations),
        })


def build_tree(organizations: list[Organization]) -> list[dict[str, Any]]:
    """Nest visible organizations; one whose parent is not visible becomes a root of the view."""
    nodes = {o.pk: {"organization": o, "children": []} for o in organizations}
    roots: list[dict[str, Any]] = []
    for organization in organizations:
        parent = nodes.get(organization.parent_id) if organization.parent_id else None
        (parent["children"] if parent else roots).append(nodes[organization.pk])
    return roots


class OrganizationDetailView(RasadView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk)
        visible = Organization.objects.visible_to(user)
        ancestors = list(visible.filter(pk__in=organization.ancestor_ids()).order_by("depth"))
        children = list(visible.filter(parent=organization).select_related("province"))
        history = list(organization.parent_history.select_related("parent").order_by("-valid_from"))
        return render(request, "core/organization_detail.html", {
            "organization": organization, "ancestors": ancestors, "children": children, "history": history,
            "members": organization.memberships.select_related("user"),
        })


class OrganizationMapView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "core/organization_map.html", {})


class OrganizationGeoJsonView(RasadView):
    """Points of the organizations the user may see, as GeoJSON for the shared map component."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        rows = (
            OrganizationFilterSet(request.GET or None, queryset=Organization.objects.visible_to(user)).qs
            .exclude(latitude=None).values("pk", "name", "kind", "latitude", "longitude", "province__code")
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                "properties": {"id": row["pk"], "name": row["name"], "kind": row["kind"],
                               "province": row["province__code"], "url": f"/organizations/{row['pk']}/"},
            }
            for row in rows
        ]
        return JsonResponse({"type": "FeatureCollection", "features": features})


class AuditListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        filterset = AuditEventFilterSet(request.GET or None, queryset=visible_events(user))
        page = Paginator(filterset.qs.order_by("-created", "-id"), 50).get_page(request.GET.get("page"))
        for event in page.object_list:
            event.label = event_label(event.event_type)  # type: ignore[attr-defined]
        return render(request, "core/audit_list.html", {"filter": filterset, "page": page})
