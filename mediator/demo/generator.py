"""``mediator demo``: a year of realistic synthetic cases, fast and reproducible.

The generator plays each case through the lifecycle exactly as the services would have
recorded it (registration, acceptance, 告知, sessions, extensions, agreement with instalments,
performance, 回访, 督促, 司法确认, archiving …), using ``rules.TRANSITIONS`` for every state
change and ``rules.deadlines`` for the denormalised nearest deadline, but writes the rows
directly: tuples inserted with ``executemany`` through the session's own connection inside ONE
``BEGIN IMMEDIATE`` transaction, so an interrupted run leaves nothing behind. Python builds the
rows in a worker thread while SQLite (which releases the GIL) inserts the previous chunk.

Determinism: everything comes from ``random.Random(seed)`` — ids included — and timestamps are
derived from the calendar dates of the events, never from the wall clock. The same seed, the
same ``today`` and the same language give identical rows in every table; the one exception is
the single audit entry, whose time is the real time of the run (an audit trail must not lie).

Refusals (DomainError, shown by the CLI): a database holding any real case (demo data must
never mix with a real ledger), and a database that already holds demo cases — case numbers run
per year in registration order and the data spans the year before ``today``, so adding a second
batch would interleave two numbering runs; generate into a new file instead.
"""

from __future__ import annotations

import bisect
import gc
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from mediator.core import audit, bulk, checks, queries, rules, search
from mediator.core import facts as case_facts
from mediator.core.checks import format_case_no, parties_text
from mediator.core.db import Database
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    FollowUpMethod,
    FollowUpResult,
    JudicialResult,
    Outcome,
    Route,
)
from mediator.core.errors import DomainError, ValidationError
from mediator.core.rules import Action
from mediator.core.validate import resident_id_check_char
from mediator.demo import texts as X
from mediator.i18n import get_language, t

S = CaseState
A = Action
D1 = timedelta(days=1)
CHUNK = 2000
MAX_CASES = 2_000_000

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoResult:
    cases: int
    seconds: float
    office_code: str
    first_case_no: str | None = None
    last_case_no: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    #: wall seconds of each phase: setup, load (build + insert), indexes, commit, checkpoint
    timings: dict[str, float] = field(default_factory=dict)


# --- columns, in the order of the tuples built below ---------------------------------------

_SYNC = ("id", "owner_code", "revision", "created_at", "updated_at", "deleted", "origin")
COLUMNS: dict[str, tuple[str, ...]] = {
    "office": _SYNC + ("code", "name", "short_name", "parent_code"),
    "village": _SYNC + ("code", "name"),
    "mediator": _SYNC + ("name", "phone", "title", "active"),
    "dispute_case": ("rowid",) + _SYNC + (
        "year", "seq", "case_no", "state", "outcome", "dispute_type", "type_note", "source",
        "registered_on", "accepted_on", "notice_on", "deadline_on", "extension_count",
        "concluded_on", "archived_on", "next_due_on", "next_due_kind", "village_code",
        "mediator_id", "facts", "requests", "persons_involved", "amount_fen", "group_dispute",
        "risk_grade", "is_hard", "lead_official", "responsible_person", "resolve_by",
        "stabilising_measures", "prevented_criminal", "prevented_petition", "petition_channel",
        "petition_received_on", "petition_extended", "refusal_reason", "routes_told",
        "transfer_to", "linked_case_id", "linked_case_no", "withdraw_reason", "import_key",
        "import_flags", "parties_text", "remediated_on", "remediate_reason"),
    "party": _SYNC + ("case_id", "position", "role", "kind", "name", "id_number", "gender",
                      "birth_date", "ethnicity", "phone", "address", "org_code",
                      "representative"),
    "case_event": _SYNC + ("case_id", "kind", "occurred_on", "summary", "body", "place",
                           "participants", "state_from", "state_to", "operator"),
    "agreement": _SYNC + ("case_id", "form", "effective_on", "terms", "responsibilities",
                          "amount_fen", "perform_place", "perform_method", "perform_by",
                          "judicial_status", "judicial_applied_on", "judicial_decided_on",
                          "judicial_court", "judicial_ref"),
    "obligation": _SYNC + ("agreement_id", "case_id", "seq", "obligor", "description", "due_on",
                           "amount_fen", "performed_on", "proof", "paid_fen"),
    "follow_up": _SYNC + ("case_id", "obligation_id", "kind", "method", "due_on", "done_on",
                          "result", "note", "operator"),
}
#: insertion order (parents first, for the foreign keys)
TABLES = ("dispute_case", "party", "case_event", "agreement", "obligation", "follow_up")


def _insert_sql(table: str, owner: str | None = None) -> str:
    """INSERT of full-width tuples, or for the COMPACT tables (given the owner) of tuples
    ``(id, created_at, <the columns after origin>)``: owner, revision 1, deleted 0 and
    origin NULL are constants and updated_at repeats created_at (less to build, send and
    bind for the million timeline rows)."""
    cols = COLUMNS[table]
    if owner is None or table not in COMPACT:
        return bulk.insert_sql(table, cols)
    if not owner.isdigit():  # pragma: no cover - validated division code
        raise ValueError(owner)
    rest = [f"?{i}" for i in range(3, len(cols) - len(_SYNC) + 3)]
    values = ["?1", f"'{owner}'", "1", "?2", "?2", "0", "NULL", *rest]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(values)})"


COMPACT = ("case_event", "party")


# --- small pure helpers ------------------------------------------------------------------

_EPOCH = date(1970, 1, 1)
_NOT_BIT62 = ~(1 << 62)
_V7_BITS = (0x7 << 76) | (1 << 63)  # version 7, variant 0b10


class _Ids:
    """UUIDs in the version-7 layout (RFC 9562): a 48-bit millisecond clock, then random bits
    from the seeded RNG. The clock is derived from the case's registration date and advances by
    one per id, so ids are deterministic, sort by registration, and land at the end of every
    B-tree index instead of at random pages (several times faster to insert than uuid4)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.clock = 0

    def at(self, day: date) -> None:
        self.clock = max(self.clock, (day - _EPOCH).days * 86_400_000)

    def __call__(self) -> str:
        self.clock += 1
        r = self.rng.getrandbits(76) & _NOT_BIT62
        return ((self.clock << 80) | r | _V7_BITS).to_bytes(16, "big").hex()


# --- search terms without pypinyin in the hot loop ---------------------------------------
# search.initials runs pypinyin with phrase segmentation (~40 µs a name). For a person name
# whose substrings are not pypinyin phrases, segmentation gives single characters, so the
# initials are the per-character ones. Checked exhaustively for every name this module can
# generate (427,750 of them): identical to search.initials; the ~6 % containing a phrase go
# through search.initials itself (and every other name too), so the index is exactly what
# services.index_case would write (tests compare against search.reindex_cases).
_CHAR_INITIAL: dict[str, str] = {}
_PHRASES: Any = None


def _initials(name: str) -> str:
    global _PHRASES
    if _PHRASES is None:
        from pypinyin.constants import PHRASES_DICT

        _PHRASES = PHRASES_DICT
        for ch in set(X.SURNAMES + X.MALE_CHARS + X.FEMALE_CHARS + "".join(X.COMPOUND_SURNAMES)):
            _CHAR_INITIAL[ch] = search.initials(ch)
    n = len(name)
    get = _CHAR_INITIAL.get
    if n == 3:
        a, b, c = get(name[0]), get(name[1]), get(name[2])
        if a and b and c and name[:2] not in _PHRASES and name[1:] not in _PHRASES \
                and name not in _PHRASES:
            return a + b + c
    elif n == 2:
        a, b = get(name[0]), get(name[1])
        if a and b and name not in _PHRASES:
            return a + b
    return search.initials(name)


_ISO: dict[date, str] = {}
_TIMES = tuple(f" {m // 60:02d}:{m % 60:02d}:" for m in range(1440))


def _iso(d: date | None) -> str | None:
    if d is None:
        return None
    text_ = _ISO.get(d)
    if text_ is None:
        text_ = _ISO[d] = d.isoformat()
    return text_


def _stamp(day: date, minute: int, suffix: str) -> str:
    """SQLAlchemy's DATETIME text ('YYYY-MM-DD HH:MM:SS.ffffff') for a UTC instant on ``day``;
    ``suffix`` is 'SS.ffffff'. Office hours are UTC+8, so 00:30 UTC is 08:30 at the office."""
    iso = _ISO.get(day) or _iso(day)
    return f"{iso}{_TIMES[minute if minute < 1440 else 1439]}{suffix}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc(prefix: str, area: str, body8: str) -> str:
    """统一社会信用代码 (GB 32100): 2-char registration type, 6-digit area, 9-char
    organisation code (GB 11714, with its own check), and the final check character."""
    org_sum = sum(int(c) * w for c, w in zip(body8, _ORG_WEIGHTS))
    c9 = 11 - org_sum % 11
    org = body8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = prefix + area + org
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    return code[17] == _USCC_CHARS[(31 - total % 31) % 31]


class _Weighted:
    """Fast weighted choice with one ``random()`` call."""

    def __init__(self, items: list[Any], weights: list[float]):
        self.items = items
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, r: float) -> Any:
        return self.items[bisect.bisect_right(self.cum, r * self.total)]


_TYPE_WEIGHTS = {
    "NEIGHBOUR": 22, "MARRIAGE_FAMILY": 16, "HOUSE_HOMESTEAD": 9, "CONTRACT": 8, "BUSINESS": 3,
    "DAMAGES": 9, "FOREST_LAND": 4, "LAND_ACQUISITION": 3, "POLLUTION": 2, "LABOUR": 3,
    "WAGE_ARREARS": 4, "TOURISM": 0.6, "CONSUMER": 3, "MEDICAL": 1.2, "TRAFFIC": 5,
    "PROPERTY_MGMT": 3, "IP": 0.5, "INTERNET": 1.2, "OTHER": 4,
}
_SOURCE_WEIGHTS = {
    "APPLICATION": 40, "INITIATIVE": 8, "SCREENING": 12, "GRID": 12, "VILLAGE_COMMITTEE": 10,
    "COURT": 4, "POLICE": 6, "PETITION": 2.5, "GOVERNMENT": 1.5,
}
_SOURCE_BOOST = {
    "DAMAGES": {"POLICE": 25}, "TRAFFIC": {"POLICE": 20, "COURT": 20},
    "CONTRACT": {"COURT": 15}, "NEIGHBOUR": {"POLICE": 6, "GRID": 8},
    "LAND_ACQUISITION": {"PETITION": 25, "GOVERNMENT": 10},
    "WAGE_ARREARS": {"PETITION": 15, "GOVERNMENT": 8, "GRID": 6},
    "FOREST_LAND": {"PETITION": 6}, "POLLUTION": {"PETITION": 8, "GRID": 10},
    "MEDICAL": {"PETITION": 6, "GOVERNMENT": 5}, "PROPERTY_MGMT": {"GRID": 10},
}
_CHANNELS = _Weighted(["VISIT", "LETTER", "ONLINE", "PHONE", "FAX"], [40, 20, 30, 9, 1])


# --- the world: office, villages, mediators ------------------------------------------------


@dataclass
class _Village:
    code: str
    name: str
    community: bool
    cadre: str
    #: "<town><village>", the start of every address in it
    prefix: str = ""
    #: where sessions are held (the office twice: most sessions are there)
    places: tuple[str, ...] = ()


@dataclass
class _World:
    office_code: str
    office_name: str
    short: str
    town: str
    area6: str
    county_word: str
    court: str
    court_prefix: str
    city: str
    phone_area: str
    villages: list[_Village]
    village_pick: _Weighted
    mediators: list[tuple[str, str]]  # (id, name)
    mediator_pick: _Weighted
    leaders: list[str]


def _town_name(office_name: str) -> str:
    for suffix in ("人民调解委员会", "调解委员会", "司法所", "综治中心", "人民政府"):
        if office_name.endswith(suffix) and len(office_name) > len(suffix):
            return office_name[: -len(suffix)]
    return office_name


def _township_prefix(code: str) -> str:
    if len(code) >= 9:
        return code[:9]
    return code + ("001" if len(code) == 6 else "01001")


# --- the generator -----------------------------------------------------------------------


class _Labels:
    """Event texts exactly as the services write them (current language), resolved once."""

    def __init__(self) -> None:
        self.registered = t("svc.ev.registered")
        self.accepted = t("svc.ev.accepted")
        self.refused = t("svc.ev.refused")
        self.notice = t("svc.ev.notice")
        self.session = t("svc.ev.session")
        self.terminated = t("svc.ev.terminated")
        self.withdrawn = t("svc.ev.withdrawn")
        self.performed = t("svc.ev.performed")
        self.missed = t("svc.ev.missed")
        self.urged = t("svc.ev.urged")
        self.remediate = t("svc.ev.remediate")
        self.suit = t("svc.ev.suit")
        self.archived = t("svc.ev.archived")
        self.judicial_applied = t("svc.ev.judicial_applied")
        self.agreed = {f: t("svc.ev.agreed", form=f.label) for f in AgreementForm}
        self.judicial_result = {r: t("svc.ev.judicial_result", result=r.label)
                                for r in JudicialResult}
        self.action = {a: a.label for a in Action}
        self.route = {r.name: r.label for r in Route}
        self._ob_done: dict[int, str] = {}
        self._ob_follow: dict[int, str] = {}
        self._fu_done: dict[tuple[str, str], str] = {}

    def obligation_performed(self, n: int) -> str:
        if n not in self._ob_done:
            self._ob_done[n] = t("svc.ev.obligation_performed", n=n)
        return self._ob_done[n]

    def followup_for_obligation(self, n: int) -> str:
        if n not in self._ob_follow:
            self._ob_follow[n] = t("svc.followup_for_obligation", n=n)
        return self._ob_follow[n]

    def followup_done(self, result: str, method: str) -> str:
        key = (result, method)
        if key not in self._fu_done:
            self._fu_done[key] = t("svc.ev.followup_done", result=FollowUpResult[result].label,
                                   method=FollowUpMethod[method].label)
        return self._fu_done[key]

    @staticmethod
    def followup_scheduled(d: date) -> str:
        return t("svc.ev.followup_scheduled", date=d.isoformat())

    @staticmethod
    def extended(d: date) -> str:
        return t("svc.ev.extended", date=d.isoformat())

    @staticmethod
    def transferred(to: str) -> str:
        return t("svc.ev.transferred", to=to)

    def routes_told(self, routes: tuple[str, ...]) -> str:
        return t("svc.routes_told", routes="、".join(self.route[r] for r in routes))


def _first(item: list[Any]) -> Any:
    return item[0]


_FILLERS: dict[str, Callable[[_Generator, dict[str, Any]], Any]] = {
    "a_age": lambda g, f: (f["reg"].year - f["a_birth"].year) if f["a_birth"] else g.between(66, 80),
    "kids": lambda g, f: g.between(2, 5),
    "year0": lambda g, f: f["reg"].year - g.between(1, 4),
    "m": lambda g, f: g.between(2, 11),
    "m2": lambda g, f: g.between(2, 9),
    "m3": lambda g, f: g.between(2, 11),
    "mon": lambda g, f: (f["reg"].month - 1 - g.between(0, 4)) % 12 + 1,
    "cm": lambda g, f: g.between(20, 80),
    "n2": lambda g, f: g.between(2, 6),
    "n3": lambda g, f: g.between(20, 300),
    "n4": lambda g, f: g.between(80, 900),
    "width": lambda g, f: g.pick(("1.2", "1.5", "2", "2.5")),
    "area": lambda g, f: g.between(3, 60),
    "area2": lambda g, f: g.between(200, 3000),
    "rent": lambda g, f: g.between(10, 120) * 1000,
    "days": lambda g, f: g.between(5, 40),
    "daily": lambda g, f: g.pick((260, 300, 350, 400)),
    "mu": lambda g, f: g.pick(("0.5", "1", "1.5", "2", "3")),
    "plate": lambda g, f: (f"{X.PROVINCE_SHORT.get(g.w.office_code[:2], '浙')}A"
                           f"{g.rng.getrandbits(20) % 100000:05d}"),
    "estate": lambda g, f: g.pick(X.ESTATES),
}


class _Fill(dict):  # type: ignore[type-arg]
    """Template values, drawn only when a template asks for one (``format_map`` calls
    ``__missing__``) and then kept, so facts, terms and sessions tell the same story."""

    def __init__(self, gen: _Generator):
        super().__init__()
        self.gen = gen

    def __missing__(self, key: str) -> Any:
        words = X.WORDS.get(key)
        value = self.gen.pick(words) if words is not None else _FILLERS[key](self.gen, self)
        self[key] = value
        return value


#: member names without the enum descriptor (read once per state change in the hot loop)
_NAMES: dict[Any, str] = {m: m.name for cls in (CaseState, Outcome) for m in cls}


class _Case:
    """Mutable state of one case while its story is played."""

    __slots__ = (
        "accepted_on",
        "agreement",
        "archived_on",
        "changes",
        "concluded_on",
        "deadline_on",
        "dispute_type",
        "events",
        "ext",
        "follow_ups",
        "labels",
        "last",
        "last_state",
        "notice_on",
        "obligations",
        "operator",
        "outcome",
        "pet_ext",
        "refusal",
        "remediated_on",
        "routes",
        "sessions",
        "state",
        "today",
        "transfer_to",
        "withdraw",
    )

    def __init__(self, today: date, labels: _Labels, operator: str,
                 dispute_type: str | None = None):
        self.state = S.REGISTERED
        #: the time limit the rules give its mediation depends on it (劳动争议: 15 days)
        self.dispute_type = dispute_type
        self.outcome: str | None = None
        self.concluded_on: date | None = None
        self.archived_on: date | None = None
        self.accepted_on: date | None = None
        self.deadline_on: date | None = None
        self.remediated_on: date | None = None
        self.notice_on: date | None = None
        self.ext = 0
        self.pet_ext = False
        #: [date, kind, summary, body, place, participants, state_from, state_to]
        self.events: list[list[Any]] = []
        self.changes = 0
        self.last_state: date | None = None
        self.sessions = 0
        #: [id, obligation_id, kind, method, due, done, result, note, created_on]
        self.follow_ups: list[list[Any]] = []
        #: [id, seq, obligor, description, due, amount_fen, performed, proof]
        self.obligations: list[list[Any]] = []
        self.agreement: list[Any] | None = None
        self.routes: str | None = None
        self.refusal: str | None = None
        self.transfer_to: str | None = None
        self.withdraw: str | None = None
        self.today = today
        self.labels = labels
        self.operator = operator
        self.last: date | None = None

    def event(self, kind: str, d: date, summary: str, body: str = "", place: str | None = None,
              participants: str | None = None, sf: str | None = None,
              st: str | None = None) -> None:
        if d > self.today:  # pragma: no cover - generator bug guard
            raise AssertionError(f"event in the future: {d}")
        self.events.append([d, kind, summary, body, place, participants, sf, st])
        if self.last is None or d > self.last:
            self.last = d

    def move(self, action: Action, d: date, summary: str = "", body: str = "") -> None:
        """``rules.apply``, as ``Services._move``: legal transitions only, the outcome and
        dates the rules set."""
        if self.last_state is not None and d < self.last_state:  # pragma: no cover - bug guard
            raise AssertionError("state changes out of order")
        tr = rules.apply(self.state, action, d, summary or self.labels.action[action],
                         dispute_type=self.dispute_type)
        if tr.moved:
            self.state = tr.after
            if tr.sets_outcome:
                self.outcome = _NAMES[tr.outcome] if tr.outcome else None
            for column, value in tr.dates.items():
                setattr(self, column, value)
            self.event("STATE", d, tr.summary, body, sf=_NAMES[tr.before], st=_NAMES[tr.after])
            self.last_state = d


class _Story:
    """One case while it is told: what was drawn for it (the phases of ``_Generator.case``
    hand it on) and the case's state so far (``c``)."""

    __slots__ = (
        "a_name",
        "age",
        "agreement_amount",
        "agreement_form",
        "agreement_on",
        "b_name",
        "c",
        "claim",
        "dtype",
        "facts",
        "fill",
        "group",
        "hard",
        "is_pet",
        "judicial",
        "law",
        "lead",
        "mediator_for_case",
        "mediator_id",
        "mediator_name",
        "n",
        "n_app",
        "op",
        "parties",
        "persons",
        "pet_channel",
        "pet_received",
        "reg",
        "requests",
        "resolve_by",
        "resp_person",
        "risk",
        "scen",
        "source",
        "stabilising",
        "village",
    )

    n: int
    reg: date
    age: int
    dtype: str
    scen: X.Scenario
    source: str
    village: _Village
    mediator_id: str
    mediator_name: str
    op: str
    parties: list[tuple[Any, ...]]
    fill: _Fill
    group: bool
    n_app: int
    a_name: str
    b_name: str
    persons: int
    claim: int
    facts: str
    requests: str
    law: str
    is_pet: bool
    hard: bool
    risk: str
    lead: str | None
    resp_person: str | None
    resolve_by: date | None
    stabilising: str | None
    pet_channel: str | None
    pet_received: date | None
    c: _Case
    agreement_form: AgreementForm | None
    agreement_on: date | None
    agreement_amount: int
    judicial: str | None
    mediator_for_case: str | None


class _Generator:
    def __init__(self, rng: random.Random, today: date, operator: str):
        self.rng = rng
        self.ids = _Ids(rng)
        self.today = today
        self.operator = operator
        #: set by generate() once the office is known
        self.w: _World
        self.rowid = 1
        self.seqs: dict[int, int] = {}
        self.L = _Labels()
        self.types = _Weighted(list(_TYPE_WEIGHTS), list(_TYPE_WEIGHTS.values()))
        self.sources: dict[str, _Weighted] = {}
        for dt in DisputeType:
            weights = dict(_SOURCE_WEIGHTS)
            for k, v in _SOURCE_BOOST.get(dt.name, {}).items():
                weights[k] += v
            self.sources[dt.name] = _Weighted(list(weights), list(weights.values()))
        head = X.SURNAMES[:20] * 4 + X.SURNAMES[20:50] * 2 + X.SURNAMES[50:]
        self.surnames = head
        self.pool: list[tuple[Any, ...]] = []
        self.out: dict[str, list[tuple[Any, ...]]] = {k: [] for k in TABLES}
        self.fts: list[tuple[int, str]] = []
        self.terms: list[tuple[str, int]] = []
        self.first_no: str | None = None
        self.last_no: str | None = None

    # --- primitives ---

    def uid(self) -> str:
        return self.ids()

    def pick(self, items: Any) -> Any:
        return items[int(self.rng.random() * len(items))]

    def between(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def name(self, male: bool) -> str:
        r = self.rng.random
        if r() < 0.012:
            surname = X.COMPOUND_SURNAMES[int(r() * len(X.COMPOUND_SURNAMES))]
        else:
            surname = self.surnames[int(r() * len(self.surnames))]
        chars = X.MALE_CHARS if male else X.FEMALE_CHARS
        n = len(chars)
        if r() < 0.3:
            return surname + chars[int(r() * n)]
        return surname + chars[int(r() * n)] + chars[int(r() * n)]

    def mobile(self) -> str:
        return self.pick(X.MOBILE_PREFIXES) + f"{self.rng.getrandbits(27) % 100_000_000:08d}"

    def address(self, village: _Village) -> str:
        r = self.rng.random
        if village.community:
            return (f"{village.prefix}{X.ESTATES[int(r() * 5)]}{1 + int(r() * 18)}幢"
                    f"{1 + int(r() * 3)}单元{1 + int(r() * 18)}0{1 + int(r() * 4)}室")
        return f"{village.prefix}{1 + int(r() * 12)}组{1 + int(r() * 80)}号"

    def person(self, reg: date, village: _Village, *, has_id: float, has_phone: float,
               age: tuple[int, int] = (22, 78), migrant: float = 0.12) -> tuple[Any, ...]:
        """(name, id_number, gender, birth_date, ethnicity, phone, address)"""
        r = self.rng.random
        male = r() < 0.52
        lo, hi = age
        birth = date.fromordinal(reg.toordinal() - int((lo + r() * (hi - lo)) * 365.25) - 1)
        if r() < migrant:
            area, home = self.pick(X.HOMETOWNS)
            addr = f"{home}人，暂住{self.address(village)}"
        else:
            area, addr = self.w.area6, self.address(village)
        idno = None
        if r() < has_id:
            seq = int(r() * 100) * 10 + int(r() * 5) * 2 + (1 if male else 0)
            first17 = f"{area}{_iso(birth).replace('-', '')}{seq:03d}"  # type: ignore[union-attr]
            idno = first17 + resident_id_check_char(first17)
        ethnicity = X.ETHNICITIES[int(r() * len(X.ETHNICITIES))] if r() < 0.55 else None
        phone = self.mobile() if r() < has_phone else None
        return (self.name(male), idno, ("MALE" if male else "FEMALE") if idno else None,
                birth if idno else None, ethnicity, phone, addr)

    def org(self, kind: str, village: _Village, reg: date) -> tuple[Any, ...]:
        """(name, org_code, representative, phone, address)"""
        r = self.rng.random
        suffix = self.pick(X.ORG_KINDS[kind])
        if kind in ("shop", "clinic"):
            name = f"{self.w.town}{self.pick(X.BRANDS)}{suffix}"
            prefix = "92"
        elif kind == "farm":
            name = f"{self.w.city}{self.pick(X.BRANDS)}{suffix}"
            prefix = "93" if "合作社" in suffix else "91"
        else:
            name = f"{self.w.city}{self.pick(X.BRANDS)}{suffix}"
            prefix = "91"
        code = uscc(prefix, self.w.area6, f"{self.rng.getrandbits(30) % 100_000_000:08d}")
        rep = self.name(r() < 0.8)
        if self.w.phone_area and r() < 0.5:
            phone = f"{self.w.phone_area}-{self.between(5, 8)}{self.rng.getrandbits(27) % 10_000_000:07d}"
        else:
            phone = self.mobile()
        addr = f"{self.w.town}{village.name}{self.pick(('工业区', '园区路', '商业街'))}{self.between(1, 99)}号"
        return (name, code, rep, phone, addr)

    def pooled_person(self, reg: date, village: _Village, **kw: Any) -> tuple[Any, ...]:
        """Now and then the same person comes back (重复纠纷): the repeat-party check finds them."""
        if self.pool and self.rng.random() < 0.03:
            p = self.pick(self.pool)
            if p[3] is None or p[3] <= reg - timedelta(days=365 * 18):
                return p
        p = self.person(reg, village, **kw)
        if p[1] and self.rng.random() < 0.02:
            self.pool.append(p)
        return p

    # --- one case ---

    def case(self, n: int, reg: date) -> None:
        """Tell one case registered on ``reg``, phase by phase, then write its rows."""
        self.ids.at(reg)
        st = self._cast(n, reg)
        self._details(st)
        self._lifecycle(st)
        self._aftercare(st)
        self._archive(st)
        self._rows(st)

    def _cast(self, n: int, reg: date) -> _Story:
        """What kind of dispute, from where, in which village, with which mediator; and the
        parties (applicants, respondent, a third party)."""
        rng = self.rng
        R = rng.random
        w = self.w
        today = self.today
        age = (today - reg).days

        dtype = self.types.pick(R())
        scen: X.Scenario = self.pick(X.SCENARIOS[dtype])
        source = self.sources[dtype].pick(R())
        village: _Village = w.village_pick.pick(R())
        mediator_id, mediator_name = w.mediator_pick.pick(R())
        op = mediator_name

        parties: list[tuple[Any, ...]] = []  # (role, kind, name, id, gender, birth, eth, phone, addr, org, rep)
        fill = _Fill(self)
        group = scen.group and R() < 0.45  # the same story often involves one household only
        n_app = self.between(3, 6) if group else (2 if R() < 0.15 else 1)
        migrant = 0.7 if dtype == "WAGE_ARREARS" else 0.12
        seen_ids: set[str] = set()
        for i in range(n_app):
            p = self.pooled_person(reg, village, has_id=0.93, has_phone=0.97,
                                   age=scen.a_age if scen.a_age and i == 0 else (22, 78),
                                   migrant=migrant)
            if p[1] in seen_ids:
                p = (p[0], None, None, None) + p[4:]
            if p[1]:
                seen_ids.add(p[1])
            parties.append(("APPLICANT", "PERSON", *p, None, None))
        resp = scen.respondent
        if resp == "person":
            for _ in range(2 if R() < 0.1 else 1):
                p = self.pooled_person(reg, village, has_id=0.65, has_phone=0.8)
                if p[1] in seen_ids:
                    p = (p[0], None, None, None) + p[4:]
                if p[1]:
                    seen_ids.add(p[1])
                parties.append(("RESPONDENT", "PERSON", *p, None, None))
        elif resp == "village":
            body = "居民委员会" if village.community else self.pick(("村民委员会", "股份经济合作社"))
            name = f"{w.town}{village.name}{body}" if body != "股份经济合作社" else f"{village.name}股份经济合作社"
            code = uscc("N2" if "合作社" in name else "54", w.area6,
                        f"{rng.getrandbits(30) % 100_000_000:08d}")
            parties.append(("RESPONDENT", "ORGANISATION", name, None, None, None, None,
                            self.mobile(), f"{w.town}{village.name}", code, village.cadre))
        elif resp == "project":
            parties.append(("RESPONDENT", "ORGANISATION", f"{fill['project']}项目指挥部", None,
                            None, None, None, self.mobile(), f"{w.town}人民政府", None,
                            self.name(True)))
        else:
            name, code, rep, phone, addr = self.org(resp, village, reg)
            parties.append(("RESPONDENT", "ORGANISATION", name, None, None, None, None, phone,
                            addr, code, rep))
        if scen.third:
            name, code, rep, phone, addr = self.org(scen.third, village, reg)
            parties.append(("THIRD_PARTY", "ORGANISATION", name, None, None, None, None, phone,
                            addr, code, rep))
        a_name = parties[0][2]
        b_name = next(p[2] for p in parties if p[0] == "RESPONDENT")
        persons = len(parties)
        if group:
            persons = max(persons, n_app + self.between(2, 36))
        elif R() < 0.08:
            persons += self.between(1, 3)  # family members involved but not listed
        st = _Story()
        st.n = n
        st.reg = reg
        st.age = age
        st.dtype = dtype
        st.scen = scen
        st.source = source
        st.village = village
        st.mediator_id = mediator_id
        st.mediator_name = mediator_name
        st.op = op
        st.parties = parties
        st.fill = fill
        st.group = group
        st.n_app = n_app
        st.a_name = a_name
        st.b_name = b_name
        st.persons = persons
        return st

    def _details(self, st: _Story) -> None:
        """The story's details: the claim, facts and requests, risk and petition data; then
        the case is registered."""
        rng = self.rng
        R = rng.random
        L = self.L
        w = self.w
        today = self.today
        reg = st.reg
        scen = st.scen
        dtype = st.dtype
        village = st.village
        mediator_id = st.mediator_id
        mediator_name = st.mediator_name
        op = st.op
        parties = st.parties
        fill = st.fill
        group = st.group
        a_name = st.a_name
        b_name = st.b_name
        persons = st.persons
        source = st.source
        claim = 0
        if scen.money:
            lo, hi = scen.money
            claim = int(lo + (hi - lo) * R() ** 2)
            claim = max(lo, claim // 100 * 100 if claim >= 1000 else claim // 10 * 10)
        fill.update(a=a_name, b=b_name, v=village.name, amt=claim, agreed=claim, pay="",
                    duty_due="", n=persons, reg=reg, a_birth=parties[0][5])
        facts = scen.facts.format_map(fill)
        requests = scen.requests.format_map(fill)
        law = X.LAWS[dtype]

        is_pet = source == "PETITION"
        hard = R() < (0.3 if scen.risky and (group or is_pet) else 0.08 if scen.risky else 0.012)
        u = R()
        risk = ("SEVERE" if hard and u < 0.3 else "MAJOR" if hard or (scen.risky and u < 0.25)
                else "MAJOR" if u < 0.03 else "GENERAL")
        lead = resp_person = stabilising = None
        resolve_by = None
        if hard:
            lead = self.pick(w.leaders)
            resp_person = (mediator_name if R() < 0.6
                           else f"{village.name}党支部书记{village.cadre}")
            resolve_by = reg + timedelta(days=self.between(30, 90))
            stabilising = self.pick(X.STABILISING).format(a=a_name)
        pet_channel = pet_received = None
        if is_pet:
            pet_channel = _CHANNELS.pick(R())
            pet_received = reg - timedelta(days=self.between(0, 10))

        c = _Case(today, L, op, dtype)
        c.event("STATE", reg, L.registered, st="REGISTERED")
        agreement_form: AgreementForm | None = None
        agreement_on: date | None = None
        agreement_amount = 0
        judicial: str | None = None
        mediator_for_case: str | None = mediator_id
        st.claim = claim
        st.facts = facts
        st.requests = requests
        st.law = law
        st.is_pet = is_pet
        st.hard = hard
        st.risk = risk
        st.lead = lead
        st.resp_person = resp_person
        st.resolve_by = resolve_by
        st.stabilising = stabilising
        st.pet_channel = pet_channel
        st.pet_received = pet_received
        st.c = c
        st.agreement_form = agreement_form
        st.agreement_on = agreement_on
        st.agreement_amount = agreement_amount
        st.judicial = judicial
        st.mediator_for_case = mediator_for_case

    def _session(self, st: _Story, d: date, end: str) -> None:
        """One mediation session (调解记录) and its move to 调解中."""
        rng = self.rng
        R = rng.random
        L = self.L
        a_name = st.a_name
        b_name = st.b_name
        requests = st.requests
        law = st.law
        village = st.village
        fill = st.fill
        mediator_name = st.mediator_name
        c = st.c
        content = (self.pick(X.SESSION_OPENINGS).format(a=a_name, b=b_name, request=requests,
                                                        defence=self.pick(X.DEFENCES))
                   + self.pick(X.SESSION_MIDDLE).format(law=law, cadre=village.cadre)
                   + self.pick(X.SESSION_ENDS[end]).format(b=b_name))
        k = int(R() * 5)
        place = (village.places[k] if k < 4 else f"{village.name}{fill['place']}现场")
        participants = f"{a_name}、{b_name}、调解员{mediator_name}"
        if R() < 0.35:
            participants += f"、{village.name}调委会主任{village.cadre}"
        c.event("SESSION", d, L.session, content, place, participants)
        c.move(A.SESSION, d)
        c.sessions += 1
        c.changes += 1

    def _follow_done(self, st: _Story, fu: list[Any], d: date, result: str, note: str) -> None:
        """A 回访 done; one that finds an obligation not performed makes the case 未履行."""
        L = self.L
        c = st.c
        method = self.pick(("PHONE", "PHONE", "VISIT", "VISIT", "OFFICE", "MESSAGE"))
        fu[3], fu[5], fu[6] = method, d, result
        fu[7] = "\n".join(x for x in (fu[7], note) if x)
        c.event("FOLLOW_UP", d, L.followup_done(result, method), note)
        c.changes += 1
        if result == "NOT_PERFORMED" and c.state is S.PERFORMING:
            c.move(A.MISS, d, L.missed)

    def _schedule(self, st: _Story, kind: str, on: date, due: date, note: str) -> list[Any]:
        """A 回访 scheduled on ``on`` for ``due``."""
        L = self.L
        c = st.c
        fu = [self.uid(), None, kind, None, due, None, None, note, on]
        c.follow_ups.append(fu)
        c.event("FOLLOW_UP", on, L.followup_scheduled(due), note)
        c.changes += 1
        return fu

    def _perform(self, st: _Story, ob: list[Any], d: date) -> None:
        """One obligation performed; the last one makes the case 履行完毕."""
        rng = self.rng
        L = self.L
        c = st.c
        ob[6] = d
        ob[7] = self.pick(X.PROOFS).format(year=d.year, n=self.between(1, 99999),
                                           digits=f"{rng.getrandbits(60):018d}"[:18])
        c.event("PERFORMANCE", d, L.obligation_performed(ob[1]), ob[7])
        c.changes += 1
        if all(o[6] is not None for o in c.obligations):
            c.move(A.COMPLETE_PERFORMANCE, d, L.performed)

    def _conclude_agreement(self, st: _Story, d: date, quick: bool) -> None:
        """达成协议: the form, the instalments or duties and their 回访, then 履行."""
        rng = self.rng
        R = rng.random
        L = self.L
        w = self.w
        claim = st.claim
        a_name = st.a_name
        b_name = st.b_name
        scen = st.scen
        fill = st.fill
        village = st.village
        c = st.c
        money = claim > 0
        agreed = 0
        if money:
            agreed = int(claim * (0.5 + 0.5 * R()))
            agreed = max(min(100, claim), agreed // 100 * 100)
        if quick:
            form = AgreementForm.ORAL if (not money or R() < 0.5) else AgreementForm.WRITTEN
        elif money:
            form = AgreementForm.WRITTEN if R() < 0.93 else AgreementForm.ORAL
        else:
            form = AgreementForm.ORAL if R() < 0.55 else AgreementForm.WRITTEN
        obligor = a_name if scen.payer == "a" else b_name
        plan: list[tuple[date, int, str, str]] = []  # (due, amount_fen, description, obligor)
        performed_now = False
        duty_due = None
        if scen.duty and (not quick or R() < 0.6):
            duty_due = d + timedelta(days=self.between(5, 30))
            plan.append((duty_due, 0, f"{b_name}{scen.duty}", b_name))
        pay = ""
        if money:
            if not plan and agreed <= 20000 and R() < (0.75 if quick else 0.3):
                performed_now = True
                pay = "当场一次性付清"
            else:
                u2 = R()
                k = 1 if u2 < 0.55 else 2 if u2 < 0.75 else 3 if u2 < 0.9 else self.between(4, 6)
                if agreed < 1000 * k:
                    k = 1
                first = d + timedelta(days=self.pick((0, 3, 5, 7, 10, 15, 20, 30)))
                dues = [rules.add_months(first, i) for i in range(k)]
                base = agreed // k // 100 * 100
                amounts = [base] * (k - 1) + [agreed - base * (k - 1)]
                for i, (due, amt) in enumerate(zip(dues, amounts), start=1):
                    desc = (f"{obligor}一次性支付全部款项{amt}元" if k == 1
                            else f"{obligor}支付第{i}期款项{amt}元")
                    plan.append((due, amt * 100, desc, obligor))
                pay = (f"于{cn_date(dues[0])}前一次性付清" if k == 1 else
                       f"分{k}期付清，首期{amounts[0]}元于{cn_date(dues[0])}前支付，"
                       f"余款按月支付，最后一期于{cn_date(dues[-1])}前付清")
        elif not plan and R() < 0.45:
            performed_now = True
        fill["agreed"], fill["pay"] = agreed, pay
        fill["duty_due"] = cn_date(duty_due) if duty_due else ""
        terms = scen.terms.format_map(fill)
        responsibilities = scen.responsibilities.format_map(fill)
        c.move(A.AGREE, d, L.agreed[form])
        plan.sort(key=lambda p: p[0])
        ag_id = self.uid()
        for i, (due, amt, desc, who) in enumerate(plan, start=1):
            ob = [self.uid(), i, who, desc, due, amt, None, None]
            c.obligations.append(ob)
            c.follow_ups.append([self.uid(), ob[0], "PERFORMANCE", None, due, None, None,
                                 L.followup_for_obligation(i), d])
        written = form is AgreementForm.WRITTEN
        c.agreement = [ag_id, form.name, d, terms, responsibilities, agreed * 100,
                       (w.office_name if R() < 0.6
                        else f"{village.name}{'居' if village.community else '村'}委会")
                       if written else None,
                       self.pick(X.PAY_METHODS) if written and money else None,
                       plan[-1][0] if written and plan else None,
                       None, None, None, None, None, 1, d]
        st.agreement_form, st.agreement_on, st.agreement_amount = form, d, agreed * 100
        if performed_now:
            c.move(A.COMPLETE_PERFORMANCE, d, L.performed)
        elif plan:
            c.move(A.BEGIN_PERFORMANCE, d)
        c.changes += 1

    def _lifecycle(self, st: _Story) -> None:
        """Still pending, refused, withdrawn, transferred, or accepted and mediated."""
        rng = self.rng
        R = rng.random
        L = self.L
        today = self.today
        age = st.age
        is_pet = st.is_pet
        reg = st.reg
        c = st.c
        scen = st.scen
        dtype = st.dtype
        hard = st.hard
        claim = st.claim
        fill = st.fill
        mediator_for_case = st.mediator_for_case
        u = R()
        pending = ((age <= 2 and u < 0.55) or (age <= 12 and u < 0.1)
                   or (is_pet and age <= 25 and u < 0.3))
        if not pending:
            u = R()
            if u < 0.045:
                d = min(today, reg + timedelta(days=self.between(0, 3)))
                reason, route = self.pick(X.REFUSALS)
                c.refusal, c.routes = reason, route
                c.move(A.REFUSE, d, L.refused, reason)
                c.changes += 1
            elif u < 0.055:
                d = min(today, reg + timedelta(days=self.between(0, 5)))
                c.withdraw = self.pick(X.WITHDRAWALS)
                c.move(A.WITHDRAW, d, L.withdrawn, c.withdraw)
                c.changes += 1
            elif u < 0.062:
                d = min(today, reg + timedelta(days=self.between(0, 3)))
                self._transfer(c, d)
            else:
                self._mediate(c, reg, scen, dtype, is_pet, hard, claim,
                              partial(self._session, st),
                              partial(self._conclude_agreement, st), fill)
        else:
            if R() < 0.5:
                mediator_for_case = None
        st.mediator_for_case = mediator_for_case

    def _aftercare(self, st: _Story) -> None:
        """After the agreement: performance and urging, 司法确认, 履行完毕 of an agreement
        without instalments, a routine 回访, and 稳控回访 of a hard case."""
        rng = self.rng
        R = rng.random
        L = self.L
        w = self.w
        today = self.today
        c = st.c
        a_name = st.a_name
        fill = st.fill
        agreement_form = st.agreement_form
        agreement_amount = st.agreement_amount
        agreement_on = st.agreement_on
        reg = st.reg
        hard = st.hard
        judicial = st.judicial
        if c.obligations:
            self._performance(c, a_name, partial(self._perform, st),
                              partial(self._follow_done, st), fill)
        if (agreement_form is AgreementForm.WRITTEN and agreement_amount >= 500_000
                and c.state in rules.AFTER_AGREEMENT and R() < 0.2 and agreement_on
                and not any(e[1] == "STATE" and e[7] in ("UNPERFORMED", "URGED") for e in c.events)):
            applied = agreement_on + timedelta(days=self.between(1, 20))
            if applied <= today:
                court = w.court
                assert c.agreement is not None
                ag = c.agreement
                ag[9], ag[10], ag[11] = "APPLIED", applied, court
                ag[14] += 1
                ag[15] = applied
                judicial = "APPLIED"
                c.event("JUDICIAL", applied, L.judicial_applied, court)
                c.changes += 1
                decided = applied + timedelta(days=self.between(5, 25))
                if decided <= today:
                    result = JudicialResult.CONFIRMED if R() < 0.9 else JudicialResult.REJECTED
                    ref = f"({decided.year}){w.court_prefix}民特{self.between(1, 999)}号"
                    ag[9], ag[12], ag[13] = result.name, decided, ref
                    ag[14] += 1
                    ag[15] = decided
                    judicial = result.name
                    c.event("JUDICIAL", decided, L.judicial_result[result], ref)
                    c.changes += 1
        if c.state is S.AGREED and c.agreement is not None and not c.obligations:
            done = c.agreement[2] + timedelta(days=self.between(3, 25))
            if done <= today and R() < 0.85:
                c.move(A.COMPLETE_PERFORMANCE, done, L.performed, self.pick(X.COMPLETE_NOTES))
                c.changes += 1
        if c.state is S.PERFORMED and R() < 0.3:
            on = c.last_state or reg
            due = on + timedelta(days=self.between(15, 30))
            if on <= today:
                fu = self._schedule(st, "ROUTINE", on, due, X.ROUTINE_NOTE)
                done = due + timedelta(days=self.between(0, 3))
                if done <= today and ((today - done).days > 30 or R() < 0.8):
                    result = self.pick(("SATISFIED",) * 8 + ("UNREACHABLE", "RECURRED"))
                    self._follow_done(st, fu, done, result, self.pick(X.FOLLOW_NOTES[result]))
        if hard and c.accepted_on is not None:
            self._stability(c, partial(self._follow_done, st), partial(self._schedule, st))
        st.judicial = judicial

    def _archive(self, st: _Story) -> None:
        """归档, some time after the last entry, once nothing is left open."""
        rng = self.rng
        R = rng.random
        L = self.L
        today = self.today
        c = st.c
        judicial = st.judicial
        reg = st.reg
        if (c.state in rules.ARCHIVABLE and all(f[5] is not None for f in c.follow_ups)
                and judicial != "APPLIED"):
            on = (c.last or reg) + timedelta(days=self.between(3, 40))
            if on <= today and R() < 0.93:
                c.move(A.ARCHIVE, on, L.archived)
                c.changes += 1

    def _rows(self, st: _Story) -> None:
        """The case's rows (case, parties, timeline, agreement, obligations, 回访) and its
        search-index entry, with the fields the services derive (nearest due date...)."""
        rng = self.rng
        R = rng.random
        w = self.w
        today = self.today
        n = st.n
        c = st.c
        dtype = st.dtype
        group = st.group
        is_pet = st.is_pet
        scen = st.scen
        reg = st.reg
        source = st.source
        agreement_form = st.agreement_form
        agreement_on = st.agreement_on
        agreement_amount = st.agreement_amount
        judicial = st.judicial
        hard = st.hard
        resolve_by = st.resolve_by
        pet_received = st.pet_received
        op = st.op
        parties = st.parties
        village = st.village
        mediator_for_case = st.mediator_for_case
        facts = st.facts
        requests = st.requests
        persons = st.persons
        claim = st.claim
        risk = st.risk
        lead = st.lead
        resp_person = st.resp_person
        stabilising = st.stabilising
        pet_channel = st.pet_channel
        # flags known once the case has ended
        prevented_criminal = (c.outcome == "AGREEMENT" and dtype in (
            "DAMAGES", "NEIGHBOUR", "MARRIAGE_FAMILY", "HOUSE_HOMESTEAD") and R() < 0.06)
        prevented_petition = (c.outcome == "AGREEMENT" and (group or is_pet or scen.risky)
                              and R() < 0.35)

        # derived fields, as services._refresh computes them --------------------------------
        facts_rules = rules.CaseFacts(
            state=c.state, registered_on=reg, source=CaseSource[source],
            accepted_on=c.accepted_on, deadline_on=c.deadline_on, extension_count=c.ext,
            notice_on=c.notice_on, session_count=c.sessions, agreement_form=agreement_form,
            agreement_effective_on=agreement_on, agreement_amount_fen=agreement_amount,
            judicial_status=JudicialResult[judicial] if judicial else None,
            obligations=tuple(rules.ObligationFacts(o[0], o[4], o[6], o[5]) for o in c.obligations),
            follow_ups=tuple(rules.FollowUpFacts(f[0], f[4], f[5]) for f in c.follow_ups),
            is_hard=hard, resolve_by=resolve_by, petition_received_on=pet_received,
            petition_extended=c.pet_ext,
        )
        due_on, due_kind = checks.nearest_due(facts_rules, today)

        # rows ---------------------------------------------------------------------------------
        year = reg.year
        seq = self.seqs.get(year, 0) + 1
        self.seqs[year] = seq
        case_no = format_case_no(year, w.short, seq)
        if self.first_no is None:
            self.first_no = case_no
        self.last_no = case_no
        case_id = self.uid()
        owner = w.office_code
        base = 30 + int(R() * 90)  # minutes after 00:00 UTC: 08:30-10:00 at the office
        suffix = f"{int(R() * 60):02d}.{rng.getrandbits(20) % 1_000_000:06d}"
        c.events.sort(key=_first)
        ev_rows = self.out["case_event"]
        stamps = []
        uid = self.ids
        for i, e in enumerate(c.events):
            stamp = _stamp(e[0], base + i * 2, suffix)
            stamps.append(stamp)
            ev_rows.append((uid(), stamp, case_id, e[1], _iso(e[0]),
                            e[2], e[3], e[4], e[5], e[6], e[7], op))
        created, updated = stamps[0], stamps[-1]
        ptext = parties_text([(p[0], p[2]) for p in parties])
        rowid = self.rowid
        self.rowid += 1
        self.out["dispute_case"].append((
            rowid, case_id, owner, 1 + c.changes, created, updated, 0, None,
            year, seq, case_no, _NAMES[c.state], c.outcome, dtype, None, source,
            _iso(reg), _iso(c.accepted_on), _iso(c.notice_on), _iso(c.deadline_on), c.ext,
            _iso(c.concluded_on), _iso(c.archived_on),
            _iso(due_on), due_kind,
            village.code, mediator_for_case, facts, requests, persons, claim * 100,
            1 if persons >= 5 else 0, risk, 1 if hard else 0, lead, resp_person,
            _iso(resolve_by), stabilising, 1 if prevented_criminal else 0,
            1 if prevented_petition else 0, pet_channel, _iso(pet_received),
            1 if c.pet_ext else 0, c.refusal, c.routes, c.transfer_to, None, None, c.withdraw,
            f"demo:{n}", None, ptext,
            _iso(c.remediated_on), "NON_PERFORMANCE" if c.remediated_on else None,
        ))
        party_rows = self.out["party"]
        names: list[str] = []
        numbers: list[str] = []
        for pos, p in enumerate(parties):
            role, kind, name, idno, gender, birth, eth, phone, addr, org_code, rep = p
            party_rows.append((self.uid(), created, case_id, pos, role,
                               kind, name, idno, gender, _iso(birth), eth, phone, addr, org_code,
                               rep))
            names.append(name)
            if idno:
                numbers.append(idno)
            if phone:
                numbers.append(phone)
        if c.agreement is not None:
            ag = c.agreement
            ag_created = _stamp(ag[2], base + 1, suffix)
            self.out["agreement"].append((
                ag[0], owner, ag[14], ag_created, _stamp(ag[15], base + 3, suffix), 0, None,
                case_id, ag[1], _iso(ag[2]), ag[3], ag[4], ag[5], ag[6], ag[7], _iso(ag[8]),
                ag[9], _iso(ag[10]), _iso(ag[12]), ag[11], ag[13]))
            for o in c.obligations:
                done = o[6]
                self.out["obligation"].append((
                    o[0], owner, 2 if done else 1, ag_created,
                    _stamp(done, base + 3, suffix) if done else ag_created, 0, None,
                    ag[0], case_id, o[1], o[2], o[3], _iso(o[4]), o[5], _iso(done), o[7],
                    o[5] if done else 0))
        for f in c.follow_ups:
            made = _stamp(f[8], base + 1, suffix)
            self.out["follow_up"].append((
                f[0], owner, 2 if f[5] else 1, made,
                _stamp(f[5], base + 3, suffix) if f[5] else made, 0, None, case_id, f[1], f[2],
                f[3], _iso(f[4]), _iso(f[5]), f[6], f[7], op))
        body, terms = bulk.index_entry(case_no, names, numbers, facts, requests,
                                       initials=_initials)
        self.fts.append((rowid, body))
        self.terms.extend([(term, rowid) for term in terms])

    # --- parts of the story ---

    def _transfer(self, c: _Case, d: date) -> None:
        to, reason = self.pick(X.TRANSFERS)
        to = to.format(cw=self.w.county_word)
        reason = reason.format(cw=self.w.county_word)
        c.transfer_to = to
        summary = self.L.transferred(to)
        c.move(A.TRANSFER, d, summary, reason)
        c.event("TRANSFER", d, summary, reason)
        c.changes += 1

    def _mediate(self, c: _Case, reg: date, scen: X.Scenario, dtype: str, is_pet: bool,
                 hard: bool, claim: int, session: Callable[[date, str], None],
                 conclude_agreement: Callable[[date, bool], None], fill: dict[str, Any]) -> None:
        R = self.rng.random
        today = self.today
        L = self.L
        # 简易程序: registered, accepted, told and agreed the same day (services.quick_oral_case)
        if scen.quick and not is_pet and not hard and R() < 0.35:
            c.move(A.ACCEPT, reg, L.accepted)
            c.notice_on = reg
            c.event("NOTICE", reg, L.notice)
            c.move(A.NOTICE, reg)
            conclude_agreement(reg, True)
            c.changes -= 1  # one service call in all: the case stays at revision 1
            return
        a = reg + timedelta(days=self.pick((0, 0, 0, 1, 1, 2, 3)))
        if a > today:
            return
        c.move(A.ACCEPT, a, L.accepted)
        c.changes += 1
        n = a + timedelta(days=self.pick((0, 0, 1, 1, 2, 3)))
        if n > today:
            return
        c.notice_on = n
        c.event("NOTICE", n, L.notice, self.pick(X.NOTICE_NOTES))
        c.move(A.NOTICE, n)
        c.changes += 1
        u = R()
        days = (self.between(0, 7) if u < 0.45 else self.between(8, 20) if u < 0.75
                else self.between(21, 31) if u < 0.9 else self.between(32, 55) if u < 0.97
                else self.between(56, 120))
        if hard:
            days += self.between(20, 60)
        end = max(n, a + timedelta(days=days))
        # 延期 with both parties' consent, a few days before the one-month target
        for _ in range(2):
            assert c.deadline_on is not None
            if end > c.deadline_on and R() < (0.65 if c.ext == 0 else 0.35):
                on = max(n, c.deadline_on - timedelta(days=self.between(0, 5)))
                if on > today:
                    break
                new = c.deadline_on + timedelta(days=self.between(15, 30))
                c.event("EXTENSION", on, L.extended(new),
                        self.pick(X.EXTENSION_CONSENT).format(a=fill["a"], b=fill["b"],
                                                              date=cn_date(new)))
                c.deadline_on = new
                c.ext += 1
                if is_pet:
                    c.pet_ext = True
                c.changes += 1
            else:
                break
        concluded = end <= today
        last = end if concluded else today
        count = 1 + (days > 5) + (days > 15) + (R() < 0.3) + (2 if hard else 0)
        span = (last - n).days
        dates = sorted(n + timedelta(days=int(R() * (span + 1))) for _ in range(count - 1))
        if concluded:
            dates.append(end)
        elif not dates:
            dates.append(n)
        u = R()
        if hard or scen.risky:
            outcome = "agree" if u < 0.66 else "fail" if u < 0.82 else "transfer" if u < 0.95 else "withdraw"
        else:
            outcome = "agree" if u < 0.84 else "fail" if u < 0.92 else "transfer" if u < 0.96 else "withdraw"
        for i, d in enumerate(dates):
            final = concluded and i == len(dates) - 1
            session(d, ("agree" if outcome == "agree" else "fail") if final else "more")
        if not concluded:
            return
        if outcome == "agree":
            conclude_agreement(end, False)
        elif outcome == "fail":
            reason = scen.fail.format_map(fill)
            c.routes = ",".join(scen.routes)
            c.move(A.TERMINATE, end, L.terminated, reason + "\n" + L.routes_told(scen.routes))
            c.changes += 1
        elif outcome == "transfer":
            self._transfer(c, end)
        else:
            c.withdraw = self.pick(X.WITHDRAWALS)
            c.move(A.WITHDRAW, end, L.withdrawn, c.withdraw)
            c.changes += 1

    def _performance(self, c: _Case, a_name: str, perform: Callable[[list[Any], date], None],
                     follow_done: Callable[[list[Any], date, str, str], None],
                     fill: dict[str, Any]) -> None:
        """Instalments paid on time, or missed → 未履行 → 督促 → paid late / 告知起诉 / 重新调解."""
        R = self.rng.random
        today = self.today
        L = self.L
        obs = c.obligations
        fus = {f[1]: f for f in c.follow_ups if f[1]}
        assert c.agreement is not None
        start = c.agreement[2]
        missed_at = None
        if R() < 0.22:
            eligible = [i for i, o in enumerate(obs) if o[4] + D1 <= today]
            if eligible:
                missed_at = self.pick(eligible)
        prev = start

        def on_time(o: list[Any]) -> None:
            nonlocal prev
            p = max(prev, start, o[4] - timedelta(days=self.between(0, 3)))
            if p > today:
                return
            prev = p
            perform(o, p)

        def visit(o: list[Any], *, miss_ok: bool = False) -> None:
            fu = fus[o[0]]
            if fu[5] is not None:
                return
            due = o[4]
            performed = o[6]
            done = max(due, performed or due) + timedelta(days=self.pick((0, 0, 1, 2, 3)))
            # a few recent visits are still to be made (overdue 回访 on the agenda)
            if done > today or ((today - done).days < 45 and R() < 0.12):
                return
            if performed is not None and performed <= done:
                result = "PERFORMED" if R() < 0.8 else "SATISFIED"
            elif miss_ok or c.state is not S.PERFORMING:
                result = "NOT_PERFORMED"
            else:
                return
            follow_done(fu, done, result, self.pick(X.FOLLOW_NOTES[result]).format(obligor=o[2]))

        if missed_at is None:
            for o in obs:
                on_time(o)
            for o in sorted(obs, key=lambda o: o[4]):
                visit(o)
            return
        for o in obs[:missed_at]:
            on_time(o)
        for o in obs[:missed_at]:
            if o[6] is not None:
                visit(o)
        late = obs[missed_at]
        fu = fus[late[0]]
        m = late[4] + timedelta(days=self.pick((0, 1, 2, 3)))
        if m <= today and R() < 0.6 and m >= (c.last_state or start):
            follow_done(fu, m, "NOT_PERFORMED",
                        self.pick(X.FOLLOW_NOTES["NOT_PERFORMED"]).format(obligor=late[2]))
        else:
            m = max(late[4] + D1, c.last_state or start)
            if m > today:
                return
            c.move(A.MISS, m, L.missed)  # the daily sweep (services.sweep_missed_instalments)
        if c.state is not S.UNPERFORMED:  # pragma: no cover - guard
            return
        u_day = m + timedelta(days=self.between(1, 7))
        if u_day > today or R() > 0.75:
            return
        c.move(A.URGE, u_day, L.urged, self.pick(X.URGE_NOTES).format(obligor=late[2]))
        c.changes += 1
        u = R()
        if u < 0.55:
            prev_day = u_day + timedelta(days=self.between(2, 15))
            if prev_day > today:
                return
            perform(late, prev_day)
            for o in obs[missed_at + 1:]:
                p = max(prev_day, o[4] - timedelta(days=self.between(0, 3)))
                if p > today:
                    break
                prev_day = p
                perform(o, p)
            for o in obs[missed_at:]:
                if o[6] is not None:
                    visit(o)
            return
        if u < 0.8:
            d = u_day + timedelta(days=self.between(7, 30))
            if d > today:
                return
            c.routes = "LITIGATION"
            c.move(A.ADVISE_SUIT, d, L.suit, self.pick(X.SUIT_NOTES).format(obligor=late[2], a=a_name))
            c.changes += 1
            note = X.SUIT_NOTES[0].format(obligor=late[2], a=a_name)
        else:
            d = u_day + timedelta(days=self.between(3, 15))
            if d > today:
                return
            c.move(A.REMEDIATE, d, L.remediate, self.pick(X.REMEDIATE_NOTES).format(obligor=late[2]))
            c.changes += 1
            note = X.REMEDIATE_NOTES[0]
        for o in obs:
            f = fus[o[0]]
            if f[5] is None:
                follow_done(f, d, "PERFORMED" if o[6] else "NOT_PERFORMED", note)
        if c.state is S.MEDIATING:
            end = d + timedelta(days=self.between(5, 25))
            if end <= today and R() < 0.6:
                c.routes = "LITIGATION"
                c.move(A.TERMINATE, end, L.terminated,
                       X.REMEDIATE_FAIL.format(obligor=late[2]) + "\n"
                       + L.routes_told(("LITIGATION",)))
                c.changes += 1

    def _stability(self, c: _Case, follow_done: Callable[..., None],
                   schedule: Callable[[str, date, date, str], list[Any]]) -> None:
        """稳控回访 every 10–15 days from acceptance while a hard case is open."""
        today = self.today
        assert c.accepted_on is not None
        on = c.accepted_on
        stop = c.concluded_on or today
        while on <= today and on <= stop:
            due = on + timedelta(days=self.between(10, 15))
            if c.concluded_on is not None and due > c.concluded_on:
                break  # no more 稳控 visits once the case has ended
            fu = schedule("STABILITY", on, due, X.STABILITY_NOTE)
            done = due + timedelta(days=self.between(0, 2))
            if done > today or (c.concluded_on is None and self.rng.random() < 0.08):
                break
            follow_done(fu, done, "SATISFIED", self.pick(X.FOLLOW_NOTES["SATISFIED"]))
            on = done

    def take(self) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[int, str]],
                            list[tuple[str, int]]]:
        out, fts, terms = self.out, self.fts, self.terms
        self.out = {k: [] for k in TABLES}
        self.fts, self.terms = [], []
        return out, fts, terms


# --- the world ---------------------------------------------------------------------------


def _setup_world(raw: Any, rng: random.Random, today: date, gen_name: Callable[[bool], str],
                 mobile: Callable[[], str], uid: _Ids) -> tuple[_World, dict[str, int]]:
    """Use the office, villages and mediators already in the database; create what is missing."""
    created = {"office": 0, "village": 0, "mediator": 0}
    made_on = today - timedelta(days=400)

    def stamp(k: int) -> str:
        return _stamp(made_on, 30 + k, "00.000000")

    uid.at(made_on)
    code_row = raw.execute("SELECT value FROM setting WHERE key = 'office_code'").fetchone()
    if code_row is None:
        code, name, short = X.OFFICE_CODE, X.OFFICE_NAME, X.OFFICE_SHORT
        raw.execute(_insert_sql("office"), (uid(), code, 1, stamp(0), stamp(0), 0, None, code,
                                            name, short, None))
        raw.execute("INSERT INTO setting (key, value) VALUES ('office_code', ?)", (code,))
        created["office"] = 1
    else:
        code = code_row[0]
        row = raw.execute("SELECT name, short_name FROM office WHERE code = ? AND deleted = 0",
                          (code,)).fetchone()
        if row is None:
            raise DomainError(t("svc.no_office"))
        name, short = row
    demo_office = code.startswith("330106")
    prefix9 = _township_prefix(code)
    villages_rows = raw.execute(
        "SELECT code, name FROM village WHERE deleted = 0 ORDER BY code").fetchall()
    villages: list[_Village] = []
    weights: list[float] = []
    if not villages_rows:
        rows = []
        for k, (part, vname, weight) in enumerate(X.VILLAGES, start=1):
            vcode = prefix9 + part
            rows.append((uid(), code, 1, stamp(k), stamp(k), 0, None, vcode, vname))
            villages.append(_Village(vcode, vname, part.startswith("0"), ""))
            weights.append(weight)
        raw.executemany(_insert_sql("village"), rows)
        created["village"] = len(rows)
    else:
        for vcode, vname in villages_rows:
            villages.append(_Village(vcode, vname, vname.endswith("社区") or vcode[9:10] == "0", ""))
            weights.append(1.0)
    town = _town_name(name)
    for v in villages:
        v.cadre = gen_name(rng.random() < 0.7)
        v.prefix = f"{town}{v.name}"
        v.places = (f"{name}调解室", f"{name}调解室",
                    f"{v.name}{'居' if v.community else '村'}委会调解室", f"{town}综治中心")
    mediators = raw.execute("SELECT id, name, title FROM mediator WHERE deleted = 0 AND active = 1 "
                            "ORDER BY name, id").fetchall()
    med_weights: list[float] = []
    if not mediators:
        rows = []
        mediators = []
        for k, title in enumerate(X.MEDIATOR_TITLES, start=20):
            mid, mname = uid(), gen_name(rng.random() < 0.6)
            rows.append((mid, code, 1, stamp(k), stamp(k), 0, None, mname, mobile(), title, 1))
            mediators.append((mid, mname, title))
        raw.executemany(_insert_sql("mediator"), rows)
        created["mediator"] = len(rows)
    for _mid, _mname, title in mediators:
        med_weights.append(2.0 if title and "专职" in title else 1.0)
    leaders = [f"{gen_name(rng.random() < 0.7)}({title})" for title in X.LEADER_TITLES]
    county_word = "区" if demo_office else "县"
    world = _World(
        office_code=code, office_name=name, short=short, town=_town_name(name),
        area6=(code + "00")[:6] if len(code) < 6 else code[:6], county_word=county_word,
        court="杭州市西湖区人民法院" if demo_office else f"{county_word}人民法院",
        court_prefix=f"{X.PROVINCE_SHORT.get(code[:2], '')}{code[2:6]}",
        city="杭州" if code.startswith("3301") else "",
        phone_area="0571" if code.startswith("3301") else "",
        villages=villages, village_pick=_Weighted(villages, weights),
        mediators=[(m[0], m[1]) for m in mediators],
        mediator_pick=_Weighted([(m[0], m[1]) for m in mediators], med_weights),
        leaders=leaders,
    )
    return world, created


def _registration_dates(rng: random.Random, today: date, count: int) -> list[date]:
    """Spread over the year ending today; fewer on weekends (offices are closed)."""
    out = []
    for _ in range(count):
        while True:
            d = today - timedelta(days=int(rng.random() * 365))
            if d.weekday() < 5 or rng.random() < 0.35:
                break
        out.append(d)
    out.sort()
    return out


@dataclass
class _Plan:
    """Everything the case generator needs, picklable so a child process can run it."""

    rng_state: Any
    id_clock: int
    today: date
    world: _World
    operator: str
    language: str
    next_rowid: int
    seqs: dict[int, int]
    cases: int
    chunk: int


#: one chunk: (cases done, rows per table, fts rows, term rows, first case number, last one)
Chunk = tuple[int, dict[str, list[tuple[Any, ...]]], list[tuple[int, str]],
              list[tuple[str, int]], "str | None", "str | None"]


def _chunks(plan: _Plan) -> Iterator[Chunk]:
    """Play every case of the plan; yields the rows chunk by chunk (same rows wherever run)."""
    from mediator.i18n import set_language

    set_language(plan.language)
    rng = random.Random()
    rng.setstate(plan.rng_state)
    gen = _Generator(rng, plan.today, plan.operator)
    gen.ids.clock = plan.id_clock
    gen.w = plan.world
    gen.rowid = plan.next_rowid
    gen.seqs = dict(plan.seqs)
    dates = _registration_dates(rng, plan.today, plan.cases)
    for lo in range(0, plan.cases, plan.chunk):
        hi = min(lo + plan.chunk, plan.cases)
        for i in range(lo, hi):
            gen.case(i + 1, dates[i])
        out, fts, terms = gen.take()
        yield hi, out, fts, terms, gen.first_no, gen.last_no


def _child_main(conn: Any, plan: _Plan) -> None:  # pragma: no cover - runs in a child process
    """Generate in a child process and stream marshalled chunks: the parent only inserts."""
    import marshal
    import traceback

    gc.disable()  # millions of long-lived tuples: the cyclic GC would only rescan them
    try:
        for item in _chunks(plan):
            conn.send_bytes(marshal.dumps(("chunk", item)))
        conn.send_bytes(marshal.dumps(("end", None)))
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        pass
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        try:
            conn.send_bytes(marshal.dumps(("error", traceback.format_exc())))
        except OSError:
            pass
    finally:
        conn.close()


def _in_child(plan: _Plan) -> Iterator[Chunk]:
    """Run :func:`_chunks` in a spawned process: building rows is pure Python and holds the
    GIL, and a thread would stall every row SQLite inserts here (each ``sqlite3_step``
    releases the GIL and then waits out the switch interval to get it back). "spawn" works
    the same on Windows and never forks a process that has threads."""
    import marshal
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(sender, plan), name="mediator-demo",
                       daemon=True)
    proc.start()
    sender.close()
    try:
        while True:
            try:
                kind, item = marshal.loads(receiver.recv_bytes())
            except EOFError:
                raise RuntimeError("demo generator process ended unexpectedly") from None
            if kind == "end":
                return
            if kind == "error":
                raise RuntimeError(f"demo generator failed:\n{item}")
            yield item
    finally:
        receiver.close()
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
            proc.join()


#: below this many cases the generator runs in-process (starting Python again costs ~1 s)
PROCESS_THRESHOLD = 10_000


def generate(db: Database, cases: int = 2000, seed: int = 1, *, today: date | None = None,
             operator: str | None = None, progress: ProgressFn | None = None,
             chunk: int = CHUNK, parallel: bool | None = None) -> DemoResult:
    """Fill ``db`` with ``cases`` synthetic cases registered during the year before ``today``.

    Creates the demo office (青石镇人民调解委员会, 330106001), its villages and mediators when the
    database has no office; uses the existing ones otherwise. Raises DomainError for a database
    that holds real cases or demo cases already (see the module docstring). ``parallel``
    builds the rows in a child process (default: from ``PROCESS_THRESHOLD`` cases on; a
    script calling this needs the usual ``if __name__ == "__main__":`` guard then); the rows
    are the same either way. ``progress(done, total)`` is called after each chunk.
    """
    if cases < 0 or cases > MAX_CASES:
        raise ValidationError(t("demo.bad_count", max=MAX_CASES), "cases")
    started = time.perf_counter()
    today = today or date.today()
    operator = operator or t("demo.operator")
    if parallel is None:
        parallel = cases >= PROCESS_THRESHOLD
    gc_was_enabled = gc.isenabled()
    timings: dict[str, float] = {}
    # One connection, one BEGIN IMMEDIATE transaction: an interrupted run leaves nothing.
    # Foreign keys are switched off for this connection while loading (the pragma only
    # takes effect outside a transaction) and restored before it goes back to the pool; the
    # rows are inserted parents first and the tests run PRAGMA foreign_key_check.
    # If no other connection has the file open, the load runs in rollback-journal mode: pages
    # added to the file need no journal, so the data is written once instead of into the WAL
    # and then again by the checkpoint (still atomic: a crash truncates the file back).
    db.engine.dispose()  # idle pooled connections would keep the file in WAL mode
    with db.engine.execution_options(mediator_write=True).connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        foreign_keys = raw.execute("PRAGMA foreign_keys").fetchone()[0]
        cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
        journal = _leave_wal(raw)
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("PRAGMA cache_size = -262144")  # 256 MB while bulk loading: fewer spills
        gc.disable()  # millions of long-lived tuples: the cyclic GC would only rescan them
        try:
            with conn.begin() as transaction, Session(bind=conn) as session:
                world, first_no, last_no, rows = _load(
                    session, raw, db, cases, seed, today, operator, progress, chunk, parallel,
                    timings)
                mark = time.perf_counter()
                transaction.commit()
                timings["commit"] = time.perf_counter() - mark
        finally:
            if gc_was_enabled:
                gc.enable()
            raw.execute(f"PRAGMA cache_size = {int(cache_size)}")
            raw.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            if journal == "delete":
                raw.execute("PRAGMA journal_mode = WAL")
    mark = time.perf_counter()
    if journal != "delete":
        _checkpoint(db)
    timings["checkpoint"] = time.perf_counter() - mark
    return DemoResult(cases=cases, seconds=time.perf_counter() - started,
                      office_code=world.office_code, first_case_no=first_no,
                      last_case_no=last_no, rows=rows, timings=timings)


#: tables whose secondary indexes are dropped while loading and rebuilt after (sorting once
#: is cheaper than keeping ~30 indexes up to date row by row; measured ~25 % of the load)
_REBUILT = TABLES + ("case_term",)


def _load(s: Session, raw: Any, db: Database, cases: int, seed: int, today: date,
          operator: str, progress: ProgressFn | None, chunk: int, parallel: bool,
          timings: dict[str, float]) -> tuple[_World, str | None, str | None, dict[str, int]]:
    """Everything inside the one transaction: checks, office, cases, search index, audit."""
    mark = time.perf_counter()
    real = queries.real_case_count(s)
    if real:
        raise DomainError(t("demo.real_cases", n=real))
    existing = int(s.exec(text(  # type: ignore[call-overload]
        "SELECT count(*) FROM dispute_case WHERE deleted = 0 AND import_key LIKE 'demo:%'"
    )).scalar_one())
    if existing:
        raise DomainError(t("demo.has_demo", n=existing, path=str(db.path)))
    rng = random.Random(seed)
    rows: dict[str, int] = {}
    first_no = last_no = None
    gen = _Generator(rng, today, operator)
    world, made = _setup_world(raw, rng, today, gen.name, gen.mobile, gen.ids)
    rows.update(made)
    plan = _Plan(
        rng_state=rng.getstate(), id_clock=gen.ids.clock, today=today, world=world,
        operator=operator, language=get_language(),
        next_rowid=raw.execute("SELECT coalesce(max(rowid), 0) + 1 FROM dispute_case").fetchone()[0],
        seqs=dict(raw.execute(
            "SELECT year, max(seq) FROM dispute_case WHERE owner_code = ? GROUP BY year",
            (world.office_code,)).fetchall()),
        cases=cases, chunk=max(1, chunk))
    indexes: list[tuple[str, str]] = []
    if cases:
        marks = ", ".join("?" * len(_REBUILT))
        indexes = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name", _REBUILT).fetchall()
        for name, _sql in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        # FTS5 flushes its pending terms to a new segment every `hashsize` bytes (1 MB) and
        # merges segments as it goes; for one big load, flush rarely and merge once at the
        # end (about a quarter less work). Both options are set back to their defaults.
        for ix in ("case_fts", "case_bigram"):
            raw.execute(f"INSERT INTO {ix} ({ix}, rank) VALUES ('hashsize', {64 << 20})")
            raw.execute(f"INSERT INTO {ix} ({ix}, rank) VALUES ('automerge', 0)")
    sql = {table: _insert_sql(table, world.office_code) for table in TABLES}
    timings["setup"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if progress:
        progress(0, cases)
    stream = _in_child(plan) if parallel and cases else _chunks(plan)
    for done, out, fts, terms, first, last in stream:
        for table in TABLES:
            if out[table]:
                raw.executemany(sql[table], out[table])
                rows[table] = rows.get(table, 0) + len(out[table])
        bulk.write_index(raw, fts, terms)
        first_no, last_no = first_no or first, last
        if progress:
            progress(done, cases)
    timings["load"] = time.perf_counter() - mark
    # a year of 排查 and the 激化风险 behind the demo's 防止… claims (issue 24)
    from mediator.demo.screening import add_screening

    rows.update(add_screening(raw, world.office_code, [(v.code, v.name) for v in world.villages],
                              today, random.Random(seed * 7919 + 24), operator,
                              f"{world.town}派出所"))
    # 信访 records for the petition cases, and a few referrals (issue 25)
    from mediator.demo.petitions import add_petitions

    rows.update(add_petitions(raw, world.office_code, world.town,
                              random.Random(seed * 7919 + 25)))
    mark = time.perf_counter()
    for _name, index_sql in indexes:
        raw.execute(index_sql)
    if cases:
        for ix in ("case_fts", "case_bigram"):
            raw.execute(f"INSERT INTO {ix} ({ix}, rank) VALUES ('hashsize', {1 << 20})")
            raw.execute(f"INSERT INTO {ix} ({ix}, rank) VALUES ('automerge', 4)")
            raw.execute(f"INSERT INTO {ix} ({ix}, rank) VALUES ('merge', 500)")
    timings["indexes"] = time.perf_counter() - mark
    # the dated facts of every case, from the state entries rules.apply gave them (as the
    # ledger import does)
    mark = time.perf_counter()
    case_facts.derive(raw, stable=True)
    timings["facts"] = time.perf_counter() - mark
    started = audit.start_seq(s)
    audit.append(s, operator, "demo.generate", "database", None, None, {
        "cases": cases, "seed": seed, "today": today.isoformat(),
        "office_code": world.office_code, "first_case_no": first_no,
        "last_case_no": last_no, "rows": rows,
    })
    # every row loaded gets its digest, and the entry the sum (not through Database.write)
    mark = time.perf_counter()
    audit.settle(s, started)
    timings["digests"] = time.perf_counter() - mark
    return world, first_no, last_no, rows


def _leave_wal(raw: Any) -> str:
    """Switch this connection's file to rollback-journal mode if nobody else has it open;
    returns the journal mode in force ('wal' when another connection keeps it)."""
    import sqlite3

    timeout = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute("PRAGMA busy_timeout = 0")  # don't wait for the others: just keep WAL then
    try:
        return str(raw.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    except sqlite3.OperationalError:
        return "wal"
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _checkpoint(db: Database) -> None:
    """Fold the (large) write-ahead log into the file and truncate it."""
    con = db.engine.raw_connection()
    try:
        con.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        con.close()


__all__ = ["DemoResult", "cn_date", "generate", "uscc", "uscc_valid"]
