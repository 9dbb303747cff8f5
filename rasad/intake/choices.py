"""Fixed vocabularies of the intake app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalField(models.TextChoices):
    DATE = "date", _("Date")
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")
    PLACE = "place", _("Place")
    DIRECTIVE = "directive", _("Directive")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class SourceKind(models.TextChoices):
    PASTED = "pasted", _("Pasted text")
    TXT = "txt", _("Text file (.txt)")
    DOCX = "docx", _("Word document (.docx)")
    PDF = "pdf", _("PDF with a text layer")


class AliasSource(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Added by an administrator")
    CORRECTION = "correction", _("Learnt from a reviewer's correction")
    DEMO = "demo", _("Demo data")
