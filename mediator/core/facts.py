"""Dated facts: what happened to a case and when, kept so that a past period's figures can be
computed again later and give the same numbers (issue 19).

The case's own columns say where it stands *now*: 重新调解 clears ``concluded_on``/``outcome``
and moves ``accepted_on``, an extension moves ``deadline_on``, a replaced agreement's open
回访 are tombstoned. Figures read from them change after the period was reported. The table
``case_fact`` keeps the history instead, one row per fact:

* ``SPELL``: one mediation of the case: ``spell`` (1 for the first acceptance, 2 after the
  first 重新调解, ...), ``accepted_on`` and the one-month ``deadline_on`` it started with,
  ``concluded_on`` and ``outcome`` when it ended (NULL while it runs). A case concluded
  without being accepted (不予受理; 撤回 or 移交 before acceptance) has a spell 0 with no
  ``accepted_on``. A new spell never erases the earlier one: its conclusion stays in its
  period.
* ``EXTENSION``: an extension of spell ``spell`` recorded on ``fact_on`` to ``deadline_on``.
  The deadline as it stood on day D is that of the latest extension recorded by D.
* ``FOLLOW_UP_DROPPED``: the 回访 ``ref_id`` tombstoned on ``fact_on`` (its agreement was
  replaced by 重新调解): it still counts in the periods before that day.
* ``PUT_IN_WRITING``: the oral agreement ``ref_id`` put in writing (补签书面协议) on
  ``fact_on``: it counts as written only from that day.

Writers: ``Services._move`` and the ledger import (``core.bulk``) record the facts of every
``rules.Transition`` as they apply it (:func:`step`, the same pure function for every
writer); the demo, which writes whole histories at once through the same ``rules.apply``,
derives them from the state entries it wrote by :func:`derive` - the statements migration
0012 ran to backfill existing databases and the sync import runs for a package of payload
version 1 (tests check that both ways give the same rows). A correction
of a past date or outcome updates the fact rows (``Services.correct_dates``).
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mediator.core import rules
from mediator.core.rules import Action


class FactKind(str, enum.Enum):
    """The kinds of ``case_fact`` rows."""

    SPELL = "SPELL"
    EXTENSION = "EXTENSION"
    FOLLOW_UP_DROPPED = "FOLLOW_UP_DROPPED"
    PUT_IN_WRITING = "PUT_IN_WRITING"


SPELL, EXTENSION, FOLLOW_UP_DROPPED, PUT_IN_WRITING = (k.value for k in FactKind)
#: the timeline entry of 补签书面协议 as stored (svc.ev.put_in_writing, zh_CN and en)
PUT_IN_WRITING_SUMMARIES = ("口头协议补签为书面调解协议书", "Oral agreement put in writing")

#: state entries that start a mediation (受理, 重新调解) and the outcome of those that end one
STARTS = ("(e.state_to = 'ACCEPTED' OR (e.state_to = 'MEDIATING' "
          "AND e.state_from NOT IN ('ACCEPTED', 'MEDIATING')))")
ENDS = ("CASE e.state_to WHEN 'REFUSED' THEN 'REFUSED' WHEN 'TERMINATED' THEN 'FAILED' "
        "WHEN 'TRANSFERRED' THEN 'TRANSFERRED' WHEN 'WITHDRAWN' THEN 'WITHDRAWN' "
        "WHEN 'AGREED' THEN 'AGREEMENT' END")
#: one calendar month, clamped to the month's end (rules.add_months)
MONTH = ("min(date({d}, '+1 month'), date({d}, 'start of month', '+2 months', '-1 day'))")


def deadline_sql(d: str, dispute_type: str = "c.dispute_type") -> str:
    """``rules.mediation_deadline`` in SQL, from the one table of time limits
    (``rules.TIME_LIMITS``: 劳动争议 15 days, others one month)."""
    arms = " ".join(f"WHEN '{key}' THEN date({d}, '+{limit.days} days')"
                    for key, limit in rules.TIME_LIMITS.items() if limit.days is not None)
    month = MONTH.format(d=d)
    return f"(CASE {dispute_type} {arms} ELSE {month} END)" if arms else month


DEADLINE = deadline_sql("{d}")
_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000'"
_SYNC_COLS = "id, owner_code, revision, created_at, updated_at, deleted, origin"
#: a new row's id and time: random and now, or (the demo, which must give the same rows for the
#: same seed) made from the case's id and time and what the fact is (``salt``, unique within
#: the case)
_RANDOM = ("lower(hex(randomblob(16)))", _NOW)
_STABLE = ("substr(c.id, 1, 24) || printf('%08x', {salt})", "c.updated_at")


def _vals(salt: str) -> str:
    return "{id:" + salt + "}, c.owner_code, 1, {now}, {now}, c.deleted, {origin}"

COLUMNS = ("case_id", "kind", "spell", "accepted_on", "deadline_on", "concluded_on", "outcome",
           "fact_on", "ref_id")

#: the derivation, for the cases ``c`` meeting ``{scope}`` that have no facts yet
_DERIVE = (
    # spells from the timeline's state entries, numbered by the acceptances before them
    (f"INSERT INTO case_fact ({_SYNC_COLS}, case_id, kind, spell, accepted_on, deadline_on, "
    "concluded_on, outcome) "
    "WITH steps AS (SELECT e.case_id, e.occurred_on, e.rowid AS rid, "
    f"CASE WHEN {STARTS} THEN 1 ELSE 0 END AS starts, {ENDS} AS outcome "
    "FROM case_event e JOIN dispute_case c ON c.id = e.case_id "
    "WHERE e.kind = 'STATE' AND e.deleted = 0 AND ({scope}) "
    "AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id)), "
    "numbered AS (SELECT *, sum(starts) OVER (PARTITION BY case_id ORDER BY occurred_on, rid "
    "ROWS UNBOUNDED PRECEDING) AS spell FROM steps WHERE starts = 1 OR outcome IS NOT NULL), "
    "ends AS (SELECT case_id, spell, occurred_on, outcome, row_number() OVER (PARTITION BY "
    "case_id, spell ORDER BY occurred_on, rid) AS rn FROM numbered WHERE outcome IS NOT NULL), "
    "starts AS (SELECT case_id, spell, occurred_on FROM numbered WHERE starts = 1), "
    "spells AS (SELECT case_id, spell FROM starts UNION SELECT case_id, spell FROM ends) "
    f"SELECT {_vals('k.spell')}, k.case_id, 'SPELL', k.spell, "
    "a.occurred_on, "
    f"CASE WHEN a.occurred_on IS NOT NULL THEN {deadline_sql('a.occurred_on')} END, "
    "e.occurred_on, e.outcome FROM spells k JOIN dispute_case c ON c.id = k.case_id "
    "LEFT JOIN starts a ON a.case_id = k.case_id AND a.spell = k.spell "
    "LEFT JOIN ends e ON e.case_id = k.case_id AND e.spell = k.spell AND e.rn = 1 "
    "ORDER BY k.case_id, k.spell"),
    # a case whose timeline says nothing of it (written by hand, or by an old version):
    # one spell from its own columns
    (f"INSERT INTO case_fact ({_SYNC_COLS}, case_id, kind, spell, accepted_on, deadline_on, "
    f"concluded_on, outcome) SELECT {_vals('1')}, c.id, 'SPELL', "
    "CASE WHEN c.accepted_on IS NULL THEN 0 ELSE 1 END, c.accepted_on, "
    f"CASE WHEN c.accepted_on IS NOT NULL THEN {deadline_sql('c.accepted_on')} END, "
    "CASE WHEN c.outcome IS NOT NULL THEN c.concluded_on END, "
    "CASE WHEN c.concluded_on IS NOT NULL THEN c.outcome END "
    "FROM dispute_case c WHERE ({scope}) "
    "AND (c.accepted_on IS NOT NULL OR (c.concluded_on IS NOT NULL AND c.outcome IS NOT NULL)) "
    "AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id)"),
    # extensions: the new deadline as the entry states it (延期至 YYYY-MM-DD), else the case's
    (f"INSERT INTO case_fact ({_SYNC_COLS}, case_id, kind, spell, deadline_on, fact_on) "
    f"SELECT {_vals('268435456 + e.rowid % 268435456')}, c.id, "
    "'EXTENSION', "
    "(SELECT count(*) FROM case_event e2 WHERE e2.case_id = c.id AND e2.kind = 'STATE' "
    f"AND e2.deleted = 0 AND {STARTS.replace('e.', 'e2.')} "
    "AND (e2.occurred_on < e.occurred_on OR (e2.occurred_on = e.occurred_on "
    "AND e2.rowid < e.rowid))), "
    "coalesce(CASE WHEN date(substr(e.summary, -10)) = substr(e.summary, -10) "
    "THEN substr(e.summary, -10) END, c.deadline_on), e.occurred_on "
    "FROM case_event e JOIN dispute_case c ON c.id = e.case_id "
    "WHERE e.kind = 'EXTENSION' AND e.deleted = 0 AND ({scope}) "
    "AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id AND x.kind = 'EXTENSION') "
    "ORDER BY c.id, e.occurred_on, e.rowid"),
    # open 回访 tombstoned with a live case (重新调解 dropped them): on the day they went
    (f"INSERT INTO case_fact ({_SYNC_COLS}, case_id, kind, fact_on, ref_id) "
    f"SELECT {_vals('536870912 + f.rowid % 268435456')}, c.id, "
    "'FOLLOW_UP_DROPPED', date(f.updated_at), f.id "
    "FROM follow_up f JOIN dispute_case c ON c.id = f.case_id "
    "WHERE f.deleted = 1 AND f.done_on IS NULL AND c.deleted = 0 AND ({scope}) "
    "AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.ref_id = f.id)"),
    # 补签书面协议: the written agreement of the case (its latest) from the day of the entry
    (f"INSERT INTO case_fact ({_SYNC_COLS}, case_id, kind, fact_on, ref_id) "
     f"SELECT {_vals('805306368 + e.rowid % 268435456')}, c.id, 'PUT_IN_WRITING', "
     "e.occurred_on, (SELECT a.id FROM agreement a WHERE a.case_id = c.id AND a.deleted = 0 "
     "AND a.form = 'WRITTEN' ORDER BY a.created_at DESC, a.id DESC LIMIT 1) "
     "FROM case_event e JOIN dispute_case c ON c.id = e.case_id "
     "WHERE e.kind = 'NOTE' AND e.deleted = 0 AND e.summary IN "
     + "(" + ", ".join(f"'{x}'" for x in PUT_IN_WRITING_SUMMARIES) + ") AND ({scope}) "
     "AND NOT EXISTS (SELECT 1 FROM case_fact x WHERE x.case_id = c.id "
     "AND x.kind = 'PUT_IN_WRITING')"),
)


#: ``origin`` of the facts a county derived for the cases of a version-1 package: replaced
#: when the office's own facts arrive, never exported
DERIVED = "derived"


def derive_sql(scope: str = "1 = 1", *, stable: bool = False,
               origin: str | None = None) -> list[str]:
    """The statements deriving the facts of the cases ``c`` meeting ``scope`` (SQL on
    ``dispute_case c``) that have none yet, from their timeline and columns."""
    import re

    new_id, now = _STABLE if stable else _RANDOM
    mark = "NULL" if origin is None else "'" + origin.replace("'", "''") + "'"
    return [re.sub(r"\{id:([^}]*)\}", lambda m: new_id.replace("{salt}", m.group(1)), s)
            .replace("{now}", now).replace("{origin}", mark).replace("{scope}", scope)
            for s in _DERIVE]


def derive_statements(case_ids: Sequence[str] | None = None, *, stable: bool = False,
                      origin: str | None = None) -> list[tuple[str, tuple[Any, ...]]]:
    """(sql, parameters) deriving the facts of the given cases (None: every case without
    facts)."""
    if case_ids is not None and not case_ids:
        return []
    if case_ids is None:
        return [(sql, ()) for sql in derive_sql(stable=stable, origin=origin)]
    import json

    ids = (json.dumps(list(case_ids)),)
    return [(sql, ids) for sql in derive_sql("c.id IN (SELECT value FROM json_each(?))",
                                            stable=stable, origin=origin)]


def derive(con: sqlite3.Connection | Any, case_ids: Sequence[str] | None = None, *,
           stable: bool = False, origin: str | None = None) -> None:
    """Derive the facts of the given cases (None: every case without facts) on a DB-API
    connection or cursor, inside the caller's transaction (``stable``: ids and times made
    from the case's, for the demo)."""
    for sql, params in derive_statements(case_ids, stable=stable, origin=origin):
        con.execute(sql, params)


# --- the facts of one step (Services) ----------------------------------------------------


@dataclass
class Spell:
    """One ``SPELL`` row as the services hold it (``id`` None until written)."""

    spell: int
    accepted_on: date | None = None
    deadline_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = None
    id: str | None = None
    changed: bool = False


#: the actions that open a spell (a module constant: an enum member read from its class is a
#: Python-level lookup on 3.11, and this runs for each of an import's 30,000 steps)
_OPENS_SPELL = (Action.ACCEPT, Action.REMEDIATE)


def step(spells: list[Spell], tr: rules.Transition) -> list[Spell]:
    """What ``tr`` does to the case's spells (oldest first): a (re)acceptance opens a new
    one; a result ends the open one (or, for a case never accepted, is a spell 0 of its own).
    Returns the spells changed or added (their ``changed`` set); pure."""
    if not tr.moved:
        return []
    out: list[Spell] = []
    if tr.action in _OPENS_SPELL:
        new = Spell(max((s.spell for s in spells), default=0) + 1,
                    # 重新调解 keeps the case's first 受理日期 and dates itself in
                    # remediated_on (issue 25): either way the day this spell began
                    accepted_on=tr.dates.get("accepted_on") or tr.dates.get("remediated_on"),
                    deadline_on=tr.dates.get("deadline_on"), changed=True)
        spells.append(new)
        out.append(new)
    if tr.sets_outcome and tr.outcome is not None:
        open_ = [s for s in spells if s.concluded_on is None and s.accepted_on is not None]
        if open_:
            target = open_[-1]
        else:
            target = Spell(0)
            spells.append(target)
        target.concluded_on, target.outcome, target.changed = tr.on, tr.outcome.name, True
        if target not in out:
            out.append(target)
    return out


__all__ = [
    "COLUMNS",
    "DERIVED",
    "EXTENSION",
    "FOLLOW_UP_DROPPED",
    "SPELL",
    "FactKind",
    "Spell",
    "derive",
    "derive_sql",
    "derive_statements",
    "step",
]
