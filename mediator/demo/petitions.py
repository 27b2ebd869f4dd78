"""The demo's 信访 records and referrals (issue 25).

Every petition-source case gets its petition record derived from the case exactly as
migration 0017 derives it for an existing database (received date and channel, the
mediation's acceptance as the petition's, 30 days more where it was extended, closed when
the case concluded), so the case's clocks and its denormalised nearest deadline stay what
the generator computed; the demo adds what a real record holds: the number and the
transferring body, the 首办责任人, and for a concluded case its written reply (or, for one
never accepted, the 不予受理 notice), fed back where it was 交办. A few court, police and
government cases are marked as referred (委托/移交) with the body's number and, once
concluded, the result told back to it. Kinds with a time limit of their own (诉前委派) are
left out, as they would change the mediation's deadline.

Plain INSERTs/UPDATEs inside the demo's one transaction; every choice comes from the seeded
RNG in case-number order, so the same seed gives the same rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

_BODIES = ("县信访局", "县人民政府信访局", "镇信访办", "县司法局")
_HANDLERS = ("李所长", "王主任", "赵调解员", "陈副所长")
_REPLIES = {
    "AGREEMENT": "经调解，双方当事人达成调解协议，你（们）反映的问题已得到解决，信访事项办结。",
    "TERMINATED": "经多次调解，双方未能达成协议，已告知你（们）可依法通过诉讼等途径解决。",
    "WITHDRAWN": "你（们）已撤回调解申请，信访事项办结。",
    "TRANSFERRED": "你（们）反映的问题已移送有权处理的机关依法处理。",
    "SUIT_ADVISED": "经调解未能解决，已告知你（们）依法向人民法院提起诉讼。",
}
_REPLY_OTHER = "你（们）反映的问题已依法处理，信访事项办结。"
_EVALUATIONS = ("SATISFIED", "SATISFIED", "SATISFIED", "BASIC", "UNSATISFIED")

#: case source -> (referral kind, referring body, number prefix); no 诉前委派 (its own limit)
_REFERRALS = {
    "COURT": (("IN_SUIT", "县人民法院", "（{y}）民委调"),),
    "POLICE": (("POLICE_110", "镇派出所", "派移〔{y}〕"),
               ("TRAFFIC_POLICE", "县交警大队", "交移〔{y}〕")),
    "GOVERNMENT": (("HOTLINE_12345", "县12345政务服务便民热线", "12345转〔{y}〕"),
                   ("CENTRE", "镇综治中心", "综分〔{y}〕")),
}
_REFERRAL_RESULTS = {
    "AGREEMENT": "双方达成调解协议，已履行或正在履行",
    "TERMINATED": "调解不成，已终止调解",
}

_PETITION_COLUMNS = (
    "id", "owner_code", "revision", "created_at", "updated_at", "deleted", "origin", "case_id",
    "petition_no", "from_body", "assigned", "channel", "received_on", "first_handler",
    "notice_on", "not_accepted", "accepted_on", "extension_days", "extended_on",
    "extension_approver", "extension_reason", "extension_told_on", "reply_on", "reply_content",
    "feedback_on", "feedback_note", "evaluation", "first_visit", "repeat_visit", "collective",
    "persons", "representatives", "closed_on", "close_reason")


def _stamp(day: str) -> str:
    return f"{day} 02:00:00.000000"


def add_petitions(raw: Any, office_code: str, town: str, rng: random.Random) -> dict[str, int]:
    """Petition records for the demo's petition cases, and a few referrals; returns the row
    counts (``petition``, and ``referral`` for the cases marked as referred)."""
    rows: list[tuple[Any, ...]] = []
    numbers: dict[str, int] = {}
    cases = raw.execute(
        "SELECT id, registered_on, petition_received_on, petition_channel, accepted_on, "
        "petition_extended, coalesce(concluded_on, archived_on), outcome, group_dispute, "
        "persons_involved FROM dispute_case WHERE owner_code = ? AND source = 'PETITION' "
        "AND petition_received_on IS NOT NULL AND deleted = 0 ORDER BY case_no",
        (office_code,)).fetchall()
    for (cid, _reg, received, channel, accepted, extended, closed, outcome, group,
         persons) in cases:
        year = received[:4]
        numbers[year] = numbers.get(year, 0) + 1
        number = f"{town[:2]}信转〔{year}〕{numbers[year]}号"
        body = rng.choice(_BODIES)
        assigned = rng.random() < 0.3
        handler = rng.choice(_HANDLERS)
        first_visit = rng.random() < 0.6
        ext_on = approver = ext_reason = told = None
        if extended and accepted:
            ext_on = (date.fromisoformat(accepted) + timedelta(days=55)).isoformat()
            approver, ext_reason, told = "镇分管领导", "案情复杂，需进一步调查核实", ext_on
        reply_on = reply = feedback_on = feedback = evaluation = close_reason = None
        not_accepted = 0
        notice_on = accepted
        if closed is not None and accepted is None:  # never accepted: 不予受理 notice
            not_accepted, notice_on, close_reason = 1, closed, "NOT_ACCEPTED"
        elif closed is not None:  # the written reply closes it on the day the case did
            reply_on, close_reason = closed, "REPLIED"
            reply = _REPLIES.get(outcome or "", _REPLY_OTHER)
            evaluation = rng.choice(_EVALUATIONS)
            if assigned:
                feedback_on, feedback = closed, f"已向{body}反馈办理结果"
        stamp = _stamp(received)
        rows.append((cid, office_code, 1, stamp, stamp, 0, None, cid, number, body,
                     int(assigned), channel, received, handler, notice_on, not_accepted,
                     accepted, 30 if extended and accepted else 0, ext_on, approver,
                     ext_reason, told, reply_on, reply, feedback_on, feedback, evaluation,
                     int(first_visit), 0, int(bool(group)), persons or 0,
                     min(5, persons or 0) if group else 0, closed, close_reason))
    if rows:
        raw.executemany(f"INSERT INTO petition ({', '.join(_PETITION_COLUMNS)}) VALUES "
                        f"({', '.join('?' * len(_PETITION_COLUMNS))})", rows)
    referred = []
    for cid, source, registered, concluded, outcome in raw.execute(
            "SELECT id, source, registered_on, concluded_on, outcome FROM dispute_case "
            "WHERE owner_code = ? AND source IN ('COURT', 'POLICE', 'GOVERNMENT') "
            "AND deleted = 0 ORDER BY case_no", (office_code,)).fetchall():
        if rng.random() >= 0.2:
            continue
        kind, body, prefix = rng.choice(_REFERRALS[source])
        on = date.fromisoformat(registered) - timedelta(days=rng.randint(0, 2))
        number = f"{prefix.format(y=on.year)}{rng.randint(1, 300)}号"
        result = _REFERRAL_RESULTS.get(outcome or "") if concluded else None
        referred.append((kind, body, number, on.isoformat(), concluded if result else None,
                         result, cid))
    if referred:
        raw.executemany("UPDATE dispute_case SET referral_kind = ?, referral_body = ?, "
                        "referral_no = ?, referral_on = ?, referral_feedback_on = ?, "
                        "referral_result = ? WHERE id = ?", referred)
    return {"petition": len(rows), "referral": len(referred)}
