"""Fixed vocabularies of the green-jobs app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessSize(models.TextChoices):
    """By the number of people employed (the ranges of docs/greenjobs.md)."""

    MICRO = "micro", _("Micro (1-9 people)")
    SMALL = "small", _("Small (10-49 people)")
    MEDIUM = "medium", _("Medium (50-249 people)")
    LARGE = "large", _("Large (250 people or more)")


class SchemeKind(models.TextChoices):
    LOAN = "loan", _("Loan")
    GRANT = "grant", _("Grant")
    TAX_RELIEF = "tax_relief", _("Tax relief")
    TRAINING_VOUCHER = "training_voucher", _("Training voucher")


class Stage(models.TextChoices):
    """Where an application stands. The forward path is submitted → eligibility checked →
    compliance confirmed → training confirmed → approved → disbursed → closed."""

    DRAFT = "draft", _("Draft, not yet submitted")
    SUBMITTED = "submitted", _("Submitted, awaiting the eligibility check")
    ELIGIBLE = "eligible", _("Eligible, awaiting environmental compliance")
    COMPLIANT = "compliant", _("Compliant, awaiting the training check")
    TRAINED = "trained", _("Training confirmed, awaiting approval")
    APPROVED = "approved", _("Approved, being disbursed")
    DISBURSED = "disbursed", _("Fully disbursed")
    CLOSED = "closed", _("Closed and settled")
    RETURNED = "returned", _("Returned for correction")
    REFUSED = "refused", _("Refused")


class Agency(models.TextChoices):
    """The three offices of a scheme, each acting on its own step."""

    LABOUR = "labour", _("Labour office")
    ENVIRONMENT = "environment", _("Environment office")
    TRAINING = "training", _("Technical-training office")


class Outcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned for correction")
    REFUSED = "refused", _("Refused")


class RuleField(models.TextChoices):
    """What an eligibility rule may ask of a business (rules are data; see docs/greenjobs.md)."""

    CERTIFIED = "certified", _("Holds a valid green certificate")
    KNOWLEDGE_BASED = "knowledge_based", _("Knowledge-based company")
    OCCUPATION = "occupation", _("Works in a listed green occupation")
    SECTOR = "sector", _("Economic sector (ISIC Rev.4)")
    SIZE = "size", _("Size")
    KIND = "kind", _("Business or workshop")
    EMPLOYEES = "employees", _("People employed")
    PROVINCE = "province", _("Province")


class RuleEffect(models.TextChoices):
    REQUIRE = "require", _("Required")
    PRIORITY = "priority", _("Priority points")


class CertificateStatus(models.TextChoices):
    """Where a request for a green certificate stands."""

    REQUESTED = "requested", _("Requested, awaiting the environment office")
    VISITED = "visited", _("Site visited, awaiting the decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Milestone(models.TextChoices):
    """When a funded business reports its outcomes: months after its first payment."""

    SIX = "6", _("Six months after the first payment")
    TWELVE = "12", _("Twelve months after the first payment")


class ReminderKind(models.TextChoices):
    """What an outcome report reminder says: the report falls due soon, or its day has passed."""

    DUE = "due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
