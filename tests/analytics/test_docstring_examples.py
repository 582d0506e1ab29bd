"""The examples in the evaluation core's docstrings run and give what they show."""

import doctest
import os
from pathlib import Path

import pytest

from precinct.analytics import form1m, indicators, weighting

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", [weighting, form1m, indicators], ids=lambda m: m.__name__)
def test_docstring_examples(module, monkeypatch):
    monkeypatch.chdir(ROOT)  # form1m's example reads ../shared/data relative to the root
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
    assert os.getcwd() == str(ROOT)
