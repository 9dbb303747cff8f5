"""The core app's pages: the organization tree, map, import and export; people, grants, working
groups, API tokens and the audit trail. Every page is a generic scoped view
(``rasad.web.generic``): scope is never applied here by hand."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.db import models
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.core.actions.organizations import (
    do_close_organization,
    do_create_organization,
    do_move_organization,
    do_set_national_body,
    do_update_organization,
)
from rasad.core.actions.people import (
    do_change_user_names,
    do_create_working_group,
    do_grant_role,
    do_revoke_grant,
    do_set_user_active,
    do_update_working_group,
)
from rasad.core.actions.security import do_reset_two_factor
from rasad.core.actions.tokens import do_create_api_token, do_revoke_api_token
from rasad.core.audit_log import event_label
from rasad.core.filtersets import (
    AuditEventFilterSet,
    OrganizationFilterSet,
    UserFilterSet,
    WorkingGroupFilterSet,
)
from rasad.core.forms import (
    CloseOrganizationForm,
    GrantForm,
    ImportForm,
    MoveOrganizationForm,
    OrganizationForm,
    TokenForm,
    UserNamesForm,
    WorkingGroupForm,
    WorkingGroupMembersForm,
)
from rasad.core.importers import OrganizationImporter, PeopleImporter, organization_template, people_template
from rasad.core.models import ApiToken, AuditEvent, Grant, Membership, Organization, User, WorkingGroup
from rasad.lib import display
from rasad.lib.downloads import template_download
from rasad.web.generic import (
    AuthenticatedRequest,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedImportView,
    ScopedListView,
    ScopedView,
    refusal,
)
from rasad.web.maps import Placement, points_response

# ---------------------------------------------------------------------------------------------
# The organization tree
# ---------------------------------------------------------------------------------------------


class OrganizationListView(ScopedListView):
    """The organization tree (or a flat list of matches when searching or filtering)."""

    model = Organization
    queryset = Organization.objects.select_related("province")
    filterset_class = OrganizationFilterSet
    template_name = "core/organization_list.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        organizations = list(objects[:2000])
        is_filtered = any(value for key, value in self.request.GET.items() if key not in {"lang", "page"})
        return self.render(
            {
                "filter": self.filterset,
                "organizations": organizations,
                "is_filtered": is_filtered,
                "tree": [] if is_filtered else build_tree(organizations),
                "may_add": self.may("add"),
                "export_query": self.request.GET.urlencode(),
            }
        )


def build_tree(organizations: list[Organization]) -> list[dict[str, Any]]:
    """Nest visible organizations; one whose parent is not visible becomes a root of the view."""
    nodes: dict[int, dict[str, Any]] = {o.pk: {"organization": o, "children": []} for o in organizations}
    roots: list[dict[str, Any]] = []
    for organization in organizations:
        parent = nodes.get(organization.parent_id) if organization.parent_id else None
        (parent["children"] if parent else roots).append(nodes[organization.pk])
    return roots


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "core/organization_detail.html"
    context_object_name = "organization"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        organization: Organization = self.object
        visible = self.get_queryset()
        return super().get_context_data(
            **context,
            ancestors=list(visible.filter(pk__in=organization.ancestor_ids()).order_by("depth")),
            children=list(visible.filter(parent=organization).select_related("province")),
            history=list(organization.parent_history.select_related("parent").order_by("-valid_from")),
            members=self.scoped(Membership.objects.filter(organization=organization).select_related("user")),
            may_change=self.can("change", organization),
            may_add=self.can("add", organization),
            may_set_national_body=self.user.is_superuser,
        )


class OrganizationNationalBodyView(ScopedActionView):
    """Mark or unmark a national body (POST ``value`` = 1 or 0): platform administrators only,
    everyone else is answered like a missing page."""

    model = Organization
    http_method_names = ["post"]
    success_url_name = "core:organization-detail"

    def check_access(self) -> None:
        if not self.user.is_superuser:
            raise refusal()

    success_message = gettext_lazy("The national-body mark was saved.")

    def perform(self, obj: Organization) -> Any:
        return do_set_national_body(obj, self.request.POST.get("value") == "1", acting_user=self.user)


class OrganizationMapView(ScopedListView):
    """The map page: how many of the organizations the user may see have a point (and why the
    others are not on the map), and a table by province beside it; the points come from
    ``OrganizationGeoJsonView``, through the same scope and filters."""

    model = Organization
    filterset_class = OrganizationFilterSet
    template_name = "core/organization_map.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        placement = Placement()
        name = "province__name_fa" if display.current().language.startswith("fa") else "province__name_en"
        for latitude, province in objects.values_list("latitude", name):
            placement.add(exact=latitude is not None, approximate=False, province=province or "")
        return self.render({"placement": placement, "query": self.request.GET.urlencode()})


class OrganizationGeoJsonView(ScopedListView):
    """Points of the organizations the user may see, as GeoJSON for the shared map component."""

    model = Organization
    filterset_class = OrganizationFilterSet

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        rows = objects.exclude(latitude=None).values(
            "pk", "name", "kind", "latitude", "longitude", "province__code"
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


# ---------------------------------------------------------------------------------------------
# Organization writes
# ---------------------------------------------------------------------------------------------


class OrganizationCreateView(ScopedFormView):
    """A new organization under one where the user may add (``?parent=<id>`` preselects it)."""

    model = Organization
    scope_action = "add"
    form_class = OrganizationForm
    template_name = "core/organization_form.html"
    title = gettext_lazy("New organization")
    success_message = gettext_lazy("The organization was created.")
    success_url_name = "core:organization-detail"

    def get_initial(self) -> dict[str, Any]:
        parent = self.request.GET.get("parent")
        return {"parent": parent} if parent else {}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user}

    def perform(self, form: OrganizationForm) -> Organization | None:
        created: Organization | None = form.run_action(
            do_create_organization, form.values(), acting_user=self.user
        )
        return created

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, organization=None)


class _OrganizationChangeView(ScopedFormView):
    """Base of the forms that change one organization (edit, move, close)."""

    model = Organization
    scope_action = "change"
    template_name = "core/organization_form.html"
    success_url_name = "core:organization-detail"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, organization=self.object)


class OrganizationEditView(_OrganizationChangeView):
    """Edit an organization; a different parent moves it (through the same action)."""

    form_class = OrganizationForm
    title = gettext_lazy("Edit organization")
    success_message = gettext_lazy("The organization was saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user, "instance": self.object}

    def perform(self, form: OrganizationForm) -> Organization | None:
        saved: Organization | None = form.run_action(
            do_update_organization, self.object, form.values(), acting_user=self.user
        )
        return saved


class OrganizationMoveView(_OrganizationChangeView):
    form_class = MoveOrganizationForm
    title = gettext_lazy("Move organization")
    success_message = gettext_lazy("The organization was moved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user, "instance": self.object}

    def perform(self, form: MoveOrganizationForm) -> Organization | None:
        moved: Organization | None = form.run_action(
            do_move_organization, self.object, form.cleaned_data["parent"], acting_user=self.user
        )
        return moved


class OrganizationCloseView(_OrganizationChangeView):
    form_class = CloseOrganizationForm
    title = gettext_lazy("Close organization")
    success_message = gettext_lazy("The organization was closed.")

    def perform(self, form: CloseOrganizationForm) -> Organization | None:
        closed: Organization | None = form.run_action(
            do_close_organization, self.object, form.cleaned_data["closed_on"], acting_user=self.user
        )
        return closed


# ---------------------------------------------------------------------------------------------
# Import and export
# ---------------------------------------------------------------------------------------------


class OrganizationImportView(ScopedImportView):
    """Upload a spreadsheet; every bad row is listed, and nothing is created unless all are valid.
    Once a file is applied the page stays, showing the report (the shared import page,
    ``rasad.web.generic.ScopedImportView``)."""

    model = Organization
    scope_action = "add"
    form_class = ImportForm
    template_name = "core/organization_import.html"

    def importer(self) -> OrganizationImporter:
        return OrganizationImporter(acting_user=self.user)

    def get_done_url(self) -> None:
        return None


class PeopleImportView(ScopedImportView):
    """Names in bulk: the people export with display names or names in Latin letters filled in,
    uploaded back (``PeopleImporter``); every bad row listed, nothing changed unless all are valid."""

    model = User
    scope_action = "change"
    form_class = ImportForm
    template_name = "core/people_import.html"

    def importer(self) -> PeopleImporter:
        return PeopleImporter(acting_user=self.user)

    def get_done_url(self) -> str:
        return reverse("core:people-list")


class PeopleImportTemplateView(ScopedView):
    """The empty names workbook, for those who may change people somewhere."""

    model = User
    scope_action = "change"
    refuse_when_nowhere = True

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return template_download(people_template(), _("People"), "people", "xlsx")


class OrganizationImportTemplateView(ScopedView):
    """The empty import workbook (no data: only the columns and their help), for those who may
    import: refused like the import page itself."""

    model = Organization
    scope_action = "add"
    refuse_when_nowhere = True

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return template_download(organization_template(), _("Organizations"), "organizations", "xlsx")


# ---------------------------------------------------------------------------------------------
# The audit trail
# ---------------------------------------------------------------------------------------------


class AuditListView(ScopedListView):
    model = AuditEvent
    # Each event's person in the same query: the page names them (docs/audit.md).
    queryset = AuditEvent.objects.select_related("actor")
    filterset_class = AuditEventFilterSet
    ordering = ("-created", "-id")
    paginate_by = 50
    template_name = "core/audit_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        for event in context["page"].object_list:
            event.label = event_label(event.event_type)
        organizations = self.organizations_for("view", include_closed=True).only(
            "pk", "name", "code", "depth"
        )
        return super().get_context_data(**context, organizations=organizations)


# ---------------------------------------------------------------------------------------------
# People and grants
# ---------------------------------------------------------------------------------------------


class PeopleListView(ScopedListView):
    """Everyone who is a member of an organization the user may see people in."""

    model = User
    filterset_class = UserFilterSet
    ordering = ("username",)
    paginate_by = 50
    template_name = "core/people_list.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        # Each person's memberships as the viewer may see them: a membership in an organization
        # outside the viewer's scope is not listed (``visible_memberships``).
        memberships = self.scoped(Membership.objects.select_related("organization").order_by("pk"))
        return super().respond(
            objects.prefetch_related(
                Prefetch("memberships", queryset=memberships, to_attr="visible_memberships")
            )
        )

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        page = context.get("page")
        people = list(page.object_list) if page is not None else []
        # Who gets a "reset two-factor" button: people with two-factor on whom the viewer may
        # change, never the viewer (another administrator resets one's own).
        with_two_factor = set(
            TOTPDevice.objects.filter(user__in=people, confirmed=True).values_list("user_id", flat=True)
        )
        changeable = self.permitted("change", people) - {self.user.pk}
        if not self.user.is_superuser:
            changeable -= {person.pk for person in people if person.is_superuser}
        return super().get_context_data(
            **context,
            q=self.request.GET.get("q", ""),
            resettable=changeable & with_two_factor,
            changeable=changeable,
            may_import=self.may("change"),
            export_query=urlencode({"q": q} if (q := self.request.GET.get("q", "")) else {}),
        )


class TwoFactorResetView(ScopedActionView):
    """Another administrator removes a person's authenticator apps and backup codes."""

    model = User
    scope_action = "change"
    http_method_names = ["post"]
    success_message = gettext_lazy(
        "Two-factor sign-in was reset; the person sets it up again at the next sign-in."
    )

    def perform(self, obj: User) -> None:
        do_reset_two_factor(obj, acting_user=self.user)

    def get_success_url(self, obj: User) -> str:
        return reverse("core:people-list")


class UserEditView(ScopedFormView):
    """An administrator corrects the names a person they may change goes by (display name and
    name in Latin letters); the person sets their Latin name themselves on their preferences."""

    model = User
    scope_action = "change"
    form_class = UserNamesForm
    template_name = "core/user_form.html"
    title = gettext_lazy("Edit person")
    success_message = gettext_lazy("The person's names were saved.")

    def get_initial(self) -> dict[str, Any]:
        return {"display_name": self.object.display_name, "latin_name": self.object.latin_name}

    def perform(self, form: UserNamesForm) -> User | None:
        data = form.cleaned_data
        saved: User | None = form.run_action(
            do_change_user_names,
            self.object,
            acting_user=self.user,
            display_name=data["display_name"],
            latin_name=data["latin_name"],
        )
        return saved

    def get_success_url(self, result: User) -> str:
        return reverse("core:people-list") + f"?q={quote(result.username)}"


class UserDeactivateView(ScopedActionView):
    """Deactivate a person who has left (``do_set_user_active``); ``UserReactivateView`` takes
    them back."""

    model = User
    scope_action = "change"
    http_method_names = ["post"]
    active = False
    success_message = gettext_lazy("The account is deactivated; the person can no longer sign in.")

    def perform(self, obj: User) -> None:
        do_set_user_active(obj, self.active, acting_user=self.user)

    def get_success_url(self, obj: User) -> str:
        return reverse("core:people-list")


class UserReactivateView(UserDeactivateView):
    active = True
    success_message = gettext_lazy("The account is active again; the person can sign in.")


class OrganizationPeopleView(ScopedDetailView):
    """The members of one organization and the grants over it (and over its ancestors in view)."""

    model = Organization
    template_name = "core/organization_people.html"
    context_object_name = "organization"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        organization: Organization = self.object
        members = self.scoped(
            Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__username")
        )
        grants = list(
            self.scoped(
                Grant.objects.filter(organization_id__in=[*organization.ancestor_ids(), organization.pk])
                .select_related("user", "role", "organization")
                .order_by("organization__path", "user__username")
            )
        )
        return super().get_context_data(
            **context,
            members=members,
            grants=grants,
            deletable=self.permitted("delete", grants),
            may_grant=self.can("add", Grant(organization=organization)),
        )


class GrantCreateView(ScopedFormView):
    """Give a person a role over the organization in the URL (needs ``core.add_grant`` there)."""

    model = Organization
    creates = Grant
    form_class = GrantForm
    template_name = "core/organization_form.html"
    title = gettext_lazy("Grant a role")
    success_message = gettext_lazy("The role was granted.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user}

    def perform(self, form: GrantForm) -> Grant | None:
        grant: Grant | None = form.run_action(
            do_grant_role,
            form.cleaned_data["user"],
            form.cleaned_data["role"],
            acting_user=self.user,
            organization=self.object,
            include_descendants=form.cleaned_data["include_descendants"],
            expires=form.expires_at(),
        )
        return grant

    def get_success_url(self, result: Grant) -> str:
        return reverse("core:organization-people", args=[self.object.pk])

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, organization=self.object)


class GrantRevokeView(ScopedActionView):
    model = Grant
    queryset = Grant.objects.select_related("organization", "working_group")
    scope_action = "delete"
    http_method_names = ["post"]
    success_message = gettext_lazy("The grant was revoked.")

    def perform(self, obj: Grant) -> None:
        do_revoke_grant(obj, acting_user=self.user)

    def get_success_url(self, obj: Grant) -> str:
        target = obj.organization_id or (obj.working_group.owner_id if obj.working_group else None)
        if target is None:
            return reverse("core:people-list")
        return reverse("core:organization-people", args=[target])


# ---------------------------------------------------------------------------------------------
# API tokens: a person's own
# ---------------------------------------------------------------------------------------------


class TokenListView(ScopedListView):
    """My API tokens: create one (its secret is shown once, on this response only) or revoke."""

    model = ApiToken
    ordering = ("-created",)
    context_object_name = "tokens"
    template_name = "core/token_list.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context.setdefault("form", TokenForm())
        context.setdefault("secret", None)
        return super().get_context_data(**context)

    def post(self, request: AuthenticatedRequest) -> HttpResponseBase:
        form = TokenForm(request.POST)
        secret = None
        if form.is_valid():
            result = form.run_action(
                do_create_api_token,
                self.user,
                acting_user=self.user,
                name=form.cleaned_data["name"],
                expires=form.expires_at(),
            )
            if result is not None:
                secret = result[1]
                form = TokenForm()
        response = self.render(
            {"tokens": self.get_queryset().order_by(*self.ordering), "form": form, "secret": secret}
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(ScopedActionView):
    model = ApiToken
    scope_action = "change"
    http_method_names = ["post"]
    success_message = gettext_lazy("The token was revoked.")

    def perform(self, obj: ApiToken) -> None:
        do_revoke_api_token(obj, acting_user=self.user)

    def get_success_url(self, obj: ApiToken) -> str:
        return reverse("core:token-list")


# ---------------------------------------------------------------------------------------------
# Working groups
# ---------------------------------------------------------------------------------------------


class WorkingGroupListView(ScopedListView):
    """The working groups owned by organizations where the user may see working groups."""

    model = WorkingGroup
    queryset = WorkingGroup.objects.select_related("owner").prefetch_related("organizations")
    filterset_class = WorkingGroupFilterSet
    ordering = ("name", "code")
    context_object_name = "groups"
    template_name = "core/working_group_list.html"

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        groups = list(objects)
        return self.render(
            {"groups": groups, "changeable": self.permitted("change", groups), "may_add": self.may("add")}
        )


class WorkingGroupCreateView(ScopedFormView):
    model = WorkingGroup
    scope_action = "add"
    form_class = WorkingGroupForm
    template_name = "core/working_group_form.html"
    title = gettext_lazy("New working group")
    success_message = gettext_lazy("The working group was created.")
    invalid_status = 400

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user}

    def perform(self, form: WorkingGroupForm) -> WorkingGroup | None:
        data = form.cleaned_data
        group: WorkingGroup | None = form.run_action(
            do_create_working_group,
            data["code"].strip(),
            data["name"],
            acting_user=self.user,
            owner=data["owner"],
            organizations=list(data["organizations"]),
            include_descendants=data["include_descendants"],
        )
        return group

    def get_success_url(self, result: WorkingGroup) -> str:
        return reverse("core:working-group-list")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**context, group=None)


class WorkingGroupMembersView(ScopedFormView):
    """Change the member organizations of a working group the user may change."""

    model = WorkingGroup
    queryset = WorkingGroup.objects.select_related("owner")
    scope_action = "change"
    form_class = WorkingGroupMembersForm
    template_name = "core/working_group_form.html"
    success_message = gettext_lazy("The working group's members were saved.")
    invalid_status = 400

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user, "group": self.object}

    def perform(self, form: WorkingGroupMembersForm) -> WorkingGroup | None:
        saved: WorkingGroup | None = form.run_action(
            do_update_working_group,
            self.object,
            acting_user=self.user,
            organizations=form.members(),
            include_descendants=form.cleaned_data["include_descendants"],
        )
        return saved

    def get_success_url(self, result: WorkingGroup) -> str:
        return reverse("core:working-group-list")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(
            **context,
            title=_("Members of %(name)s") % {"name": self.object.name},
            group=self.object,
            fixed=context["form"].fixed,
        )
