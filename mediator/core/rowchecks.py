"""What a stored value must look like, as SQL predicates: the checks the sync import runs on
every row of a package and a restore runs on every row of a backup (a file from elsewhere
may hold what no form would let anyone type: a 100,000-character name, an enum member that
does not exist, a date like 2026-02-30).

Its own module in core, below both ``core.backup`` and ``sync.merge``, so that the backup
does not reach up into sync for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from mediator.core import enums
from mediator.core.errors import ValidationError
from mediator.core.facts import FactKind
from mediator.core.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseFact,
    FollowUp,
    Mediator,
    Obligation,
    Office,
    Party,
    Petition,
    RiskEvent,
    ScreeningItem,
    ScreeningRound,
    SQLModel,
    SupervisionReply,
    Village,
)
from mediator.core.petition import Close, Evaluation
from mediator.core.rules import DeadlineKind
from mediator.core.supervision import ReplyKind
from mediator.core.validate import (
    MAX_NAME,
    MAX_SHORT_NAME,
    parse_division_code,
    parse_office_code,
    parse_phone,
    parse_resident_id,
    parse_village_code,
)

#: the tables a package carries and a backup is checked over, parents first (the same as
#: ``sync.payload.TABLES``; a test keeps them equal)
TABLES: tuple[str, ...] = ("office", "mediator", "village", "dispute_case", "agreement",
                           "obligation", "party", "case_event", "follow_up",
                           "case_fact", "screening_round", "screening_item", "risk_event",
                           "petition", "supervision_reply")

MODELS: dict[str, type[SQLModel]] = {
    "office": Office, "mediator": Mediator, "village": Village, "dispute_case": Case,
    "agreement": Agreement, "obligation": Obligation, "party": Party, "case_event": CaseEvent,
    "follow_up": FollowUp,
    "case_fact": CaseFact,
    "screening_round": ScreeningRound, "screening_item": ScreeningItem, "risk_event": RiskEvent,
    "petition": Petition,
    "supervision_reply": SupervisionReply,
}

ENUM_COLUMNS: dict[tuple[str, str], Any] = {
    ("dispute_case", "state"): enums.CaseState,
    ("dispute_case", "outcome"): enums.Outcome,
    ("dispute_case", "dispute_type"): enums.DisputeType,
    ("dispute_case", "source"): enums.CaseSource,
    ("dispute_case", "risk_grade"): enums.RiskGrade,
    ("dispute_case", "petition_channel"): enums.PetitionChannel,
    ("dispute_case", "referral_kind"): enums.ReferralKind,
    ("dispute_case", "next_due_kind"): DeadlineKind,
    ("party", "role"): enums.PartyRole,
    ("party", "kind"): enums.PartyKind,
    ("party", "gender"): enums.Gender,
    ("party", "consent_form"): enums.ConsentForm,
    ("case_event", "kind"): enums.EventKind,
    ("case_event", "state_from"): enums.CaseState,
    ("case_event", "state_to"): enums.CaseState,
    ("follow_up", "kind"): enums.FollowUpType,
    ("follow_up", "method"): enums.FollowUpMethod,
    ("follow_up", "result"): enums.FollowUpResult,
    ("agreement", "form"): enums.AgreementForm,
    ("agreement", "judicial_status"): enums.JudicialResult,
    ("case_fact", "kind"): FactKind,
    ("case_fact", "outcome"): enums.Outcome,
    ("follow_up", "satisfaction"): enums.Satisfaction,
    ("screening_round", "level"): enums.ScreeningLevel,
    ("screening_item", "dispute_type"): enums.DisputeType,
    ("screening_item", "risk_grade"): enums.RiskGrade,
    ("screening_item", "disposition"): enums.Disposition,
    ("petition", "channel"): enums.PetitionChannel,
    ("petition", "evaluation"): Evaluation,
    ("petition", "close_reason"): Close,
    ("supervision_reply", "kind"): ReplyKind,
}
ID_COLUMNS = {"id", "case_id", "agreement_id", "mediator_id", "obligation_id", "linked_case_id",
              "ref_id", "round_id", "item_id"}
#: low-cardinality code columns, checked once per distinct value with the real validators
CODE_COLUMNS: dict[tuple[str, str], Callable[[str], str]] = {
    ("office", "code"): parse_office_code,
    ("office", "parent_code"): lambda v: parse_division_code(v, (2, 4, 6, 9, 12)),
    ("village", "code"): parse_village_code,
    ("dispute_case", "village_code"): parse_village_code,
    ("screening_round", "village_code"): parse_village_code,
    ("screening_item", "village_code"): parse_village_code,
}
PHONE_COLUMNS = {("party", "phone"), ("mediator", "phone")}
#: the limits typed input puts on names (services.py), so a package cannot store what no
#: form would: a 100,000-character name breaks every list and document
NAME_LIMITS: dict[tuple[str, str], int] = {
    ("party", "name"): MAX_NAME, ("mediator", "name"): MAX_NAME,
    ("office", "name"): MAX_NAME, ("village", "name"): MAX_NAME,
    ("office", "short_name"): MAX_SHORT_NAME,
}
#: village codes: inside the sender's area, as a typed village must be inside the office's
VILLAGE_COLUMNS = {("village", "code"), ("dispute_case", "village_code"),
                   ("screening_round", "village_code"), ("screening_item", "village_code")}
#: control characters input cleaning removes (validate.normalise): C0 except tab and line
#: breaks, DEL, C1. NUL is looked for in the bytes (SQLite's text functions stop at it).
_CONTROLS = ", ".join(str(c) for c in (*range(1, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0)))
CONTROL_GLOB = f"('*[' || char({_CONTROLS}) || ']*')"


def clean_text_sql(x: str) -> str:
    """SQL true when text ``x`` holds no control character input cleaning would remove."""
    return f"(instr(CAST({x} AS BLOB), x'00') = 0 AND {x} NOT GLOB {CONTROL_GLOB})"
NON_NEGATIVE = {"amount_fen", "persons_involved", "extension_count", "position", "spell",
                "prevented_persons", "persons", "representatives", "extension_days", "paid_fen"}


def _fn_rid(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return int(parse_resident_id(value).number == value)
    except ValidationError:
        return 0


def _fn_phone(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return int(parse_phone(value) == value)
    except ValidationError:
        return 0


def _fn_routes(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    names = set(enums.Route.__members__)
    return int(all(part in names for part in value.split(",")))


def register_functions(con: sqlite3.Connection) -> None:
    con.create_function("mediator_valid_rid", 1, _fn_rid, deterministic=True)
    con.create_function("mediator_valid_phone", 1, _fn_phone, deterministic=True)
    con.create_function("mediator_valid_routes", 1, _fn_routes, deterministic=True)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def rid_fast_sql(x: str) -> str:
    """SQL that accepts a canonical 18-character resident ID exactly when
    ``validate.parse_resident_id`` would (check digit, real birth date 1900..today). Only
    ever used to *accept* quickly: whatever it does not accept goes to the Python validator,
    so the two can never disagree on a rejection (a property test checks the acceptance).
    Today's date goes in as a literal: ``date('now', 'localtime')`` costs a time-zone lookup
    on every row."""
    total = " + ".join(f"substr({x}, {i + 1}, 1) * {w}" for i, w in enumerate(_ID_WEIGHTS))
    birth = f"substr({x}, 7, 4) || '-' || substr({x}, 11, 2) || '-' || substr({x}, 13, 2)"
    return (f"(length({x}) = 18 AND substr({x}, 1, 17) NOT GLOB '*[^0-9]*' "
            f"AND substr('10X98765432', (({total}) % 11) + 1, 1) = substr({x}, 18, 1) "
            f"AND date(julianday({birth})) IS ({birth}) "
            f"AND {birth} BETWEEN '1900-01-01' AND '{date.today().isoformat()}')")


def phone_fast_sql(x: str) -> str:
    """Accepts an 11-digit mobile number, which ``parse_phone`` returns unchanged."""
    return f"({x} GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')"


def quote_sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def annotation(model: type[SQLModel], col: str) -> tuple[type, bool, int | None]:
    """(base type, nullable, max_length) of a model field."""
    import typing

    info = model.model_fields[col]
    ann = info.annotation
    nullable = False
    args = typing.get_args(ann)
    if args and type(None) in args:
        nullable = True
        ann = next(a for a in args if a is not type(None))
    max_length = None
    for meta in info.metadata:
        max_length = getattr(meta, "max_length", None) or max_length
    return ann, nullable, max_length  # type: ignore[return-value]


#: the longest free text a stored value may hold
MAX_TEXT = 100_000


def row_checks(table: str, cols: Sequence[str], clean_text: bool = True) -> list[tuple[str, str]]:
    """(column, SQL predicate over alias ``p``) for each of ``cols`` of ``table``: true when
    the stored value is one the application could have written. ``clean_text`` False leaves
    out the control-character test of text columns, for a caller that tests all the text of
    many rows at once (sync.merge.text_ok) and comes back here only when that finds one."""
    model = MODELS[table]
    checks: list[tuple[str, str]] = []
    for col in cols:
        x = f"p.{col}"
        base, nullable, max_length = annotation(model, col)
        if col == "id":
            pred = f"typeof({x}) = 'text' AND length({x}) = 32 AND {x} NOT GLOB '*[^0-9a-f]*'"
        elif col in ID_COLUMNS:
            # references: the foreign-key check already tied them to checked ids
            pred = f"typeof({x}) = 'text' AND length({x}) = 32"
        elif col == "owner_code":
            # each distinct owner went through the office-code validator in check_package
            pred = f"typeof({x}) = 'text'"
        elif (table, col) in ENUM_COLUMNS:
            names = ", ".join(quote_sql(n) for n in ENUM_COLUMNS[(table, col)].__members__)
            pred = f"typeof({x}) = 'text' AND {x} IN ({names})"
        elif base is bool:
            pred = f"typeof({x}) = 'integer' AND {x} IN (0, 1)"
        elif base is int:
            low = 1 if col in ("revision", "seq") else 0 if col in NON_NEGATIVE else None
            pred = f"typeof({x}) = 'integer'"
            if col == "year":
                pred += f" AND {x} BETWEEN 1900 AND 2200"
            elif low is not None:
                pred += f" AND {x} >= {low} AND {x} < 100000000000000"
        elif base is datetime:
            pred = (f"typeof({x}) = 'text' AND length({x}) BETWEEN 19 AND 32 "
                    f"AND datetime(julianday(substr({x}, 1, 19))) IS substr({x}, 1, 19)")
        elif base is date:
            # julianday first: date('2026-02-30') alone passes the text through unchanged
            pred = f"typeof({x}) = 'text' AND date(julianday({x})) IS {x}"
        elif base is str:
            limit = NAME_LIMITS.get((table, col)) or max_length or MAX_TEXT
            pred = f"typeof({x}) = 'text' AND length({x}) <= {limit}"
            if clean_text:
                pred += f" AND {clean_text_sql(x)}"
            # CASE, not OR: only CASE is sure to skip the Python call when SQL accepted
            if (table, col) in PHONE_COLUMNS:
                pred += (f" AND CASE WHEN {phone_fast_sql(x)} THEN 1 "
                         f"ELSE mediator_valid_phone({x}) END")
            elif (table, col) == ("party", "id_number"):
                pred += (f" AND CASE WHEN {rid_fast_sql(x)} THEN 1 "
                         f"ELSE mediator_valid_rid({x}) END")
            elif col == "routes_told":
                pred += f" AND mediator_valid_routes({x})"
            elif col in ("name", "case_no", "short_name"):
                pred += f" AND length(trim({x})) > 0"
            if (table, col) == ("office", "code"):
                pred += f" AND {x} = p.owner_code"  # an office owns its own row
        else:  # pragma: no cover - a new column type needs a rule here
            raise TypeError(f"no validation rule for {table}.{col}: {base}")
        if nullable:
            pred = f"{x} IS NULL OR ({pred})"
        checks.append((col, pred))
    if table == "obligation" and "paid_fen" in cols:
        # part payments (issue 18): never more than the amount, all of it once performed
        checks.append(("paid_fen", ("p.paid_fen <= p.amount_fen AND "
                                    "(p.performed_on IS NULL OR p.paid_fen = p.amount_fen)")))
    if table == "dispute_case":
        # as typed input (services._check_date): nothing happens to a case before it is
        # registered
        checks.append(("accepted_on", "p.accepted_on IS NULL OR p.accepted_on >= p.registered_on"))
    return checks
