"""Every state change of the indicators app. ``do_*`` executes, ``check_*`` validates.

Reporting is one path for the form, the Excel/CSV import and the bulk API:
``do_record_observations`` writes a batch with one upsert, its rollups in the same transaction,
one audit event carrying the batch's SHA-256, then checks targets (alerts and breach handlers in
the same transaction) and, if asked, submits."""

from __future__ import annotations

from rasad.indicators.actions.approval import (
    do_approve_period,
    do_reopen_period,
    do_submit_period,
    may_approve,
)
from rasad.indicators.actions.baselines import (
    BaselineValues,
    CriterionValues,
    ScorecardValues,
    check_baseline_values,
    check_scorecard_values,
    do_save_baseline,
    do_save_scorecard,
)
from rasad.indicators.actions.catalogue import (
    IndicatorValues,
    assigned_indicators,
    check_indicator_values,
    do_delete_assignment,
    do_save_assignment,
    do_save_indicator,
)
from rasad.indicators.actions.reporting import (
    BatchClaim,
    BatchResult,
    ObservationInput,
    RowError,
    batch_digest,
    check_record_observations,
    do_record_observations,
)
from rasad.indicators.actions.targets import (
    TargetValues,
    breach_level,
    check_target_values,
    check_targets,
    do_close_alert,
    do_delete_target,
    do_save_target,
)

__all__ = [
    "BaselineValues",
    "BatchClaim",
    "BatchResult",
    "CriterionValues",
    "IndicatorValues",
    "ObservationInput",
    "RowError",
    "ScorecardValues",
    "TargetValues",
    "assigned_indicators",
    "batch_digest",
    "breach_level",
    "check_baseline_values",
    "check_indicator_values",
    "check_record_observations",
    "check_scorecard_values",
    "check_target_values",
    "check_targets",
    "do_approve_period",
    "do_close_alert",
    "do_delete_assignment",
    "do_delete_target",
    "do_record_observations",
    "do_reopen_period",
    "do_save_assignment",
    "do_save_baseline",
    "do_save_indicator",
    "do_save_scorecard",
    "do_save_target",
    "do_submit_period",
    "may_approve",
]
