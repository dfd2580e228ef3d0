"""The decision of the identifier-validation service for one proposal: pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from asinflow_contracts.events import ListingProposed, NormalisedIdentifier
from asinflow_contracts.issues import Issue, IssueCode, issue
from asinflow_contracts.proposal_reading import ProposalRead

from asinflow_identifier_validation.domain.exemptions import Exemption
from asinflow_identifier_validation.domain.identifiers import IdentifierError, check
from asinflow_identifier_validation.domain.remedies import REMEDIES


@dataclass(frozen=True)
class Decision:
    """Either ``issues`` holds at least one ERROR (rejected) or the proposal is validated."""

    issues: list[Issue] = field(default_factory=list)
    identifiers: list[NormalisedIdentifier] = field(default_factory=list)
    gtin14: str | None = None
    exemption_id: str | None = None

    @property
    def rejected(self) -> bool:
        return any(i.severity == "ERROR" for i in self.issues)


def _issue(code: IssueCode, message: str, attribute: str | None = None) -> Issue:
    return issue(code, message, attribute=attribute, remedy=REMEDIES[code])


def decide(read: ProposalRead, exemptions: Mapping[str, Exemption]) -> Decision:
    """Validate a read proposal; ``exemptions`` are those whose ids the proposal may cite."""
    if read.proposal is None:
        return Decision(
            issues=[_issue(IssueCode.SCHEMA_INVALID, f"{e.attribute}: {e.message}", e.attribute) for e in read.errors]
        )
    return decide_identifiers(read.proposal, exemptions)


def decide_identifiers(proposal: ListingProposed, exemptions: Mapping[str, Exemption]) -> Decision:
    if not proposal.identifiers:
        return _decide_exemption(proposal, exemptions)
    issues: list[Issue] = []
    checked: list[NormalisedIdentifier] = []
    for index, identifier in enumerate(proposal.identifiers):
        attribute = f"identifiers[{index}].value"
        try:
            result = check(identifier.value, identifier.type)
        except IdentifierError as exc:
            message = f"{identifier.type} {identifier.value!r}: {exc}"
            issues.append(_issue(IssueCode(exc.code), message, attribute))
            continue
        checked.append(
            NormalisedIdentifier(type=identifier.type, value=identifier.value, kind=result.kind, gtin14=result.gtin14)
        )
    distinct = sorted({c.gtin14 for c in checked})
    if len(distinct) > 1:
        named = ", ".join(f"{c.type} {c.value} (GTIN-14 {c.gtin14})" for c in checked)
        issues.append(
            _issue(
                IssueCode.IDENTIFIER_CONFLICT,
                f"the identifiers name {len(distinct)} products: {named}",
                "identifiers",
            )
        )
    if issues:
        return Decision(issues=issues, identifiers=checked)
    return Decision(identifiers=checked, gtin14=distinct[0])


def _decide_exemption(proposal: ListingProposed, exemptions: Mapping[str, Exemption]) -> Decision:
    cited = proposal.exemption_id
    if not cited:
        return Decision(
            issues=[_issue(IssueCode.IDENTIFIER_MISSING, "no product identifier and no exemption_id", "identifiers")]
        )
    exemption = exemptions.get(cited)
    if exemption is None:
        message = f"exemption {cited!r} does not exist"
        return Decision(issues=[_issue(IssueCode.IDENTIFIER_MISSING, message, "exemption_id")])
    if not exemption.covers(proposal.brand, proposal.seller_id, proposal.sku):
        message = f"exemption {cited!r} covers {exemption.scope()}, not brand {proposal.brand!r} SKU {proposal.sku!r}"
        return Decision(issues=[_issue(IssueCode.IDENTIFIER_MISSING, message, "exemption_id")])
    return Decision(exemption_id=cited)
