from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.core.actions.people import do_change_preferences
from rasad.core.actions.security import (
    Verdict,
    backup_codes_left,
    check_code,
    do_change_password,
    do_create_backup_codes,
    do_enable_two_factor,
    new_setup_key,
    setup_device,
)
from rasad.core.audit import CoreAuditEvent, audit_security_event
from rasad.core.middleware import client_ip
from rasad.core.models import User
from rasad.lib import formatting, jalali, throttle
from rasad.web.forms import LATIN_ENTRY, ActionFormMixin, PasswordChangeForm, PreferencesForm
from rasad.web.generic import AuthenticatedRequest, SignedInFormView, SignedInView, session_verified
from rasad.web.home import collect

PENDING_USER = "rasad_pending_user"


# The base of every signed-in page (kept under its old name for code written before the generic
# scoped views; new code names ``SignedInView`` or a scoped view of ``rasad.web.generic``).
RasadView = SignedInView


class LoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={**LATIN_ENTRY, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={**LATIN_ENTRY, "autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    # Six digits from the app, or a ten-character backup code (spaces and dashes allowed): letters
    # too, so the phone's full keyboard, not its number pad; it offers the code just shown.
    token = forms.CharField(
        label=gettext_lazy("Six-digit code (or a backup code)"),
        max_length=16,
        min_length=6,
        widget=forms.TextInput(attrs={**LATIN_ENTRY, "autocomplete": "one-time-code"}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("web:home")


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        if throttle.is_throttled(username, ip):
            audit_security_event(CoreAuditEvent.LOGIN_THROTTLED, user=None, username=username[:150])
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                throttle.record_failure(username, ip)
                form.add_error(None, _("The username or password is wrong."))
            else:
                throttle.record_success(username, ip)
                if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                    request.session[PENDING_USER] = user.pk
                    return HttpResponseRedirect(reverse("web:two-factor") + f"?next={_next_url(request)}")
                login(request, user)
                return HttpResponseRedirect(_next_url(request))
    return render(request, "web/login.html", {"form": form, "next": _next_url(request)})


def two_factor_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("web:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if throttle.is_throttled(user.username, ip):
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
        else:
            check = check_code(user, form.cleaned_data["token"])
            if not check.passed or check.device is None:
                if check.verdict == Verdict.WRONG:
                    throttle.record_failure(user.username, ip)
                audit_security_event(CoreAuditEvent.TWO_FACTOR_FAILED, user=user)
                form.add_error("token", check.message())
            else:
                del request.session[PENDING_USER]
                login(request, user)
                otp_login(request, check.device)
                if check.verdict == Verdict.BACKUP:
                    messages.warning(
                        request,
                        _("You signed in with a backup code; %(left)s are left. Make new ones if few remain.")
                        % {"left": formatting.number(backup_codes_left(user))},
                    )
                return HttpResponseRedirect(_next_url(request))
    return render(request, "web/two_factor.html", {"form": form, "next": _next_url(request)})


SETUP_KEY_SESSION = "two_factor_setup_key"


class TwoFactorSetupView(LoginRequiredMixin, View):
    request: AuthenticatedRequest

    """Shows a TOTP secret and QR code; confirming a first code turns two-factor on. Once it is
    on, the page offers backup codes."""

    def _key(self, request: AuthenticatedRequest) -> str:
        """The secret being set up, kept in the session between the page and its form (nothing is
        written to the database before the first code confirms it)."""
        key = request.session.get(SETUP_KEY_SESSION)
        if not isinstance(key, str) or not key:
            key = request.session[SETUP_KEY_SESSION] = new_setup_key()
        return key

    def _render(self, request: AuthenticatedRequest, form: OtpForm) -> HttpResponse:
        import qrcode
        import qrcode.image.svg

        device = setup_device(request.user, self._key(request))
        buffer = io.BytesIO()
        qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
        secret = __import__("base64").b32encode(device.bin_key).decode()
        return render(
            request,
            "web/two_factor_setup.html",
            {
                "form": form,
                "qr_svg": buffer.getvalue().decode(),
                "secret": secret,
                "has_device": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
                "backup_codes_left": backup_codes_left(request.user),
            },
        )

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return self._render(request, OtpForm())

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = OtpForm(request.POST)
        user = request.user
        if form.is_valid():
            try:
                device = do_enable_two_factor(
                    user, self._key(request), form.cleaned_data["token"], acting_user=user
                )
            except ValidationError as error:
                audit_security_event(CoreAuditEvent.TWO_FACTOR_FAILED, user=user)
                for message in error.message_dict.get("token", error.messages):
                    form.add_error("token", message)
            else:
                del request.session[SETUP_KEY_SESSION]
                otp_login(request, device)
                messages.success(
                    request,
                    _("Two-factor sign-in is on. Create backup codes now, in case you lose your phone."),
                )
                return redirect("web:home")
        return self._render(request, form)


class BackupCodesView(SignedInView):
    """New backup codes, shown once on the answer to the POST (never stored anywhere shown)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        if not session_verified(request.user):
            # Codes that pass two-factor are made only in a session that passed it.
            messages.error(request, _("Sign in with your two-factor code first."))
            return redirect("web:two-factor-setup")
        try:
            codes = do_create_backup_codes(self.user, acting_user=self.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("web:two-factor-setup")
        return render(request, "web/backup_codes.html", {"codes": codes})


class PasswordChangeView(SignedInFormView):
    """The signed-in person changes their own password; the session stays signed in."""

    form_class = PasswordChangeForm
    template_name = "web/password_change.html"
    title = gettext_lazy("Change password")
    success_message = gettext_lazy("Your password was changed.")

    def perform(self, form: PasswordChangeForm) -> User | None:
        data = form.cleaned_data
        user: User | None = form.run_action(
            do_change_password, self.user, data["old_password"], data["new_password"], acting_user=self.user
        )
        if user is not None:
            update_session_auth_hash(self.request, user)
        return user

    def get_success_url(self, result: User) -> str:
        return reverse("web:home")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


class HomeView(SignedInView):
    """The person's work queue, collected from every app's ``home`` provider."""

    template_name = "web/home.html"

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        today = jalali.today_in_tehran()
        home = collect(self.user, today)
        needs_map = any(panel.template.endswith("_map.html") for panel in home.panels)
        return self.render({"home": home, "today": today, "needs_map": needs_map})


class PreferencesView(SignedInFormView):
    """The signed-in person's name in Latin letters, language, calendar and digits."""

    form_class = PreferencesForm
    template_name = "web/preferences.html"
    success_message = gettext_lazy("Your preferences were saved.")

    def get_initial(self) -> dict[str, Any]:
        user = self.user
        return {
            "latin_name": user.latin_name,
            "language": user.language,
            "calendar": user.calendar,
            "persian_digits": user.persian_digits,
        }

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        # The unbound form shows the saved values; a submitted one runs the action.
        if data is None:
            return PreferencesForm(initial=self.get_initial())
        return _PreferencesActionForm(data)

    def perform(self, form: Any) -> User | None:
        data = form.cleaned_data
        saved: User | None = form.run_action(
            do_change_preferences,
            self.user,
            acting_user=self.user,
            language=data["language"],
            calendar=data["calendar"],
            persian_digits=data["persian_digits"],
            latin_name=data["latin_name"],
        )
        if saved is not None:
            self.request.session["rasad_language"] = data["language"]
        return saved

    def get_success_url(self, result: User) -> str:
        return reverse("web:preferences") + f"?lang={result.language}"


class _PreferencesActionForm(ActionFormMixin, PreferencesForm):
    pass
