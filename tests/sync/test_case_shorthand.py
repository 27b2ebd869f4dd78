"""``2026-1`` names a case only within an office: in a county database holding two townships
it is refused as ambiguous unless the office is told (by its short name) or is the database's
own."""

from __future__ import annotations

import pytest

from mediator.core.errors import NotFoundError, ValidationError


def test_shorthand_in_a_county_database(net) -> None:  # type: ignore[no-untyped-def]
    (c1,) = net.t1.register(1)
    (c2,) = net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    county = net.county.svc
    with pytest.raises(ValidationError) as err:
        county.find_case("2026-1")
    assert str(err.value) == ("“2026-1”可能是以下多件案件之一：(2026)青石人调字第001号、"
                              "(2026)清溪人调字第001号。请输入完整案号。")
    assert county.find_case("2026青石1").id == c1
    assert county.find_case("(2026)清溪1号").id == c2
    assert county.find_case("(2026)清溪人调字第001号").id == c2
    # a township's own database: its own case
    assert net.t1.svc.find_case("2026-1").id == c1
    # the county's office named but holding no such case
    with pytest.raises(NotFoundError):
        county.find_case("2026西湖1")
