"""Generic scoped views: every server-rendered page derives from one of these, so scope is applied
in one place, the same way as the API's base viewsets (``rasad.api.viewsets``).

A view names its ``model`` (whose manager has ``visible_to``) and the ``scope_action`` (a verb of
the model's permissions: ``view``, ``add``, ``change``, ``delete``, or a custom one). The base does
the rest:

=====================  =====================================================================
``ScopedListView``     ``model.objects.visible_to(user, scope_action)``, filtered by
                       ``filterset_class``, ordered, paginated; ``respond(objects)`` renders it
                       (exports and JSON feeds override ``respond``)
``ScopedDetailView``   one object through ``access_object`` (404 for missing and forbidden alike)
``ScopedFormView``     a form: bound to the object in the URL (fetched for ``scope_action``), or,
                       with no object in the URL, offered only to users who may ``scope_action``
                       on ``model`` somewhere; ``perform(form)`` runs the action
``ScopedActionView``   a POST on one object (revoke, delete, close): fetched for ``scope_action``,
                       ``perform(obj)`` runs the action; an optional confirmation page on GET
``ScopedView``         a page composed of several scoped reads (a dashboard): ``get`` is yours,
                       the helpers below are the only way to data
``SignedInView``       a page about the signed-in user only (home, preferences): no model
``SignedInFormView``   a form about the signed-in user only (preferences, password)
=====================  =====================================================================

Every refusal is ``ObjectNotFound`` (the 404 of a missing object). Views never call
``visible_to``, ``access_object`` or the scope functions themselves: they use ``get_queryset``,
``get_object``, ``can``, ``may``, ``permitted`` and ``organizations_for`` below, which ask
``rasad.core.access`` and ``rasad.core.scope``.

``self.request`` is an ``AuthenticatedRequest`` and ``self.user`` a ``User``: the base has checked
that somebody is signed in (and has passed two-factor where required) before any handler runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from rasad.core.access import (
    access_object,
    can,
    may_act_anywhere,
    organization_of,
    permitted_ids,
    session_passed_two_factor,
    visible_rows,
)
from rasad.core.access import refusal as refusal  # re-exported: the views' toolkit is this module
from rasad.core.access import session_verified as session_verified  # re-exported likewise
from rasad.core.audit import last_event_id, recorded_since
from rasad.core.models import Organization, User
from rasad.core.scope import organizations_for
from rasad.lib import formatting
from rasad.web.pagination import BoundedPaginator

if TYPE_CHECKING:
    from django.utils.functional import Promise


class AuthenticatedRequest(HttpRequest):
    """A request whose user is signed in; the type of ``request`` in every signed-in handler."""

    user: User


def _success_url(url_name: str, obj: models.Model) -> str:
    """The page named ``url_name`` about ``obj`` (its id the one argument): where a form or an
    action view with ``success_url_name`` goes on success."""
    if not url_name:
        raise NotImplementedError("Set success_url_name or write get_success_url.")
    return reverse(url_name, args=[obj.pk])


class SignedInView(LoginRequiredMixin, View):
    """Base of every signed-in page: sign-in required, and two-factor passed by those who must.

    Handlers receive an ``AuthenticatedRequest``; ``self.user`` is the signed-in ``User``.
    """

    request: AuthenticatedRequest
    template_name: ClassVar[str] = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not session_passed_two_factor(user):
            return redirect("web:two-factor-setup")
        self.check_access()
        return super().dispatch(request, *args, **kwargs)

    def check_access(self) -> None:
        """Hook run after sign-in and two-factor are checked, before any handler: raise
        ``refusal()`` to refuse the whole page."""

    @property
    def user(self) -> User:
        return self.request.user

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        """Hook: add to the template context (call ``super()`` and update its result)."""
        return context

    def render(self, context: Mapping[str, Any] | None = None, *, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, self.get_context_data(**dict(context or {})), status=status
        )

    def safe_next(self, fallback: str) -> str:
        """``next`` from the form or the query string when it points into this site, else
        ``fallback`` (back to the page the button was on)."""
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return fallback


class ScopedView(SignedInView):
    """What every scoped view knows: its model, the verb it needs, and the access helpers. Used
    directly for a page that composes several scoped reads itself (a dashboard): write ``get``
    with the helpers below."""

    model: ClassVar[type[models.Model]]
    # The base queryset before scope (``select_related`` and the like); default: every row.
    queryset: ClassVar[models.QuerySet[Any] | None] = None
    scope_action: ClassVar[str] = "view"
    pk_url_kwarg: ClassVar[str] = "pk"
    # A page that is a tool for ``scope_action`` (consolidating cases to forward them) rather than
    # a list: refused (404) to users who may ``scope_action`` nowhere, like a create form.
    refuse_when_nowhere: ClassVar[bool] = False

    def check_access(self) -> None:
        if self.refuse_when_nowhere and not self.may(self.scope_action):
            raise refusal()

    def base_queryset(self) -> models.QuerySet[Any]:
        declared = type(self).queryset
        return declared.all() if declared is not None else self.model._default_manager.all()

    def get_queryset(self, action: str | None = None) -> models.QuerySet[Any]:
        """The rows of ``model`` the user may ``action`` (default ``scope_action``)."""
        return visible_rows(self.base_queryset(), self.user, action or self.scope_action)

    def get_object(self, action: str | None = None, pk: Any = None) -> Any:
        """The object named in the URL (or ``pk``), if the user may ``action`` it; else 404."""
        lookup = pk if pk is not None else self.kwargs[self.pk_url_kwarg]
        return access_object(self.base_queryset(), self.user, lookup, action=action or self.scope_action)

    def get_related(self, queryset: models.QuerySet[Any], pk: Any, action: str = "view") -> Any:
        """Another object named by the request (an attachment of the case in the URL), judged by
        its own model's permission."""
        return access_object(queryset, self.user, pk, action=action)

    def scoped(self, queryset: models.QuerySet[Any], action: str = "view") -> models.QuerySet[Any]:
        """Rows of another model shown on this page (a case's comments), judged by their own
        model's permission, never by the page's."""
        return visible_rows(queryset, self.user, action)

    def can(self, action: str, obj: models.Model) -> bool:
        """Whether the user may ``action`` on ``obj`` (saved, or unsaved naming its organization)."""
        return can(self.user, action, obj)

    def may(self, action: str, model: type[models.Model] | None = None) -> bool:
        """Whether the user may ``action`` on ``model`` (default: this view's) anywhere at all, as
        the model's queryset answers it (reference data: platform administrators only)."""
        return may_act_anywhere(self.user, model or self.model, action)

    def permitted(self, action: str, objects: Iterable[models.Model]) -> set[Any]:
        """The ids among ``objects`` the user may ``action``: which rows get which buttons."""
        return permitted_ids(self.user, action, objects)

    def organizations_for(
        self, action: str, model: type[models.Model] | None = None, *, include_closed: bool = False
    ) -> models.QuerySet[Organization]:
        """The organizations (open ones, unless asked) the user may ``action`` on ``model`` for:
        the only source of a form's organization choices."""
        return organizations_for(self.user, model or self.model, action, include_closed=include_closed)

    def require(self, action: str, obj: models.Model) -> None:
        """Refuse (404) unless the user may ``action`` on ``obj``."""
        if not self.can(action, obj):
            raise refusal()


class ScopedListView(ScopedView):
    """A list of the rows the user may ``scope_action``: filtered, ordered, paginated.

    Context: ``filter`` (the filterset, when ``filterset_class`` is set), and either ``page``
    (with ``paginate_by``) and ``query`` (the query string without ``page``, for page links), or
    ``<context_object_name>`` (every row).
    """

    filterset_class: ClassVar[Any] = None
    ordering: ClassVar[tuple[str, ...]] = ()
    paginate_by: ClassVar[int | None] = None
    # A long list's rows counted only so far (``rasad.web.pagination.BoundedPaginator``: "more
    # than 1,000"); its template shows ``page.paginator.shown_count`` and ``shown_pages``.
    count_limited: ClassVar[bool] = False
    context_object_name: ClassVar[str] = "objects"

    def filter_data(self) -> QueryDict | None:
        return self.request.GET or None

    def get_filterset(self, queryset: models.QuerySet[Any]) -> Any:
        if self.filterset_class is None:
            return None
        filterset = self.filterset_class(self.filter_data(), queryset=queryset)
        for name, choices in self.filter_choices().items():
            filterset.form.fields[name].widget.choices = choices
        return filterset

    def filter_choices(self) -> dict[str, Callable[[], Iterable[tuple[str, str]]]]:
        """Hook: what a filter that names a record by its code (an organization) offers to
        choose from, by name: ``{"party": lambda: [(code, name), ...]}``, from the rows the
        reader may see (``scoped``, ``organizations_for``), never typed by hand. Each is called
        only when the filter form is drawn (its widget is a ``rasad.web.forms.FilterSelect``)."""
        return {}

    def organization_choices(self, ids: Any) -> Callable[[], list[tuple[str, str]]]:
        """Choices for a filter by organization (``filter_choices``): the organizations among
        ``ids`` (a subquery of the listed rows' organizations, or a function that returns ids)
        that the reader may see, in tree order, by name; the value is the code the filter reads."""

        def choices() -> list[tuple[str, str]]:
            organizations = self.organizations_for("view", Organization, include_closed=True)
            among = ids() if callable(ids) else ids
            return list(organizations.filter(pk__in=among).values_list("code", "name"))

        return choices

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset = self.get_queryset()
        self.filterset = self.get_filterset(queryset)
        if self.filterset is not None and self.filterset.is_bound and not self.filterset.is_valid():
            # A filter that cannot be read (a date that does not exist) is never ignored: the
            # page says why, with the API's translated message, and lists nothing.
            return self.invalid_filters(queryset.none())
        objects = self.filterset.qs if self.filterset is not None else queryset
        if self.ordering:
            objects = objects.order_by(*self.ordering)
        return self.respond(objects)

    def invalid_filters(self, nothing: models.QuerySet[Any]) -> HttpResponseBase:
        """The answer to filters that do not validate: the page with the filter form's errors
        (status 400), or, for a feed or an export without a template, the API's error body."""
        if not self.template_name:
            fields = {
                name: [str(message) for message in errors] for name, errors in self.filterset.errors.items()
            }
            body = {
                "error": {
                    "code": "invalid",
                    "message": str(_("Some filters are not valid.")),
                    "fields": fields,
                }
            }
            return JsonResponse(body, status=400)
        response = self.respond(nothing)
        response.status_code = 400
        return response

    def respond(self, objects: models.QuerySet[Any]) -> HttpResponseBase:
        """Render the list; an export or a JSON feed over the same rows overrides this."""
        context: dict[str, Any] = {"filter": self.filterset}
        if self.paginate_by:
            wanted = self.request.GET.get("page")
            paginator = (
                BoundedPaginator(objects, self.paginate_by, wanted)
                if self.count_limited
                else Paginator(objects, self.paginate_by)
            )
            context["page"] = paginator.get_page(wanted)
            query = self.request.GET.copy()
            query.pop("page", None)
            context["query"] = query.urlencode()
        else:
            context[self.context_object_name] = objects
        return self.render(context)


class ScopedDetailView(ScopedView):
    """One object the user may ``scope_action``; in the context as ``object`` and as
    ``<context_object_name>``."""

    context_object_name: ClassVar[str] = "object"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.object = self.get_object()
        return self.render({"object": self.object, self.context_object_name: self.object})


NOTHING_CHANGED = _("Nothing was changed: the form held the values already saved.")


class SignedInFormView(SignedInView):
    """A form page: GET shows ``form_class``; POST validates it and calls ``perform(form)``.

    ``perform`` runs the action (usually through ``form.run_action``, which turns the action's
    ValidationError into field errors) and returns the result, or ``None`` when it failed. On
    success the view flashes ``success_message`` (``%(name)s`` placeholders filled from the
    result's attributes) and redirects to ``get_success_url(result)``; on failure the form is
    shown again with ``invalid_status``. An action that wrote no audit event changed nothing
    (every write is audited in its transaction, and an action given the values a record has
    writes nothing): the page then says so (``NOTHING_CHANGED``) instead of its success message.
    """

    form_class: ClassVar[type[forms.BaseForm]]
    title: ClassVar[str | Promise] = ""
    success_message: ClassVar[str | Promise] = ""
    # The page to go to on success: a URL name whose one argument is the result's id (its detail
    # page). A view that goes anywhere else writes ``get_success_url``.
    success_url_name: ClassVar[str] = ""
    invalid_status: ClassVar[int] = 200

    def get_initial(self) -> dict[str, Any]:
        return {}

    def get_form_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the form besides data, files and initial (``user=``,
        ``organizations=``...)."""
        return {}

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        kwargs = self.get_form_kwargs()
        initial = self.get_initial()
        if initial:
            kwargs.setdefault("initial", initial)
        return self.form_class(data, files, **kwargs)

    def load(self) -> None:
        """Hook run before GET and POST: fetch and check what the form is about."""

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def get_success_url(self, result: Any) -> str:
        return _success_url(self.success_url_name, result)

    def get_success_message(self, result: Any) -> str:
        return str(self.success_message)

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.load()
        return self.render({"form": self.get_form()})

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.load()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            mark = last_event_id()
            result = self.perform(form)
            if result is not None:
                return self.succeeded(result) if recorded_since(mark) else self.unchanged(result)
        return self.render({"form": form}, status=self.invalid_status)

    def unchanged(self, result: Any) -> HttpResponseBase:
        """The answer when the action audited nothing: it changes nothing without an audit
        event, so the form held the values already saved and nothing was written; the page
        says so instead of its success message."""
        messages.info(self.request, str(NOTHING_CHANGED))
        return HttpResponseRedirect(self.get_success_url(result))

    def succeeded(self, result: Any) -> HttpResponseBase:
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url(result))

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context.setdefault("title", self.title)
        return super().get_context_data(**context)


class ScopedFormView(ScopedView, SignedInFormView):
    """A form bound to the object in the URL, or a form that creates.

    * The URL names an object (``pk_url_kwarg``): it is fetched for ``scope_action`` (404 if the
      user may not) and kept as ``self.object``. With ``creates = Model``, the form makes a
      ``Model`` under that object, and the user must also hold ``add`` on ``Model`` there (a
      grant under an organization, a target of an organization).
    * No object in the URL: ``self.object`` is ``None``, and the form is offered only to users
      who may ``scope_action`` on ``model`` somewhere. Its organization choices come from
      ``self.organizations_for(scope_action)``, never from a query of the view's own.
    """

    creates: ClassVar[type[models.Model] | None] = None
    object: Any = None

    def load(self) -> None:
        if self.pk_url_kwarg in self.kwargs:
            self.object = self.get_object()
            if self.creates is not None:
                self.require("add", self.creates(organization=organization_of(self.object)))
        elif not self.may(self.scope_action):
            raise refusal()

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context.setdefault("object", self.object)
        return super().get_context_data(**context)


class ScopedActionView(ScopedView):
    """A POST on one object the user may ``scope_action``: ``perform(obj)`` runs the action,
    ``success_message`` is flashed, and the browser goes to ``get_success_url(obj)`` (computed
    before the action, so it may use an object the action deletes). A ValidationError from the
    action is flashed as an error and leads to the same place. With ``confirm_template`` set, a
    GET shows that confirmation page (context: ``object``)."""

    http_method_names = ["get", "post"]
    confirm_template: ClassVar[str | None] = None
    success_message: ClassVar[str | Promise] = ""
    # As on a form view: a URL name whose one argument is the object's id; or write
    # ``get_success_url``.
    success_url_name: ClassVar[str] = ""

    def perform(self, obj: Any) -> Any:
        raise NotImplementedError

    def get_success_url(self, obj: Any) -> str:
        return _success_url(self.success_url_name, obj)

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.confirm_template is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        obj = self.get_object()
        return render(request, self.confirm_template, self.get_context_data(object=obj))

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object()
        url = self.get_success_url(obj)
        try:
            self.perform(obj)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if self.success_message:
                messages.success(request, str(self.success_message))
        return HttpResponseRedirect(url)


class ScopedImportView(ScopedFormView):
    """A page that imports a spreadsheet through a ``TabularImporter`` (``rasad.core.importers``):
    GET shows the upload form (a file and "only check"); POST refuses a file over the importers'
    size limit on the form, else runs ``importer()`` on it. When every row is valid and the file
    was applied, the summary is flashed and the browser goes to ``get_done_url()`` (or, when that
    is ``None``, the page shows the report again); otherwise the page shows the report with every
    bad row (status 400 when the file was refused), and nothing was written. The one import page
    of every app (organizations, programme action items, training rosters)."""

    def importer(self) -> Any:
        """The importer to run (``TabularImporter``), for the object in the URL and the user."""
        raise NotImplementedError

    def get_done_url(self) -> str | None:
        """Where to go once a file was applied; ``None``: stay on the page, showing the report."""
        raise NotImplementedError

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from rasad.core.importers import MAX_FILE_BYTES

        self.load()
        form = self.get_form(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_FILE_BYTES:
                form.add_error("file", formatting.file_too_large(MAX_FILE_BYTES))
            else:
                report = self.importer().run(
                    upload.read(), file_name=upload.name or "upload", dry_run=form.cleaned_data["dry_run"]
                )
                if report.applied:
                    messages.success(request, report.summary())
                    done_url = self.get_done_url()
                    if done_url is not None:
                        return HttpResponseRedirect(done_url)
        status = 400 if report is not None and not report.ok else 200
        return self.render({"form": form, "report": report}, status=status)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        context.setdefault("report", None)
        return super().get_context_data(**context)
