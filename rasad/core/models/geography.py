from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rasad.core.querysets import GeographyQuerySet


class Province(models.Model):
    """One of Iran's 31 provinces (ostan); reference data loaded from ``core/data/provinces.csv``."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    hasc = models.CharField(_("HASC code"), max_length=8, unique=True)
    name_fa = models.CharField(_("Persian name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    latitude = models.FloatField(_("capital latitude"))
    longitude = models.FloatField(_("capital longitude"))

    objects = GeographyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_fa


class County(models.Model):
    """A county (shahrestan) inside a province."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="counties")
    name_fa = models.CharField(_("Persian name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    objects = GeographyQuerySet.as_manager()

    class Meta:
        ordering = ["province__code", "name_fa"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name_fa


class City(models.Model):
    """A populated place with coordinates (GeoNames, CC-BY 4.0)."""

    geonames_id = models.PositiveIntegerField(unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="cities")
    name_fa = models.CharField(_("Persian name"), max_length=120, blank=True)
    name_en = models.CharField(_("English name"), max_length=120)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField(default=0)

    objects = GeographyQuerySet.as_manager()

    class Meta:
        ordering = ["-population"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name_fa or self.name_en
