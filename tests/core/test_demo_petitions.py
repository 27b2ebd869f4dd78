"""The demo's 信访 records and referrals (issue 25): every petition case has its record, with
the clocks the generator already gave the case, and a few cases are referred by a body whose
kind matches the case's source."""

from __future__ import annotations

from datetime import date

import docx

from mediator.core import rules
from mediator.core.db import open_database
from mediator.core.enums import ReferralKind
from mediator.core.services import Services
from mediator.demo import generate
from mediator.documents.service import generate as generate_doc

TODAY = date(2026, 11, 23)


def test_the_demo_has_petition_records_and_referrals(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with open_database(tmp_path / "demo.db") as db:
        result = generate(db, cases=600, seed=5, today=TODAY, parallel=False)
        con = db.engine.raw_connection().driver_connection
        assert (result.rows["petition"], result.rows["referral"]) == (20, 30)
        # one record per petition case, taking the case's id, none for any other case
        assert con.execute(
            "SELECT id FROM dispute_case WHERE source = 'PETITION' ORDER BY case_no").fetchall() == \
            con.execute("SELECT p.case_id FROM petition p JOIN dispute_case c "
                        "ON c.id = p.case_id ORDER BY c.case_no").fetchall()
        assert con.execute("SELECT count(*) FROM petition WHERE id != case_id").fetchone() == (0,)
        assert con.execute("SELECT close_reason, count(*) FROM petition GROUP BY 1 "
                           "ORDER BY 1").fetchall() == [(None, 1), ("NOT_ACCEPTED", 1),
                                                        ("REPLIED", 18)]
        # closed exactly when the case concluded: by its written reply, or by the written
        # notice that it is not accepted
        assert con.execute(
            "SELECT count(*) FROM petition p JOIN dispute_case c ON c.id = p.case_id "
            "WHERE p.closed_on IS NOT coalesce(c.concluded_on, c.archived_on) "
            "OR (p.close_reason = 'REPLIED' AND (p.reply_on IS NOT p.closed_on "
            "OR p.reply_content IS NULL)) "
            "OR (p.close_reason = 'NOT_ACCEPTED' AND (p.notice_on IS NOT p.closed_on "
            "OR p.not_accepted != 1 OR p.reply_on IS NOT NULL)) "
            "OR (p.closed_on IS NOT NULL "
            "AND p.close_reason NOT IN ('REPLIED', 'NOT_ACCEPTED'))").fetchone() == (0,)
        # the case's nearest deadline is what the services compute with its petition record
        svc = Services(db, "王调解", today=lambda: TODAY)
        for cid, due, kind in con.execute(
                "SELECT id, next_due_on, next_due_kind FROM dispute_case "
                "WHERE source = 'PETITION'").fetchall():
            cf = svc.case_file(cid)
            assert cf.petition is not None
            nearest = rules.nearest_deadline(cf.deadlines)
            assert ((nearest.due.isoformat(), nearest.kind.name) if nearest else (None, None)) \
                == (due, kind)
        # referrals: kinds of the case's own source, never 诉前委派 (a limit of its own)
        referred = con.execute("SELECT source, referral_kind, referral_body, referral_no, "
                               "referral_on, registered_on FROM dispute_case "
                               "WHERE referral_kind IS NOT NULL").fetchall()
        assert len(referred) == 30
        for source, kind, body, number, on, registered in referred:
            assert ReferralKind(kind).source.name == source
            assert kind != "PRE_SUIT" and body and number and on <= registered
        # the written reply of a replied demo matter prints its content
        case_no, content = con.execute(
            "SELECT c.case_no, p.reply_content FROM petition p JOIN dispute_case c "
            "ON c.id = p.case_id WHERE p.reply_on IS NOT NULL ORDER BY c.case_no").fetchone()
        path = generate_doc(svc, "petition_reply", case_no, folder=tmp_path)
        assert docx.Document(str(path)).paragraphs[4].text == content
