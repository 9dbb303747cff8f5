"""Fixed vocabularies of the indicators app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Periodicity(models.TextChoices):
    MONTH = "month", _("Monthly")
    SEASON = "season", _("Seasonal")
    HALF = "half", _("Half-yearly")
    YEAR = "year", _("Yearly")


class Direction(models.TextChoices):
    HIGHER = "higher_is_better", _("Higher is better")
    LOWER = "lower_is_better", _("Lower is better")


class Category(models.TextChoices):
    ENERGY = "energy", _("Energy")
    ENERGY_SUPPLY = "energy_supply", _("Energy supply")
    ENVIRONMENT = "environment", _("Environment")
    WATER = "water", _("Water")
    WASTE = "waste", _("Waste")
    EMISSIONS = "emissions", _("Emissions")
    GREEN_JOBS = "green_jobs", _("Green jobs")
    PRODUCTION = "production", _("Production")


class Dimension(models.TextChoices):
    ENERGY = "energy", _("Energy")
    MASS = "mass", _("Mass")
    VOLUME = "volume", _("Volume")
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Ratio")
    DURATION = "duration", _("Duration")
    EMISSIONS = "emissions", _("Emissions")
    AREA = "area", _("Area")
    INTENSITY = "intensity", _("Intensity")
    CONCENTRATION = "concentration", _("Concentration")


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class ObservationSource(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    API = "api", _("API")


class Severity(models.TextChoices):
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Error")


class RuleOperator(models.TextChoices):
    LTE = "<=", "≤"
    GTE = ">=", "≥"
    LT = "<", "<"
    GT = ">", ">"


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class CriterionKind(models.TextChoices):
    LEVEL = "level", _("Level against peers")
    IMPROVEMENT = "improvement", _("Improvement against own baseline year")


class ReminderKind(models.TextChoices):
    """What a report reminder says: the report falls due within a few days, or its day has passed."""

    DUE = "due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
