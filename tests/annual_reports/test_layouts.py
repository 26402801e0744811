"""The formats as data: the row texts agree with the applications' vocabulary (both are
the statutory texts), every hand-entered cell has a spec, and the grids are rectangles."""

import pytest

from disclosure.annual_reports import assembly, layouts
from disclosure.applications.vocabularies import ApplicantType, Outcome


def test_the_outcome_rows_are_the_applications_outcome_leaves_verbatim():
    mine = {
        key: label or group for _, group, leaves in layouts.OUTCOME_GROUPS for key, label in leaves
    }
    assert mine == dict(Outcome.choices)
    assert layouts.APPLICANT_COLUMNS == list(ApplicantType.choices)


@pytest.mark.parametrize("layout", [layouts.LAYOUT_2021, layouts.LAYOUT_2019])
def test_every_grid_is_a_full_rectangle(layout):
    figures = {}
    matrix = assembly.layout_matrix(assembly.three_matrix({}), layout)
    grids = [*layouts.two_grids(layout, catalogue={}, figures=figures),
             layouts.three_grid(layout, matrix), layouts.four_grid(figures)]  # fmt: skip
    for grid in grids:
        covered = set()
        for row, column, cell in layouts.placed(grid):
            for r in range(row, row + cell.rowspan):
                for c in range(column, column + cell.colspan):
                    assert (r, c) not in covered, grid.caption
                    covered.add((r, c))
        rows = len(grid.head) + len(grid.body)
        assert covered == {(r, c) for r in range(rows) for c in range(grid.width)}, grid.caption


def test_the_layouts_ask_for_their_own_cells():
    keys_2021 = {spec.key for spec in layouts.figure_specs(layouts.LAYOUT_2021)}
    keys_2019 = {spec.key for spec in layouts.figure_specs(layouts.LAYOUT_2019)}
    assert len(keys_2021) == 4 + 15 and len(keys_2019) == 6 + 6 + 2 + 2 + 15
    assert "procurement.amount" in keys_2019 - keys_2021
    assert "fees.amount" in keys_2021 - keys_2019


def test_the_default_layout_follows_the_year():
    assert layouts.default_layout(2019) == layouts.default_layout(2020) == "2019"
    assert layouts.default_layout(2021) == "2021"


def test_amounts_print_without_trailing_zeros():
    from decimal import Decimal

    assert layouts.format_number(Decimal("12.3400")) == "12.34"
    assert layouts.format_number(Decimal("100")) == "100"
    assert layouts.format_number(Decimal("0.0000")) == "0"
