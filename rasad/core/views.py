from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound, access_object, access_organization_by_id
from rasad.core.actions.organizations import (
    do_close_organization,
    do_create_organization,
    do_move_organization,
    do_update_organization,
)
from rasad.core.actions.people import (
    do_create_working_group,
    do_grant_role,
    do_revoke_grant,
    do_update_working_group,
)
from rasad.core.actions.tokens import do_create_api_token, do_revoke_api_token
from rasad.core.audit_log import event_label, visible_events
from rasad.core.exports import XLSX_TYPE, audit_columns, csv_response, organization_columns, xlsx_response
from rasad.core.filtersets import AuditEventFilterSet, OrganizationFilterSet, UserFilterSet
from rasad.core.forms import (
    CloseOrganizationForm,
    GrantForm,
    ImportForm,
    MoveOrganizationForm,
    OrganizationForm,
    TokenForm,
    WorkingGroupForm,
    WorkingGroupMembersForm,
)
from rasad.core.importers import MAX_FILE_BYTES, OrganizationImporter, organization_template
from rasad.core.models import ApiToken, Grant, Membership, Organization, User, WorkingGroup
from rasad.core.scope import scope_for_permission
from rasad.web.maps import points_response
from rasad.web.views import RasadView


class OrganizationListView(RasadView):
    """The organization tree (or a flat list of matches when searching or filtering)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        visible = Organization.objects.visible_to(user).select_related("province")
        filterset = OrganizationFilterSet(request.GET or None, queryset=visible)
        organizations = list(filterset.qs[:2000])
        is_filtered = any(value for key, value in request.GET.items() if key not in {"lang", "page"})
        return render(
            request,
            "core/organization_list.html",
            {
                "filter": filterset,
                "organizations": organizations,
                "is_filtered": is_filtered,
                "tree": [] if is_filtered else build_tree(organizations),
                "may_add": _may(user, "core.add_organization"),
                "export_query": request.GET.urlencode(),
            },
        )


def build_tree(organizations: list[Organization]) -> list[dict[str, Any]]:
    """Nest visible organizations; one whose parent is not visible becomes a root of the view."""
    nodes: dict[int, dict[str, Any]] = {o.pk: {"organization": o, "children": []} for o in organizations}
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
        return render(
            request,
            "core/organization_detail.html",
            {
                "organization": organization,
                "ancestors": ancestors,
                "children": children,
                "history": history,
                "members": Membership.objects.visible_to(user)
                .filter(organization=organization)
                .select_related("user"),
                "may_change": scope_for_permission(user, "core.change_organization").contains(organization),
                "may_add": scope_for_permission(user, "core.add_organization").contains(organization),
            },
        )


class OrganizationMapView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "core/organization_map.html", {})


class OrganizationGeoJsonView(RasadView):
    """Points of the organizations the user may see, as GeoJSON for the shared map component."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        rows = (
            OrganizationFilterSet(request.GET or None, queryset=Organization.objects.visible_to(user))
            .qs.exclude(latitude=None)
            .values("pk", "name", "kind", "latitude", "longitude", "province__code")
        )
        return points_response(
            (
                row["latitude"],
                row["longitude"],
                {
                    "id": row["pk"],
                    "name": row["name"],
                    "kind": row["kind"],
                    "province": row["province__code"],
                    "url": reverse("core:organization-detail", args=[row["pk"]]),
                },
            )
            for row in rows
        )


class AuditListView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        filterset = AuditEventFilterSet(request.GET or None, queryset=visible_events(user))
        page = Paginator(filterset.qs.order_by("-created", "-id"), 50).get_page(request.GET.get("page"))
        for event in page.object_list:
            event.label = event_label(event.event_type)
        organizations = Organization.objects.filter(
            scope_for_permission(user, "core.view_auditevent").as_q()
        ).only("pk", "name", "code", "depth")
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/audit_list.html",
            {
                "filter": filterset,
                "page": page,
                "organizations": organizations,
                "query": query.urlencode(),
            },
        )


# ---------------------------------------------------------------------------------------------
# Organization writes
# ---------------------------------------------------------------------------------------------


def _may(user: User, permission: str) -> bool:
    return not scope_for_permission(user, permission).is_nothing


class OrganizationCreateView(RasadView):
    """A new organization under one where the user may add (``?parent=<id>`` preselects it)."""

    def _form(self, request: HttpRequest) -> OrganizationForm:
        user: User = request.user  # type: ignore[assignment]
        if not _may(user, "core.add_organization"):
            raise ObjectNotFound(_("No such object, or you may not see it."))
        initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else {}
        return OrganizationForm(request.POST or None, user=user, initial=initial)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request)
        if form.is_valid():
            organization = form.run_action(do_create_organization, form.values(), acting_user=request.user)
            if organization is not None:
                messages.success(request, _("The organization was created."))
                return redirect("core:organization-detail", pk=organization.pk)
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: OrganizationForm) -> HttpResponse:
        return render(
            request,
            "core/organization_form.html",
            {"form": form, "title": _("New organization"), "organization": None},
        )


class OrganizationEditView(RasadView):
    """Edit an organization; a different parent moves it (through the same action)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk, action="change")
        return self._render(request, OrganizationForm(user=user, instance=organization), organization)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk, action="change")
        form = OrganizationForm(request.POST, user=user, instance=organization)
        if form.is_valid():
            saved = form.run_action(do_update_organization, organization, form.values(), acting_user=user)
            if saved is not None:
                messages.success(request, _("The organization was saved."))
                return redirect("core:organization-detail", pk=saved.pk)
        return self._render(request, form, organization)

    def _render(
        self, request: HttpRequest, form: OrganizationForm, organization: Organization
    ) -> HttpResponse:
        return render(
            request,
            "core/organization_form.html",
            {"form": form, "title": _("Edit organization"), "organization": organization},
        )


class OrganizationMoveView(RasadView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk, action="change")
        return self._render(request, MoveOrganizationForm(user=user, instance=organization), organization)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk, action="change")
        form = MoveOrganizationForm(request.POST, user=user, instance=organization)
        if form.is_valid():
            moved = form.run_action(
                do_move_organization, organization, form.cleaned_data["parent"], acting_user=user
            )
            if moved is not None:
                messages.success(request, _("The organization was moved."))
                return redirect("core:organization-detail", pk=moved.pk)
        return self._render(request, form, organization)

    def _render(
        self, request: HttpRequest, form: MoveOrganizationForm, organization: Organization
    ) -> HttpResponse:
        return render(
            request,
            "core/organization_form.html",
            {"form": form, "title": _("Move organization"), "organization": organization},
        )


class OrganizationCloseView(RasadView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk, action="change")
        return self._render(request, CloseOrganizationForm(), organization)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk, action="change")
        form = CloseOrganizationForm(request.POST)
        if form.is_valid():
            closed = form.run_action(
                do_close_organization, organization, form.cleaned_data["closed_on"], acting_user=user
            )
            if closed is not None:
                messages.success(request, _("The organization was closed."))
                return redirect("core:organization-detail", pk=closed.pk)
        return self._render(request, form, organization)

    def _render(
        self, request: HttpRequest, form: CloseOrganizationForm, organization: Organization
    ) -> HttpResponse:
        return render(
            request,
            "core/organization_form.html",
            {"form": form, "title": _("Close organization"), "organization": organization},
        )


# ---------------------------------------------------------------------------------------------
# Import and export
# ---------------------------------------------------------------------------------------------


class OrganizationImportView(RasadView):
    """Upload a spreadsheet; every bad row is listed, and nothing is created unless all are valid."""

    def _check(self, request: HttpRequest) -> User:
        user: User = request.user  # type: ignore[assignment]
        if not _may(user, "core.add_organization"):
            raise ObjectNotFound(_("No such object, or you may not see it."))
        return user

    def get(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return render(request, "core/organization_import.html", {"form": ImportForm(), "report": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        user = self._check(request)
        form = ImportForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_FILE_BYTES:
                form.add_error(
                    "file", _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // 2**20}
                )
            else:
                report = OrganizationImporter(acting_user=user).run(
                    upload.read(), file_name=upload.name or "upload", dry_run=form.cleaned_data["dry_run"]
                )
                if report.applied:
                    messages.success(request, report.summary())
        status = 400 if report is not None and not report.ok else 200
        return render(
            request, "core/organization_import.html", {"form": form, "report": report}, status=status
        )


class OrganizationImportTemplateView(RasadView):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(organization_template(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="organizations-template.xlsx"'
        return response


class OrganizationExportView(RasadView):
    """The filtered list, as the user may see it, to Excel (default) or CSV (``?format=csv``)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        visible = Organization.objects.visible_to(user).select_related("parent", "province", "county")
        params = request.GET.copy()
        file_format = params.pop("format", ["xlsx"])[-1]
        organizations = OrganizationFilterSet(params or None, queryset=visible).qs.order_by("path")
        if file_format == "csv":
            return csv_response(organization_columns(), organizations.iterator(), "organizations")
        return xlsx_response(
            organization_columns(), organizations.iterator(), "organizations", title=str(_("Organizations"))
        )


class AuditExportView(RasadView):
    """The filtered audit list as CSV (at most ``AUDIT_EXPORT_LIMIT`` newest events)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        filterset = AuditEventFilterSet(request.GET, queryset=visible_events(user))
        if not filterset.is_valid():
            return HttpResponse(str(filterset.errors), status=400, content_type="text/plain; charset=utf-8")
        events = filterset.qs.order_by("-created", "-id")[:AUDIT_EXPORT_LIMIT]
        return csv_response(audit_columns(), events, "audit")


AUDIT_EXPORT_LIMIT = 100_000


# ---------------------------------------------------------------------------------------------
# People, grants, tokens
# ---------------------------------------------------------------------------------------------


class PeopleListView(RasadView):
    """Everyone who is a member of an organization the user may see people in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        people = UserFilterSet(request.GET or None, queryset=User.objects.visible_to(user)).qs.order_by(
            "username"
        )
        page = Paginator(people.prefetch_related("memberships__organization"), 50).get_page(
            request.GET.get("page")
        )
        return render(request, "core/people_list.html", {"page": page, "q": request.GET.get("q", "")})


class OrganizationPeopleView(RasadView):
    """The members of one organization and the grants over it (and over its ancestors in view)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk)
        members = (
            Membership.objects.visible_to(user)
            .filter(organization=organization)
            .select_related("user")
            .order_by("user__username")
        )
        grants = (
            Grant.objects.visible_to(user)
            .filter(organization_id__in=[*organization.ancestor_ids(), organization.pk])
            .select_related("user", "role", "organization")
            .order_by("organization__path", "user__username")
        )
        deletable = set(
            Grant.objects.visible_to(user, "delete")
            .filter(pk__in=[g.pk for g in grants])
            .values_list("pk", flat=True)
        )
        return render(
            request,
            "core/organization_people.html",
            {
                "organization": organization,
                "members": members,
                "grants": grants,
                "deletable": deletable,
                "may_grant": scope_for_permission(user, "core.add_grant").contains(organization),
            },
        )


class GrantCreateView(RasadView):
    def _organization(self, request: HttpRequest, pk: int) -> Organization:
        user: User = request.user  # type: ignore[assignment]
        organization = access_organization_by_id(user, pk)
        if not scope_for_permission(user, "core.add_grant").contains(organization):
            raise ObjectNotFound(_("No such object, or you may not see it."))
        return organization

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        organization = self._organization(request, pk)
        form = GrantForm(user=request.user)  # type: ignore[arg-type]
        return self._render(request, form, organization)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        organization = self._organization(request, pk)
        user: User = request.user  # type: ignore[assignment]
        form = GrantForm(request.POST, user=user)
        if form.is_valid():
            grant = form.run_action(
                do_grant_role,
                form.cleaned_data["user"],
                form.cleaned_data["role"],
                acting_user=user,
                organization=organization,
                include_descendants=form.cleaned_data["include_descendants"],
                expires=form.expires_at(),
            )
            if grant is not None:
                messages.success(request, _("The role was granted."))
                return redirect("core:organization-people", pk=organization.pk)
        return self._render(request, form, organization)

    def _render(self, request: HttpRequest, form: GrantForm, organization: Organization) -> HttpResponse:
        return render(
            request,
            "core/organization_form.html",
            {"form": form, "title": _("Grant a role"), "organization": organization},
        )


class GrantRevokeView(RasadView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        grant = access_object(
            Grant.objects.select_related("organization", "working_group"), user, pk, action="delete"
        )
        target = grant.organization_id or (grant.working_group.owner_id if grant.working_group else None)
        do_revoke_grant(grant, acting_user=user)
        messages.success(request, _("The grant was revoked."))
        if target is None:
            return redirect("core:people-list")
        return redirect("core:organization-people", pk=target)


class TokenListView(RasadView):
    """My API tokens: create one (its secret is shown once, on this response only) or revoke."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, TokenForm(), secret=None)

    def post(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        form = TokenForm(request.POST)
        secret = None
        if form.is_valid():
            result = form.run_action(
                do_create_api_token,
                user,
                acting_user=user,
                name=form.cleaned_data["name"],
                expires=form.expires_at(),
            )
            if result is not None:
                secret = result[1]
                form = TokenForm()
        response = self._render(request, form, secret=secret)
        response["Cache-Control"] = "no-store"
        return response

    def _render(self, request: HttpRequest, form: TokenForm, *, secret: str | None) -> HttpResponse:
        tokens = ApiToken.objects.filter(user=request.user).order_by("-created")  # type: ignore[misc]
        return render(request, "core/token_list.html", {"form": form, "tokens": tokens, "secret": secret})


class TokenRevokeView(RasadView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        token = ApiToken.objects.filter(user=user, pk=pk).first()
        if token is None:
            raise ObjectNotFound(_("No such object, or you may not see it."))
        do_revoke_api_token(token, acting_user=user)
        messages.success(request, _("The token was revoked."))
        return redirect("core:token-list")


# ---------------------------------------------------------------------------------------------
# Working groups
# ---------------------------------------------------------------------------------------------


class WorkingGroupListView(RasadView):
    """The working groups owned by organizations where the user may see working groups."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        groups = (
            WorkingGroup.objects.visible_to(user)
            .select_related("owner")
            .prefetch_related("organizations")
            .order_by("name", "code")
        )
        changeable = set(
            WorkingGroup.objects.visible_to(user, "change")
            .filter(pk__in=[g.pk for g in groups])
            .values_list("pk", flat=True)
        )
        return render(
            request,
            "core/working_group_list.html",
            {"groups": groups, "changeable": changeable, "may_add": _may(user, "core.add_workinggroup")},
        )


class WorkingGroupCreateView(RasadView):
    def _form(self, request: HttpRequest) -> WorkingGroupForm:
        user: User = request.user  # type: ignore[assignment]
        if not _may(user, "core.add_workinggroup"):
            raise ObjectNotFound(_("No such object, or you may not see it."))
        return WorkingGroupForm(request.POST or None, user=user)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request)
        if form.is_valid():
            data = form.cleaned_data
            group = form.run_action(
                do_create_working_group,
                data["code"].strip(),
                data["name"],
                acting_user=request.user,
                owner=data["owner"],
                organizations=list(data["organizations"]),
                include_descendants=data["include_descendants"],
            )
            if group is not None:
                messages.success(request, _("The working group was created."))
                return redirect("core:working-group-list")
        return self._render(request, form, status=400)

    def _render(self, request: HttpRequest, form: WorkingGroupForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "core/working_group_form.html",
            {"form": form, "title": _("New working group"), "group": None},
            status=status,
        )


class WorkingGroupMembersView(RasadView):
    """Change the member organizations of a working group the user may change."""

    def _group(self, request: HttpRequest, pk: int) -> WorkingGroup:
        group: WorkingGroup = access_object(
            WorkingGroup.objects.select_related("owner"), request.user, pk, action="change"
        )
        return group

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = self._group(request, pk)
        form = WorkingGroupMembersForm(user=request.user, group=group)  # type: ignore[arg-type]
        return self._render(request, form, group)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = self._group(request, pk)
        user: User = request.user  # type: ignore[assignment]
        form = WorkingGroupMembersForm(request.POST, user=user, group=group)
        if form.is_valid():
            saved = form.run_action(
                do_update_working_group,
                group,
                acting_user=user,
                organizations=form.members(),
                include_descendants=form.cleaned_data["include_descendants"],
            )
            if saved is not None:
                messages.success(request, _("The working group's members were saved."))
                return redirect("core:working-group-list")
        return self._render(request, form, group, status=400)

    def _render(
        self, request: HttpRequest, form: WorkingGroupMembersForm, group: WorkingGroup, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "core/working_group_form.html",
            {
                "form": form,
                "title": _("Members of %(name)s") % {"name": group.name},
                "group": group,
                "fixed": form.fixed,
            },
            status=status,
        )
