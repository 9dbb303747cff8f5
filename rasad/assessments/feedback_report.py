"""The feedback report of a final assessment, as a PDF made by the project's report renderer
(``rasad.reports.render``: WeasyPrint, Vazirmatn embedded, right to left): the result and band,
each section's score at every stage, the strengths and areas for improvement the assessors wrote
for each criterion, and the non-compliant items with the cases they opened.

Nothing here applies scope: the caller passes the rows the reader may see. Every number and
date is written through ``rasad.lib.formatting``, in the reader's digits and calendar."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.assessments.choices import Stage
from rasad.assessments.models import Assessment, Criterion, Feedback, Finding, Item, Section
from rasad.lib import formatting
from rasad.reports.charts import bar_chart
from rasad.reports.definitions import Chart, Figure, ReportData, Table
from rasad.reports.definitions import Section as ReportSection
from rasad.reports.render import write_pdf


def _points(value: Any) -> str:
    """Points as they were computed (two decimals at most), without trailing zeros: ۱۸٫۷۵, ۲۵."""
    if value is None:
        return "—"
    exact = Decimal(str(value)).quantize(Decimal("0.01"))
    return formatting.number(
        exact.quantize(Decimal(1)) if exact == exact.to_integral() else exact.normalize()
    )


def _percent(value: Any) -> str:
    return "—" if value is None else formatting.percent(float(value) / 100, decimals=0)


def feedback_report(
    assessment: Assessment,
    *,
    sections: Sequence[Section],
    criteria: Sequence[Criterion],
    feedback: Sequence[Feedback],
    findings: Sequence[Finding],
) -> ReportData:
    """The report's sections, from the assessment's stored result (``Assessment.result``)."""
    result = assessment.result or {}
    report_sections = [
        _result_section(assessment, result),
        _scores_section(sections, result),
        _written_section(sections, criteria, feedback),
    ]
    if findings:
        report_sections.append(_findings_section(findings))
    return ReportData(
        title=_("Assessment feedback report"),
        subtitle=f"{assessment.organization.name} — {formatting.digits(assessment.cycle.name)}",
        generated_at=formatting.datetime_text(timezone.now()),
        sections=report_sections,
    )


def _result_section(assessment: Assessment, result: dict[str, Any]) -> ReportSection:
    """Who was assessed with which instrument, the final score and band, and when."""
    instrument = assessment.cycle.instrument
    return ReportSection(
        _("Result"),
        figures=[
            Figure(_("Assessed organization"), assessment.organization.name),
            Figure(_("Instrument"), formatting.digits(str(instrument))),
            Figure(
                _("Final score"),
                _("%(score)s of %(total)s")
                % {"score": _points(assessment.final_score), "total": _points(instrument.total_points)},
                _percent(result.get("final", {}).get("percent")),
            ),
            Figure(_("Band"), assessment.band.name if assessment.band else "—"),
            Figure(
                _("Finalized on"),
                formatting.date_text(timezone.localtime(assessment.finalized_at).date(), style="long")
                if assessment.finalized_at
                else "—",
            ),
        ],
    )


def _scores_section(sections: Sequence[Section], result: dict[str, Any]) -> ReportSection:
    """Each section's score at every stage (self, consensus, final) and where the final came
    from, with a bar chart of the final percentages when there are any."""
    final = result.get("final", {}).get("sections", {})
    own = result.get("self", {}).get("sections", {})
    consensus = result.get("consensus", {}).get("sections", {})
    audited = set(result.get("audited_sections", []))
    score_rows = []
    raw_rows = []
    for section in sections:
        row_final = final.get(section.code, {})
        source = _("Audit") if section.code in audited else _("Assessors' consensus")
        score_rows.append(
            [
                section.heading,
                _points(section.points),
                _percent(own.get(section.code, {}).get("percent")),
                _percent(consensus.get(section.code, {}).get("percent")),
                _points(row_final.get("earned")),
                _percent(row_final.get("percent")),
                source,
            ]
        )
        raw_rows.append(
            [
                section.code,
                float(section.points),
                own.get(section.code, {}).get("percent"),
                consensus.get(section.code, {}).get("percent"),
                row_final.get("earned"),
                row_final.get("percent"),
                Stage.AUDIT.value if section.code in audited else Stage.CONSENSUS.value,
            ]
        )
    scores = ReportSection(
        _("Scores by section"),
        tables=[
            Table(
                _("Each section at each stage"),
                [
                    _("Section"),
                    _("Points"),
                    _("Self-assessed"),
                    _("Assessors' consensus"),
                    _("Final points"),
                    _("Final"),
                    _("Final score from"),
                ],
                [
                    "section",
                    "points",
                    "self_percent",
                    "consensus_percent",
                    "final",
                    "final_percent",
                    "source",
                ],
                rows=score_rows,
                raw=raw_rows,
            )
        ],
    )
    percents = [final.get(s.code, {}).get("percent") for s in sections]
    if any(p is not None for p in percents):
        scores.charts.append(
            Chart(
                _("Final score of each section (of 100)"),
                bar_chart([float(p or 0) for p in percents]),
                _("The bars follow the order of the sections in the table above: %(codes)s.")
                % {"codes": formatting.join(s.label for s in sections)},
            )
        )
    return scores


def _written_section(
    sections: Sequence[Section], criteria: Sequence[Criterion], feedback: Sequence[Feedback]
) -> ReportSection:
    """One table per section: the strengths and areas for improvement written for its criteria."""
    by_criterion = {f.criterion_id: f for f in feedback}
    by_section: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        by_section[criterion.section_id].append(criterion)
    written = ReportSection(_("Strengths and areas for improvement"))
    for section in sections:
        rows = []
        for criterion in by_section.get(section.pk, []):
            entry = by_criterion.get(criterion.pk)
            if entry is None or not (entry.strengths or entry.improvements):
                continue
            rows.append([criterion.heading, entry.strengths or "—", entry.improvements or "—"])
        written.tables.append(
            Table(
                section.heading,
                [_("Criterion"), _("Strengths"), _("Areas for improvement")],
                ["criterion", "strengths", "improvements"],
                rows=rows,
                raw=rows,
                empty=_("The assessors wrote no feedback for this section."),
            )
        )
    return written


def _findings_section(findings: Sequence[Finding]) -> ReportSection:
    """The non-compliant items of each section and the case each section's finding opened."""
    finding_rows = [
        [
            finding.section.heading,
            formatting.join(item.label for item in finding.items.all()),
            formatting.digits(finding.case.reference) if finding.case else "—",
        ]
        for finding in findings
    ]
    return ReportSection(
        _("Non-compliant items"),
        tables=[
            Table(
                _("Items not fully met, by section"),
                [_("Section"), _("Items"), _("Case")],
                ["section", "items", "case"],
                rows=finding_rows,
                raw=finding_rows,
            )
        ],
        notes=[_("Each section with a non-compliant item opened one case for the organization.")],
    )


def report_for(assessment: Assessment, scoped: Callable[[QuerySet[Any]], QuerySet[Any]]) -> ReportData:
    """The report of ``assessment`` from the rows ``scoped`` admits (a page's ``self.scoped``, or
    ``visible_to`` of the API's reader)."""
    instrument_id = assessment.cycle.instrument_id
    return feedback_report(
        assessment,
        sections=list(scoped(Section.objects.filter(instrument_id=instrument_id)).order_by("order", "pk")),
        criteria=list(
            scoped(Criterion.objects.filter(instrument_id=instrument_id).select_related("section")).order_by(
                "section__order", "order", "pk"
            )
        ),
        feedback=list(scoped(Feedback.objects.filter(assessment=assessment))),
        findings=list(
            scoped(Finding.objects.filter(assessment=assessment))
            .select_related("section", "case")
            .prefetch_related(Prefetch("items", queryset=Item.objects.select_related("criterion__section")))
            .order_by("section__order", "pk")
        ),
    )


def feedback_pdf(assessment: Assessment, scoped: Callable[[QuerySet[Any]], QuerySet[Any]]) -> bytes:
    buffer = io.BytesIO()
    write_pdf(report_for(assessment, scoped), buffer)
    return buffer.getvalue()


def file_name(assessment: Assessment) -> str:
    """The report's name as its reader saves it: the title and the organization assessed
    («گزارش بازخورد ارزیابی — شرکت صنایع مس کرمان.pdf»); ``fallback_name`` is its ASCII stand-in."""
    return f"{_('Assessment feedback report')} — {assessment.organization.name}.pdf"


def fallback_name(assessment: Assessment) -> str:
    return f"feedback-{assessment.pk}.pdf"
