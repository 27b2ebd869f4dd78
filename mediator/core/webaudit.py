"""The audit entries of ``mediator serve``: every login to the browser page, and every failed
one, with the address it came from (issue 23). One transaction each, like every use case."""

from __future__ import annotations

from mediator.core import audit
from mediator.core.db import Database

#: the audit actions
LOGIN = "web.login"
LOGIN_FAILED = "web.login_failed"


def record_web_login(db: Database, operator: str, remote: str, succeeded: bool) -> None:
    """Write one audit entry for a login attempt on the served page from ``remote``."""
    with db.write() as s:
        audit.append(s, operator, LOGIN if succeeded else LOGIN_FAILED, "web_session", None,
                     None, {"remote": remote})
