"""One- and two-character words of the facts (issue 18, item 6): the trigram index needs three
characters, so 围墙 and 噪音 found nothing; the character-pair index (migration 0008) serves
them, stays in step with edits and deletions, and is built for files made before it."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from schema_history import rewind_before

from mediator.core import queries
from mediator.core.db import open_database
from mediator.core.queries import CaseFilter
from mediator.core.search import bigram_doc, pair_term

TODAY = date(2026, 11, 23)


def _ids(svc, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.id for r in svc.list_cases(CaseFilter(query=query), limit=500).rows}


def test_two_character_fact_words_are_found_and_counted(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    wall = make_case(days_ago=3, facts="邻居砌的围墙倒塌，砸坏了自家的菜园")
    noise = make_case(days_ago=2, facts="楼上装修噪音太大，晚上十一点还在施工")
    both = make_case(days_ago=1, facts="噪音扰民，又在围墙外堆放杂物")
    assert _ids(svc, "围墙") == {wall.id, both.id}
    assert _ids(svc, "噪音") == {noise.id, both.id}
    assert _ids(svc, "围墙 噪音") == {both.id}
    assert _ids(svc, "围墙 ， 噪音") == {both.id}  # a comma alone is no word
    assert svc.count_cases(CaseFilter(query="围墙")) == 2
    assert svc.count_cases(CaseFilter(query="噪音")) == 2
    assert _ids(svc, "菜") == {wall.id}  # one character
    assert _ids(svc, "墙倒") == {wall.id}
    assert _ids(svc, "倒墙") == set()  # the pair in this order only
    assert _ids(svc, "园砸") == set()  # never across the end of the text
    # names and their initials still found by two characters
    assert _ids(svc, "张三") == {wall.id, noise.id, both.id}
    assert _ids(svc, "zs") == {wall.id, noise.id, both.id}


def test_common_and_rare_short_words_give_the_same_pages(svc, make_case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made = [make_case(days_ago=i % 4, facts="围墙漏水" if i % 3 else "工资拖欠")
            for i in range(9)]
    rare = [r.id for r in svc.list_cases(CaseFilter(query="漏水"), limit=500).rows]
    monkeypatch.setattr(queries, "common_term", lambda cases: 0)
    common = [r.id for r in svc.list_cases(CaseFilter(query="漏水"), limit=500).rows]
    assert rare == common and len(rare) == 6
    assert set(rare) == {c.id for i, c in enumerate(made) if i % 3}


def test_editing_and_deleting_keep_the_pair_index_in_step(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(facts="楼上漏水把天花板泡坏了")
    other = make_case(facts="也是漏水")
    svc.edit_case(case.id, facts="拖欠工资三个月")
    assert _ids(svc, "漏水") == {other.id}
    assert _ids(svc, "工资") == {case.id}
    assert svc.count_cases(CaseFilter(query="漏水")) == 1
    svc.delete_case(case.id, reason="重复登记")
    assert _ids(svc, "工资") == set()
    assert svc.count_cases(CaseFilter(query="工资")) == 0
    assert _ids(svc, "漏水") == {other.id}


def test_pair_terms_keep_every_character_whole() -> None:
    # punctuation, full-width and letters become plain ASCII terms the tokenizer keeps whole
    assert pair_term("围墙") == "56f4g5899"
    assert sorted(bigram_doc("A，b").split()) == ["61g", "61gff0c", "62g", "ff0cg", "ff0cg62"]
    assert sorted(bigram_doc("围墙 围墙").split()) == ["56f4g", "56f4g5899", "5899g"]


def test_files_made_before_the_pair_index_get_it_on_upgrade(svc, make_case, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = make_case(facts="围墙倒了")
    svc.db.close()
    # the file as the version before left it: no pair index, names and trigrams indexed
    con = sqlite3.connect(db_path)
    rewind_before(con, "search_bigram")
    con.commit()
    con.close()
    with open_database(db_path) as db, db.read() as s:
        page = queries.list_cases(s, CaseFilter(query="围墙"), today=TODAY)
        assert [r.id for r in page.rows] == [case.id]
        assert queries.count_cases(s, CaseFilter(query="张三"), today=TODAY) == 1
        assert queries.count_cases(s, CaseFilter(query="围墙倒了"), today=TODAY) == 1


def test_the_common_term_threshold_grows_with_the_cases() -> None:
    # reading the list in order walks ~ cases × page / matches rows; fetching costs ~ matches:
    # they meet near √(page × cases) / 2, never below the 600 measured at 100,000 cases
    assert [queries.common_term(n) for n in (0, 1_000, 100_000, 1_000_000, 4_000_000)] == \
        [600, 600, 1581, 5000, 10000]


def test_a_search_reads_the_file_size_from_the_end_of_the_table(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    made = [make_case(facts="围墙漏水") for _ in range(3)]
    with svc.db.read() as s:
        assert queries._case_rows(s) == 3
    svc.delete_case(made[0].id, "重复登记")
    with svc.db.read() as s:  # a deleted case stays as a tombstone: still counted
        assert queries._case_rows(s) == 3
