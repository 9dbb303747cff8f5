"""Offline, explainable extraction of dates, organizations, people, places and directives from
Persian administrative text (``docs/intake.md`` describes every rule)."""

from rasad.intake.extraction.engine import FIELDS, Extraction, Gazetteer, Proposal, extract
from rasad.intake.extraction.gazetteer import OrganizationEntry, PlaceEntry

__all__ = ["FIELDS", "Extraction", "Gazetteer", "OrganizationEntry", "PlaceEntry", "Proposal", "extract"]
