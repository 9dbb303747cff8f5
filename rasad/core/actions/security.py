"""Sign-in security actions: two-factor set-up, backup codes, a reset by another administrator,
checking a code, and changing one's own password. Each writes its audit event in the same
transaction (``docs/security.md``, "Two-factor sign-in")."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from rasad.core.access import access_object
from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import record
from rasad.core.models import User
from rasad.lib.persian import to_latin_digits

BACKUP_DEVICE = "backup"
# Backup codes: ten codes of ten characters from an alphabet without look-alikes (no 0/o, 1/l/i).
BACKUP_CODE_COUNT = 10
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10


class Verdict(Enum):
    """What checking a two-factor code found."""

    ACCEPTED = "accepted"
    BACKUP = "backup"  # a backup code, now spent
    REUSED = "reused"  # a valid code that was already used: wait for the next one
    WAIT = "wait"  # too many wrong codes lately: the device refuses for a few seconds
    WRONG = "wrong"


@dataclass(frozen=True)
class CodeCheck:
    verdict: Verdict
    device: TOTPDevice | StaticDevice | None = None

    @property
    def passed(self) -> bool:
        return self.verdict in (Verdict.ACCEPTED, Verdict.BACKUP)

    def message(self) -> str:
        """The field error to show when the code did not pass."""
        if self.verdict == Verdict.REUSED:
            return _("This code was already used. Wait for the next code in your app and enter that one.")
        if self.verdict == Verdict.WAIT:
            return _("Too many wrong codes. Wait a few seconds and try again.")
        return _("The code is wrong or has expired.")


def _normalized(code: str) -> str:
    """Digits typed in Persian or Arabic script count as digits; spaces and dashes are ignored."""
    return to_latin_digits(code).replace(" ", "").replace("-", "").strip().lower()


def _reused(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is the device's valid code now but its time step was already used."""
    try:
        token = int(code)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return bool(totp.verify(token, device.tolerance))


def check_code(user: User, code: str, *, devices: list[TOTPDevice] | None = None) -> CodeCheck:
    """Check a code against the user's confirmed authenticator apps (or ``devices``, e.g. the one
    being set up), then, with no ``devices`` given, against their backup codes (spending the one
    used, audited). A code that was valid but already used says so: the person waits for the
    next code rather than retyping the same one."""
    code = _normalized(code)
    apps = devices if devices is not None else list(TOTPDevice.objects.filter(user=user, confirmed=True))
    # django-otp backs off after a wrong code: a device still waiting refuses every code.
    waiting = [device for device in apps if not device.verify_is_allowed()[0]]
    for device in apps:
        if device not in waiting and device.verify_token(code):
            return CodeCheck(Verdict.ACCEPTED, device)
    for device in apps:
        if device not in waiting and _reused(device, code):
            return CodeCheck(Verdict.REUSED, device)
    if devices is None:
        with transaction.atomic():
            for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if static.verify_token(code):
                    record(
                        CoreAuditEvent.BACKUP_CODE_USED,
                        actor=user,
                        obj=user,
                        new={"left": static.token_set.count()},
                    )
                    return CodeCheck(Verdict.BACKUP, static)
    if waiting:
        return CodeCheck(Verdict.WAIT)
    return CodeCheck(Verdict.WRONG)


def new_setup_key() -> str:
    """A new authenticator secret (hex, 20 bytes like django-otp's own)."""
    key: str = random_hex(20)
    return key


def setup_device(user: User, key: str) -> TOTPDevice:
    """The authenticator app ``user`` is setting up, *not saved*: until its first code confirms
    it, its secret lives in the person's session, so that opening the set-up page writes
    nothing (no write on GET)."""
    return TOTPDevice(user=user, name="default", key=key, confirmed=False)


@transaction.atomic
def do_enable_two_factor(user: User, key: str, code: str, *, acting_user: User) -> TOTPDevice:
    """Turn on the authenticator app with secret ``key`` that ``acting_user`` is setting up for
    themselves, once ``code`` shows the app has it. Saves the device (confirmed, its first time
    step spent) and removes any unconfirmed one left by an earlier set-up."""
    if user.pk != acting_user.pk:
        raise ValidationError({"token": [_("You may set up two-factor sign-in only for yourself.")]})
    device = setup_device(user, key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    try:
        token: int | None = int(_normalized(code))
    except ValueError:
        token = None
    if token is None or not totp.verify(token, device.tolerance):
        raise ValidationError({"token": [CodeCheck(Verdict.WRONG).message()]})
    device.last_t, device.drift, device.confirmed = totp.t(), totp.drift, True
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device.save()
    record(CoreAuditEvent.TWO_FACTOR_ENABLED, actor=acting_user, obj=acting_user)
    return device


def backup_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


@transaction.atomic
def do_create_backup_codes(user: User, *, acting_user: User) -> list[str]:
    """New backup codes for ``user`` (themselves only, with two-factor on): each signs in once in
    place of the app's code. Earlier codes stop working. The codes are returned to be shown once;
    django-otp stores them as they are, so they are as secret as a password."""
    if acting_user.pk != user.pk:
        raise ValidationError({"user": [_("You may create backup codes only for yourself.")]})
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError({"token": [_("Turn on two-factor sign-in first.")]})
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE, confirmed=True)
    codes = [
        "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(BACKUP_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(CoreAuditEvent.BACKUP_CODES_CREATED, actor=acting_user, obj=user, new={"count": len(codes)})
    return codes


@transaction.atomic
def do_reset_two_factor(user: User, *, acting_user: User) -> User:
    """Remove ``user``'s authenticator apps and backup codes, for someone who lost their phone: by
    another administrator who may change the person (a platform administrator, or one with
    ``core.change_user`` over them), never by the person themselves. The person sets two-factor
    up again at their next sign-in (administrators must)."""
    if acting_user.pk == user.pk:
        raise ValidationError({"user": [_("Another administrator must reset your two-factor sign-in.")]})
    access_object(User.objects.all(), acting_user, user.pk, action="change")
    apps = TOTPDevice.objects.filter(user=user).delete()[0]
    backups = StaticDevice.objects.filter(user=user).delete()[0]
    if not apps + backups:
        raise ValidationError({"user": [_("This person has not turned on two-factor sign-in.")]})
    record(
        CoreAuditEvent.TWO_FACTOR_DISABLED,
        actor=acting_user,
        obj=user,
        new={"user": user.pk, "devices_removed": apps + backups},
    )
    return user


@transaction.atomic
def do_change_password(user: User, old_password: str, new_password: str, *, acting_user: User) -> User:
    """The signed-in person changes their own password: the current one is asked again, the new
    one meets the password rules (``AUTH_PASSWORD_VALIDATORS``). Audited; the password itself is
    never written to the audit trail."""
    if acting_user.pk != user.pk:
        raise ValidationError({"old_password": [_("You may change only your own password.")]})
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [_("The current password is wrong.")]})
    if old_password == new_password:
        raise ValidationError({"new_password": [_("The new password must differ from the current one.")]})
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(CoreAuditEvent.PASSWORD_CHANGED, actor=acting_user, obj=user)
    return user
