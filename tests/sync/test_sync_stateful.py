"""A Hypothesis state machine over the whole upward sync.

Two townships create, edit, delete and pass up (移交) cases, take backups and restore them
(which makes forks); they and the county export packages; the county and the city import
packages picked at random from everything ever written for them, so packages arrive
shuffled, duplicated, replayed, or never. After every delivery the receiver must equal the
reference model: for every record, the highest revision among the packages it imported;
no record missing, none extra, no deleted record back; and when one revision came with
different contents (a fork), the held one is one of them and every other is stored in
``sync_conflict``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mediator.core.backup import copy_database
from mediator.core.errors import MediatorError
from mediator.sync.payload import TABLES, columns

from .conftest import clone

Version = tuple[int, tuple]          # (revision, content)
Rows = dict[tuple[str, str], Version]


def rows_of(db_path: Path, area: str) -> Rows:
    """What a package of this office carries: every row owned in its area."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        out: Rows = {}
        for table in TABLES:
            cols = columns()[table]
            for row in con.execute(f"SELECT {', '.join(cols)} FROM {table} "
                                   "WHERE substr(owner_code, 1, ?) = ?", (len(area), area)):
                data = dict(zip(cols, row))
                out[(table, data["id"])] = (data["revision"], tuple(row))
        return out
    finally:
        con.close()


def conflicts_of(db_path: Path) -> set[tuple[str, str, int, tuple]]:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        out = set()
        for table, row_id, rev, other in con.execute(
                "SELECT table_name, row_id, revision, other_json FROM sync_conflict "
                "WHERE kind = 'FORK'"):
            data = json.loads(other)
            out.add((table, row_id, rev, tuple(data[c] for c in columns()[table])))
        return out
    finally:
        con.close()


class SyncMachine(RuleBasedStateMachine):
    template: Path
    seen: ClassVar[Counter[str]] = Counter()   # what the runs went through, to prove they mean something

    @initialize()
    def setup(self) -> None:
        shm = Path("/dev/shm")   # fsync-free where available: the machine runs many commits
        self.tmp = Path(tempfile.mkdtemp(prefix="sync-sm-", dir=shm if shm.is_dir() else None))
        self.net = clone(self.template, self.tmp)
        self.towns = {"t1": self.net.t1, "t2": self.net.t2}
        self.cases: dict[str, list[str]] = {"t1": [], "t2": []}
        self.backups: dict[str, Path] = {}
        # packages written for each receiver: (path, rows it carries)
        self.sent: dict[str, list[tuple[Path, Rows]]] = {"county": [], "city": []}
        self.imported: dict[str, list[Rows]] = {"county": [], "city": []}
        self.n = 0
        # every run starts from offices with a little history already sent upward; t1 has
        # already lost its disk once, so a forked package is waiting to be delivered
        for town in ("t1", "t2"):
            self.cases[town] += self.towns[town].register(2, facts="初始")
            self.backup(town)
            self.export(town)
        self.towns["t1"].svc.edit_case(self.cases["t1"][0], facts="初版")
        self.export("t1")
        self._import("county", -1)
        self.lose_disk("t1", 0, "另一版")

    def teardown(self) -> None:
        self.net.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- townships ----------------------------------------------------------------------

    @rule(town=st.sampled_from(["t1", "t2"]), ops=st.lists(st.tuples(
        st.sampled_from(["create", "edit", "edit", "delete", "pass_up"]), st.integers(0, 50),
        st.text(alphabet="改事实甲乙丙", min_size=1, max_size=6)), min_size=1, max_size=4),
          then_export=st.booleans())
    def work(self, town: str, ops: list[tuple[str, int, str]], then_export: bool) -> None:
        """A clerk's session: register, edit, delete, pass cases up (移交/上报); then
        perhaps write the week's package."""
        o = self.towns[town]
        for kind, pick, text in ops:
            ids = self.cases[town]
            if kind == "create" or not ids:
                ids += o.register(1, facts=text)
                continue
            cid = ids[pick % len(ids)]
            if kind == "edit":
                self._try(lambda cid=cid, text=text: o.svc.edit_case(cid, facts=text))
            elif kind == "delete":
                self._try(lambda cid=cid: o.svc.delete_case(cid, "登记错误"))
            else:
                self._try(lambda cid=cid: o.svc.accept_case(cid))
                self._try(lambda cid=cid: o.svc.transfer_case(cid, "西湖区人民调解委员会",
                                                              "重大疑难"))
        if then_export:
            self.export(town)

    @rule(town=st.sampled_from(["t1", "t2"]))
    def backup(self, town: str) -> None:
        target = self.tmp / f"{town}-backup.db"
        copy_database(self.towns[town].db.path, target)
        self.backups[town] = target

    @rule(town=st.sampled_from(["t1", "t2"]), pick=st.integers(0, 50),
          text=st.text(alphabet="恢复后重录", min_size=1, max_size=4))
    def lose_disk(self, town: str, pick: int, text: str) -> None:
        """The disk dies: the township restores its last backup, types in again what it
        remembers and sends its package. Revision numbers now repeat with other content."""
        o = self.towns[town]
        o.db.close()
        # what `mediator restore` does, minus its checks and safety copies (tested elsewhere)
        for side in ("-wal", "-shm"):
            Path(str(o.paths.db) + side).unlink(missing_ok=True)
        shutil.copyfile(self.backups[town], o.paths.db)
        o.reopen()
        for cid in self.cases[town][pick % 3::2]:   # every other case, from a random start
            self._try(lambda cid=cid: o.svc.edit_case(cid, facts=text))
        self.export(town)

    @staticmethod
    def _try(action) -> None:  # type: ignore[no-untyped-def]
        try:
            action()
        except MediatorError:
            pass   # not allowed in the case's state, or gone after a restore

    # --- packages ----------------------------------------------------------------------

    @rule(who=st.sampled_from(["t1", "t2"]))
    def export(self, who: str) -> None:
        o = self.towns.get(who) or self.net.county
        self.n += 1
        rows = rows_of(o.db.path, o.code)
        result = o.sync.export(output=self.tmp / f"p{self.n:03d}-{who}.mdsync")
        self.sent["city" if who == "county" else "county"].append((result.path, rows))

    @precondition(lambda self: bool(self.sent["county"] or self.sent["city"]))
    @rule(receiver=st.sampled_from(["county", "county", "city"]), picks=st.lists(
        st.one_of(st.just(-1), st.integers(0, 200)), min_size=1, max_size=3))
    def deliver(self, receiver: str, picks: list[int]) -> None:
        """A stick arrives with one or more packages, old or new, maybe seen before."""
        if not self.sent[receiver]:
            receiver = "city" if receiver == "county" else "county"
        for pick in picks:
            self._import(receiver, pick)
        self.check(receiver)

    @rule(replay=st.none() | st.integers(0, 200))
    def county_reports_to_city(self, replay: int | None) -> None:
        """The county passes everything it holds up; the city imports it (and maybe an old
        county file again)."""
        self.export("county")
        self._import("city", -1)
        if replay is not None:
            self._import("city", replay)
        self.check("city")

    @precondition(lambda self: bool(self.sent["county"]))
    @rule(replay=st.none() | st.integers(0, 200))
    def deliver_this_week(self, replay: int | None) -> None:
        """The usual case: this week's newest package of each township reaches the county,
        sometimes with an old file that was still on the stick."""
        for town in ("t1", "t2"):
            newest = [i for i, (p, _) in enumerate(self.sent["county"]) if f"-{town}." in p.name]
            if newest:
                self._import("county", newest[-1])
        if replay is not None:
            self._import("county", replay)
        self.check("county")

    def _import(self, receiver: str, pick: int) -> None:
        path, rows = self.sent[receiver][pick % len(self.sent[receiver])]
        office = self.net.county if receiver == "county" else self.net.city
        (rep,) = office.sync.import_files([path])
        assert rep.ok, rep.message
        self.seen[f"{receiver} {rep.status}"] += 1
        for name in ("updated", "older", "conflicts"):
            if getattr(rep.counts, name):
                self.seen[f"{receiver} {name}"] += 1
        self.imported[receiver].append(rows)

    # --- the reference model -----------------------------------------------------------

    def check(self, receiver: str) -> None:
        office, area = ((self.net.county, "330106") if receiver == "county"
                        else (self.net.city, "3301"))
        if True:
            expected: dict[tuple[str, str], tuple[int, set[tuple]]] = {}
            for rows in self.imported[receiver]:
                for key, (rev, content) in rows.items():
                    held = expected.get(key)
                    if held is None or rev > held[0]:
                        expected[key] = (rev, {content})
                    elif rev == held[0]:
                        held[1].add(content)
            actual = {k: v for k, v in rows_of(office.db.path, area).items()
                      if v[1][1] != office.code}    # owner_code is the 2nd column
            assert set(actual) == set(expected), receiver
            forks = conflicts_of(office.db.path)
            for key, (rev, content) in actual.items():
                want_rev, contents = expected[key]
                assert rev == want_rev, (receiver, key)
                assert content in contents, (receiver, key)
                for other in contents - {content}:
                    assert (key[0], key[1], rev, other) in forks, (receiver, key, "fork lost")


def test_sync_state_machine(net_template) -> None:  # type: ignore[no-untyped-def]
    SyncMachine.template = net_template
    SyncMachine.seen = Counter()
    run_state_machine_as_test(SyncMachine, settings=settings(
        max_examples=10, stateful_step_count=25, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    seen = SyncMachine.seen
    print(dict(seen))
    for what in ("county imported", "county already", "county updated", "county older",
                 "county conflicts", "city imported"):
        assert seen[what] > 0, (what, dict(seen))
