"""Fixed vocabularies of the core app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    NATIONAL_BODY = "national_body", _("National body")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial office")
    GOVERNORATE = "governorate", _("Governorate")
    COUNCIL = "council", _("Council")
    COMPANY = "company", _("Company")
    SITE = "site", _("Site (mine or plant)")
    FIELD_POST = "field_post", _("Field post")
    COMMAND_CENTRE = "command_centre", _("Command centre")
    BUSINESS = "business", _("Business")
    WORKSHOP = "workshop", _("Workshop")


class LanguageChoices(models.TextChoices):
    PERSIAN = "fa", _("Persian")
    ENGLISH = "en", _("English")


class CalendarChoices(models.TextChoices):
    JALALI = "jalali", _("Jalali (solar hijri)")
    GREGORIAN = "gregorian", _("Gregorian")
