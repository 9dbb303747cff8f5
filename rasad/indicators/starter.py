"""The starter catalogue, as data: units, indicators (METHODS §3.2, energy by carrier, supply
interruptions, GHG and green jobs), rules between indicators and versioned emission factors.

Loaded by migration 0002 and again by ``rasad indicators_catalogue`` (idempotent: rows are
matched by code). Emission factors are illustrative defaults (IPCC 2006 Vol. 2 with AR5 GWPs;
the grid factor is a placeholder until the Ministry of Energy's value is entered, METHODS §3.4).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rasad.lib.persian import normalize_text, search_key

# code, Persian name, English name, dimension, size in the base unit, decimal places shown
# (None: by the size of the value, rasad.lib.formatting.auto_decimals)
UNITS: tuple[tuple[str, str, str, str, float, int | None], ...] = (
    ("GJ", "گیگاژول", "gigajoule", "energy", 1.0, None),
    ("MJ", "مگاژول", "megajoule", "energy", 0.001, 0),
    ("TJ", "تراژول", "terajoule", "energy", 1000.0, None),
    ("MWh", "مگاوات‌ساعت", "megawatt-hour", "energy", 3.6, None),
    ("kWh", "کیلووات‌ساعت", "kilowatt-hour", "energy", 0.0036, 0),
    ("toe", "تن معادل نفت", "tonne of oil equivalent", "energy", 41.868, None),
    ("m3", "مترمکعب", "cubic metre", "volume", 1.0, 0),
    ("kSm3", "هزار مترمکعب استاندارد", "thousand standard cubic metres", "volume", 1000.0, None),
    ("L", "لیتر", "litre", "volume", 0.001, 0),
    ("kL", "کیلولیتر", "kilolitre", "volume", 1.0, None),
    ("t", "تن", "tonne", "mass", 1.0, None),
    ("kt", "هزار تن", "kilotonne", "mass", 1000.0, None),
    ("kg", "کیلوگرم", "kilogram", "mass", 0.001, 0),
    ("h", "ساعت", "hour", "duration", 1.0, None),
    ("count", "عدد", "count", "count", 1.0, 0),
    ("%", "درصد", "percent", "ratio", 1.0, 1),
    ("tCO2e", "تن معادل دی‌اکسید کربن", "tonne CO2e", "emissions", 1.0, None),
    ("ha", "هکتار", "hectare", "area", 1.0, 1),
    ("GJ/t", "گیگاژول بر تن", "GJ per tonne", "intensity", 1.0, 3),
    ("kWh/t", "کیلووات‌ساعت بر تن", "kWh per tonne", "intensity", 1.0, 1),
    ("m3/t", "مترمکعب بر تن", "m³ per tonne", "intensity", 1.0, 2),
    ("kgCO2e/t", "کیلوگرم معادل دی‌اکسید کربن بر تن", "kg CO2e per tonne", "intensity", 1.0, 1),
    ("mg/Nm3", "میلی‌گرم بر نرمال مترمکعب", "mg per Nm³", "concentration", 1.0, 1),
    ("ug/m3", "میکروگرم بر مترمکعب", "µg per m³", "concentration", 0.001, 1),
)

L, H = "lower_is_better", "higher_is_better"
# code, Persian name, English name, unit, periodicity, direction, category, formula, additive
INDICATORS: tuple[tuple[str, str, str, str, str, str, str, str, bool], ...] = (
    # Energy consumption by carrier, and production (the drivers).
    ("ELEC_CONS", "مصرف برق", "Electricity consumption", "MWh", "month", L, "energy", "", True),
    ("ELEC_SELF", "برق خودتولید", "Self-generated electricity", "MWh", "month", H, "energy", "", True),
    ("GAS_CONS", "مصرف گاز طبیعی", "Natural gas consumption", "kSm3", "month", L, "energy", "", True),
    ("DIESEL_CONS", "مصرف گازوئیل", "Diesel consumption", "kL", "month", L, "energy", "", True),
    ("ORE_MILLED", "ماده معدنی فرآوری‌شده", "Ore milled", "kt", "month", H, "production", "", True),
    ("PRODUCT_OUT", "تولید محصول", "Product output", "kt", "month", H, "production", "", True),
    (
        "ENERGY_TOTAL",
        "مصرف کل انرژی",
        "Total energy consumption",
        "GJ",
        "month",
        L,
        "energy",
        "ELEC_CONS * 3.6 + GAS_CONS * 34.5 + DIESEL_CONS * 38.6",
        True,
    ),
    (
        "ENERGY_INTENSITY",
        "شدت مصرف انرژی",
        "Energy intensity (OPI-E1)",
        "GJ/t",
        "month",
        L,
        "energy",
        "ENERGY_TOTAL / (ORE_MILLED * 1000)",
        False,
    ),
    (
        "ELEC_INTENSITY",
        "شدت مصرف برق",
        "Electricity intensity (OPI-E2)",
        "kWh/t",
        "month",
        L,
        "energy",
        "ELEC_CONS / ORE_MILLED",
        False,
    ),
    (
        "SELF_GEN_SHARE",
        "سهم برق خودتولید",
        "Self-generated electricity share",
        "%",
        "month",
        H,
        "energy",
        "ELEC_SELF / ELEC_CONS * 100",
        False,
    ),
    # Energy supply.
    (
        "GAS_INTERRUPT_H",
        "ساعات قطع گاز",
        "Gas supply interruption hours",
        "h",
        "month",
        L,
        "energy_supply",
        "",
        True,
    ),
    (
        "ELEC_INTERRUPT_H",
        "ساعات قطع برق",
        "Electricity supply interruption hours",
        "h",
        "month",
        L,
        "energy_supply",
        "",
        True,
    ),
    (
        "ELEC_INTERRUPT_N",
        "دفعات قطع برق",
        "Electricity supply interruptions",
        "count",
        "month",
        L,
        "energy_supply",
        "",
        True,
    ),
    # Emissions: activity × versioned emission factor.
    (
        "GHG_SCOPE1",
        "انتشار مستقیم گازهای گلخانه‌ای (دامنه ۱)",
        "GHG emissions, scope 1",
        "tCO2e",
        "month",
        L,
        "emissions",
        "GAS_CONS * ef(NG_CO2E) + DIESEL_CONS * ef(DIESEL_CO2E)",
        True,
    ),
    (
        "GHG_SCOPE2",
        "انتشار غیرمستقیم گازهای گلخانه‌ای (دامنه ۲)",
        "GHG emissions, scope 2",
        "tCO2e",
        "month",
        L,
        "emissions",
        "(ELEC_CONS - ELEC_SELF) * ef(GRID_CO2E)",
        True,
    ),
    (
        "GHG_TOTAL",
        "انتشار کل گازهای گلخانه‌ای",
        "GHG emissions, scopes 1 and 2 (OPI-G1)",
        "tCO2e",
        "month",
        L,
        "emissions",
        "GHG_SCOPE1 + GHG_SCOPE2",
        True,
    ),
    (
        "GHG_INTENSITY",
        "شدت انتشار گازهای گلخانه‌ای",
        "GHG intensity (OPI-G2)",
        "kgCO2e/t",
        "month",
        L,
        "emissions",
        "GHG_TOTAL / ORE_MILLED",
        False,
    ),
    (
        "PM_STACK",
        "غلظت ذرات معلق دودکش",
        "Stack particulate concentration (OPI-A1)",
        "mg/Nm3",
        "month",
        L,
        "emissions",
        "",
        False,
    ),
    # Water (GRI 303).
    ("WATER_WITHDRAWAL", "برداشت آب", "Water withdrawal (OPI-W1)", "m3", "month", L, "water", "", True),
    ("WATER_DISCHARGE", "تخلیه آب", "Water discharge", "m3", "month", L, "water", "", True),
    ("WATER_RECYCLED", "آب بازچرخانی‌شده", "Water recycled", "m3", "month", H, "water", "", True),
    (
        "WATER_CONSUMPTION",
        "مصرف آب",
        "Water consumption (OPI-W2)",
        "m3",
        "month",
        L,
        "water",
        "WATER_WITHDRAWAL - WATER_DISCHARGE",
        True,
    ),
    (
        "WATER_INTENSITY",
        "شدت برداشت آب",
        "Water intensity (OPI-W3)",
        "m3/t",
        "month",
        L,
        "water",
        "WATER_WITHDRAWAL / (ORE_MILLED * 1000)",
        False,
    ),
    (
        "WATER_RECYCLING",
        "نرخ بازچرخانی آب",
        "Water recycling rate (OPI-W4)",
        "%",
        "month",
        H,
        "water",
        "WATER_RECYCLED / (WATER_RECYCLED + WATER_WITHDRAWAL) * 100",
        False,
    ),
    # Waste (GRI 306).
    ("TAILINGS", "باطله تولیدشده", "Tailings generated (OPI-S1)", "kt", "month", L, "waste", "", True),
    (
        "WASTE_GENERATED",
        "پسماند غیرمعدنی تولیدشده",
        "Non-mineral waste generated",
        "t",
        "month",
        L,
        "waste",
        "",
        True,
    ),
    ("WASTE_RECYCLED", "پسماند بازیافت‌شده", "Non-mineral waste recycled", "t", "month", H, "waste", "", True),
    (
        "WASTE_DIVERSION",
        "نرخ بازیافت پسماند",
        "Waste diversion rate (OPI-S3)",
        "%",
        "month",
        H,
        "waste",
        "WASTE_RECYCLED / WASTE_GENERATED * 100",
        False,
    ),
    ("HAZ_WASTE", "پسماند ویژه", "Hazardous waste generated (OPI-S4)", "t", "month", L, "waste", "", True),
    # Environment (ISO 14031 OPI, MPI and ECI).
    (
        "SPILLS",
        "نشت و رهاسازی قابل توجه",
        "Significant spills and releases (OPI-X1)",
        "count",
        "month",
        L,
        "environment",
        "",
        True,
    ),
    (
        "PM10_AMBIENT",
        "غلظت PM10 محیطی",
        "Ambient PM10 at boundary monitors (ECI-1)",
        "ug/m3",
        "month",
        L,
        "environment",
        "",
        False,
    ),
    (
        "COMPLAINTS",
        "شکایات محلی",
        "Community complaints received (MPI-6)",
        "count",
        "season",
        L,
        "environment",
        "",
        True,
    ),
    ("LAND_REHAB", "اراضی احیاشده", "Land rehabilitated (OPI-L1)", "ha", "year", H, "environment", "", True),
    # Green jobs.
    ("GREEN_JOBS", "مشاغل سبز", "Green jobs", "count", "season", H, "green_jobs", "", True),
    (
        "GREEN_TRAINING_H",
        "ساعات آموزش مهارت‌های سبز",
        "Green-skills training hours",
        "h",
        "season",
        H,
        "green_jobs",
        "",
        True,
    ),
)

# left, operator, right, factor, severity
RULES: tuple[tuple[str, str, str, float, str], ...] = (
    ("ELEC_SELF", "<=", "ELEC_CONS", 1.0, "error"),
    ("WATER_DISCHARGE", "<=", "WATER_WITHDRAWAL", 1.0, "warning"),
    ("WASTE_RECYCLED", "<=", "WASTE_GENERATED", 1.0, "error"),
)

# code, name, value, unit, source, version, valid from
EMISSION_FACTORS: tuple[tuple[str, str, float, str, str, str, date], ...] = (
    (
        "NG_CO2E",
        "گاز طبیعی، احتراق ساکن",
        1.93733,
        "tCO2e/kSm3",
        "IPCC 2006 Vol. 2 Table 2.3 (56 100 / 1 / 0.1 kg/TJ), NCV 34.5 MJ/Sm³, AR5 GWP",
        "ipcc2006-ar5",
        date(2015, 3, 21),
    ),
    (
        "DIESEL_CO2E",
        "گازوئیل، ماشین‌آلات غیرجاده‌ای",
        2.95445,
        "tCO2e/kL",
        "IPCC 2006 Vol. 2 Table 3.3.1 (74 100 / 4.15 / 28.6 kg/TJ), 0.84 kg/L, 43 TJ/Gg, AR5 GWP",
        "ipcc2006-ar5",
        date(2015, 3, 21),
    ),
    (
        "GRID_CO2E",
        "برق شبکه سراسری (مکان‌محور)",
        0.60,
        "tCO2e/MWh",
        "Placeholder (METHODS §3.4) until the Ministry of Energy publishes the grid factor",
        "placeholder-1398",
        date(2019, 3, 21),
    ),
    (
        "GRID_CO2E",
        "برق شبکه سراسری (مکان‌محور)",
        0.58,
        "tCO2e/MWh",
        "Placeholder (METHODS §3.4), revised for 1403",
        "placeholder-1403",
        date(2024, 3, 20),
    ),
)


def load(apps: Any) -> None:
    """Create or update the starter catalogue. ``apps`` is a migration's app registry (or
    ``django.apps.apps``)."""
    from rasad.indicators import formulas

    unit_model = apps.get_model("indicators", "Unit")
    indicator_model = apps.get_model("indicators", "Indicator")
    rule_model = apps.get_model("indicators", "IndicatorRule")
    factor_model = apps.get_model("indicators", "EmissionFactor")
    units = {}
    # Migration 0002 runs this before the unit had decimal places (added in 0003).
    has_decimals = any(field.name == "decimals" for field in unit_model._meta.get_fields())
    for code, name, name_en, dimension, factor, decimals in UNITS:
        defaults: dict[str, Any] = {
            "name": normalize_text(name),
            "name_en": name_en,
            "dimension": dimension,
            "factor": factor,
        }
        if has_decimals:
            defaults["decimals"] = decimals
        units[code], _created = unit_model.objects.update_or_create(code=code, defaults=defaults)
    indicators = {}
    for code, name, name_en, unit, periodicity, direction, category, formula, additive in INDICATORS:
        indicators[code], _created = indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "name": normalize_text(name),
                "name_en": name_en,
                "unit": units[unit],
                "periodicity": periodicity,
                "direction": direction,
                "category": category,
                "formula": formula,
                "minimum": 0.0 if not formula else None,
                "maximum": 100.0 if unit == "%" and not formula else None,
                "is_additive": additive,
                "search_text": search_key(f"{name} {name_en} {code}"),
            },
        )
    known = {code: formula for code, *_rest, formula, _additive in INDICATORS}
    for code, *_rest, formula, _additive in INDICATORS:
        if formula:
            parsed = formulas.check_dependencies(
                code,
                formula,
                known={c: f for c, f in known.items() if c != code},
                factor_codes={f[0] for f in EMISSION_FACTORS},
            )
            indicators[code].depends_on.set([indicators[name] for name in parsed.indicators])
    for left, operator, right, factor, severity in RULES:
        rule_model.objects.update_or_create(
            left=indicators[left],
            right=indicators[right],
            operator=operator,
            defaults={"factor": factor, "severity": severity},
        )
    for code, name, value, unit, source, version, valid_from in EMISSION_FACTORS:
        factor_model.objects.update_or_create(
            code=code,
            version=version,
            defaults={
                "name": normalize_text(name),
                "value": value,
                "unit": unit,
                "source": source,
                "valid_from": valid_from,
            },
        )
