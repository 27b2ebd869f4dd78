"""``Problems`` collects the errors of independent checks and raises them together."""

from __future__ import annotations

import gc
import weakref

import pytest

from mediator.core.errors import Problems, ValidationError, ValidationErrors


def test_one_problem_is_raised_as_it_is() -> None:
    problems = Problems()
    with problems.check():
        raise ValidationError("名字不能为空", "name")
    with problems.check():
        pass
    with pytest.raises(ValidationError) as err:
        problems.raise_if_any()
    assert type(err.value) is ValidationError
    assert (err.value.message, err.value.field) == ("名字不能为空", "name")


def test_several_problems_are_raised_together_in_order() -> None:
    problems = Problems()
    with problems.check():
        raise ValidationError("甲", "a")
    with problems.check():
        raise ValidationErrors([ValidationError("乙", "b"), ValidationError("丙", "c")])
    problems.add(ValidationError("丁", "d"))
    with pytest.raises(ValidationErrors) as err:
        problems.raise_if_any()
    assert [(e.message, e.field) for e in err.value.errors] == [
        ("甲", "a"), ("乙", "b"), ("丙", "c"), ("丁", "d")]


def test_other_errors_pass_through() -> None:
    problems = Problems()
    with pytest.raises(KeyError), problems.check():
        raise KeyError("x")
    problems.raise_if_any()  # nothing collected


def test_freed_without_the_cycle_collector() -> None:
    """No reference cycle: a case check makes one Problems, a ledger import 10,000, and the
    cycles were 30,000 objects for the collector to find after the import (issue 16)."""
    was = gc.isenabled()
    gc.disable()
    try:
        problems = Problems()
        with problems.check():
            raise ValidationError("甲", "a")
        ref = weakref.ref(problems)
        del problems
        assert ref() is None
    finally:
        if was:
            gc.enable()
